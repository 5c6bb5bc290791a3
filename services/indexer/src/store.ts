/**
 * The indexer's reads and writes, as parameterised SQL over drizzle (every value is a bound
 * parameter, never spliced into the text). Rooms are derived state: `refreshRooms` rebuilds a room's
 * row from its newest verified, unexpired listing, or deletes it when none is left.
 */
import { type Db, rowsOf } from '@parley/store-postgres';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

export interface ListingRow {
  readonly room: string;
  readonly account: string;
  readonly id: string;
  readonly signer: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly bytes: Uint8Array;
  /** Hash of the listed content (name, description, language, tags, colour). */
  readonly content: string;
}

export interface PendingListing extends ListingRow {
  readonly attempts: number;
}

const DAY_MS = 24 * 60 * 60_000;

const arr = (xs: readonly string[]): SQL =>
  xs.length === 0
    ? sql`ARRAY[]::text[]`
    : sql`ARRAY[${sql.join(
        xs.map((x) => sql`${x}`),
        sql`, `,
      )}]::text[]`;

const dialect = new PgDialect();

/** postgres.js, as drizzle's postgres-js driver holds it (PGlite's client has no `unsafe`). */
interface PreparingClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<Record<string, unknown>[]>;
}

export class IndexStore {
  readonly db: Db;
  readonly #client: PreparingClient | undefined;

  constructor(db: Db) {
    this.db = db;
    const client = (db as unknown as { $client?: Partial<PreparingClient> }).$client;
    this.#client = typeof client?.unsafe === 'function' ? (client as PreparingClient) : undefined;
  }

  /**
   * A read that Postgres keeps as a prepared statement on each connection, parsed and planned once
   * instead of on every call (drizzle's `execute` sends unnamed statements); on PGlite, `execute`.
   * For the search API's few statement shapes, called hundreds of times a second.
   */
  async read(query: SQL): Promise<Record<string, unknown>[]> {
    if (this.#client === undefined) return this.rows(query);
    const q = dialect.sqlToQuery(query);
    return [...(await this.#client.unsafe(q.sql, q.params, { prepare: true }))];
  }

  private async rows(q: SQL): Promise<Record<string, unknown>[]> {
    return rowsOf(await this.db.execute(q));
  }

  /**
   * Keeps the newer of the stored and the offered listing per (room, publisher): later `t`, then lower
   * id. Returns 'new', 'replaced' or 'same' (already held: nothing changes, so re-crawls never duplicate).
   * A newer listing with the same content from the same publisher keeps the membership check of the
   * one it replaces (members re-publish every half TTL; the room must not blink out of the results).
   */
  async putListing(l: ListingRow, now: number): Promise<'new' | 'replaced' | 'same'> {
    const r = await this.rows(sql`
      insert into listings (room, account, id, signer, issued_at, expires_at, bytes, seen_at, content, verified, attempts)
      values (${l.room}, ${l.account}, ${l.id}, ${l.signer}, ${l.issuedAt}, ${l.expiresAt}, ${l.bytes}, ${now}, ${l.content}, false, 0)
      on conflict (room, account) do update set
        id = excluded.id, signer = excluded.signer, issued_at = excluded.issued_at, expires_at = excluded.expires_at,
        bytes = excluded.bytes, seen_at = excluded.seen_at, content = excluded.content,
        verified = listings.verified and listings.content = excluded.content and listings.signer = excluded.signer,
        attempts = 0
      where excluded.issued_at > listings.issued_at or (excluded.issued_at = listings.issued_at and excluded.id < listings.id)
      returning (xmax = 0) as inserted`);
    if (r.length === 0) return 'same';
    return r[0]?.inserted === true ? 'new' : 'replaced';
  }

  /** Listings waiting for a membership check, fewest attempts and oldest first. */
  async pending(limit: number, now: number, maxAttempts: number): Promise<PendingListing[]> {
    const r = await this.rows(sql`
      select room, account, id, signer, issued_at, expires_at, bytes, content, attempts from listings
      where not verified and attempts < ${maxAttempts} and expires_at >= ${now}
      order by attempts, seen_at limit ${limit}`);
    return r.map((x) => ({
      room: String(x.room),
      account: String(x.account),
      id: String(x.id),
      signer: String(x.signer),
      issuedAt: Number(x.issued_at),
      expiresAt: Number(x.expires_at),
      bytes: x.bytes as Uint8Array,
      content: String(x.content),
      attempts: Number(x.attempts),
    }));
  }

  async markVerified(room: string, account: string, id: string): Promise<void> {
    await this.db.execute(sql`update listings set verified = true where room = ${room} and account = ${account} and id = ${id}`);
  }

  /** The room's log refused this listing (not a member, or not the room's settings): dropped. */
  async dropListing(room: string, account: string, id: string): Promise<void> {
    await this.db.execute(sql`delete from listings where room = ${room} and account = ${account} and id = ${id}`);
  }

  /** The room could not be reached: counted, retried later (up to the bound in `pending`). */
  async deferListing(room: string, account: string, id: string): Promise<void> {
    await this.db.execute(sql`update listings set attempts = attempts + 1 where room = ${room} and account = ${account} and id = ${id}`);
  }

  /**
   * Rebuilds the rows of `rooms` from their newest verified, unexpired listing (fields decoded by the
   * caller), keeping first_seen, activity and votes; deletes rooms with none left.
   */
  async upsertRoom(
    room: string,
    f: {
      name: string;
      description: string;
      language: string;
      tags: readonly string[];
      tagPaths: readonly string[];
      color: number;
      listingId: string;
      expiresAt: number;
    },
    now: number,
  ): Promise<void> {
    const tagText = f.tagPaths.map((p) => p.replaceAll('/', ' ').replaceAll('-', ' ')).join(' ');
    await this.db.execute(sql`
      insert into rooms (room, name, description, language, tags, tag_paths, tag_text, color, listing_id, first_seen, updated_at, expires_at)
      values (${room}, ${f.name}, ${f.description}, ${f.language}, ${arr(f.tags)}, ${arr(f.tagPaths)}, ${tagText}, ${f.color}, ${f.listingId}, ${now}, ${now}, ${f.expiresAt})
      on conflict (room) do update set name = excluded.name, description = excluded.description, language = excluded.language,
        tags = excluded.tags, tag_paths = excluded.tag_paths, tag_text = excluded.tag_text, color = excluded.color,
        listing_id = excluded.listing_id, updated_at = excluded.updated_at, expires_at = excluded.expires_at
      where rooms.listing_id <> excluded.listing_id or rooms.expires_at <> excluded.expires_at`);
    await this.db.execute(sql`
      update rooms set up = t.up, down = t.down, score = t.up - t.down
      from (select count(*) filter (where up)::int as up, count(*) filter (where not up)::int as down from votes where room = ${room}) t
      where rooms.room = ${room} and (rooms.up, rooms.down) <> (t.up, t.down)`);
  }

  /** The newest verified, unexpired listing frame of a room (latest t, then lowest id), with the room's latest expiry. */
  async bestListing(room: string, now: number): Promise<{ bytes: Uint8Array; expiresAt: number } | undefined> {
    const r = await this.rows(sql`
      select bytes, (select max(expires_at) from listings where room = ${room} and verified and expires_at >= ${now}) as exp
      from listings where room = ${room} and verified and expires_at >= ${now}
      order by issued_at desc, id asc limit 1`);
    const x = r[0];
    return x === undefined ? undefined : { bytes: x.bytes as Uint8Array, expiresAt: Number(x.exp) };
  }

  async deleteRoom(room: string): Promise<void> {
    await this.db.execute(sql`delete from rooms where room = ${room}`);
  }

  /** Drops expired listings and returns the rooms they belonged to (to be rebuilt or removed). */
  async expireListings(now: number): Promise<string[]> {
    const r = await this.rows(sql`delete from listings where expires_at < ${now} returning room`);
    const fromRooms = await this.rows(sql`select room from rooms where expires_at < ${now}`);
    return [...new Set([...r, ...fromRooms].map((x) => String(x.room)))];
  }

  // ---- tags ----

  async addTags(paths: readonly string[], now: number): Promise<number> {
    if (paths.length === 0) return 0;
    const r = await this.rows(sql`
      insert into tags (path, first_seen) select p, ${now} from unnest(${arr(paths)}) as p
      on conflict (path) do nothing returning path`);
    return r.length;
  }

  /** Tags whose last crawl is oldest first. */
  async tagsToCrawl(limit: number): Promise<string[]> {
    return (await this.rows(sql`select path from tags order by last_crawled, path limit ${limit}`)).map((x) => String(x.path));
  }

  async markCrawled(path: string, listings: number, now: number): Promise<void> {
    await this.db.execute(sql`update tags set last_crawled = ${now}, listings = ${listings} where path = ${path}`);
  }

  async tagCounts(): Promise<{ path: string; rooms: number }[]> {
    const r = await this.rows(sql`
      select t.path, (select count(*) from rooms r where r.tag_paths @> ARRAY[t.path]::text[]) as rooms from tags t order by t.path limit 2000`);
    return r.map((x) => ({ path: String(x.path), rooms: Number(x.rooms) }));
  }

  // ---- activity ----

  async seePeers(room: string, peers: readonly string[], now: number): Promise<void> {
    if (peers.length === 0) return;
    await this.db.execute(sql`
      insert into presence (room, peer, seen_at) select ${room}, p, ${now} from unnest(${arr(peers)}) as p
      on conflict (room, peer) do update set seen_at = excluded.seen_at`);
  }

  /** Recomputes every room's activity: distinct peers seen over the last day; forgets older sightings. */
  async refreshActivity(now: number): Promise<void> {
    await this.db.execute(sql`delete from presence where seen_at < ${now - DAY_MS}`);
    await this.db.execute(sql`
      update rooms set activity = coalesce(a.n, 0)
      from (select r.room, (select count(*) from presence p where p.room = r.room)::int as n from rooms r) a
      where rooms.room = a.room and rooms.activity <> coalesce(a.n, 0)`);
  }

  /** A random sample of listed rooms (activity lookups rotate through the directory). */
  async listedRooms(limit: number): Promise<string[]> {
    return (await this.rows(sql`select room from rooms order by random() limit ${limit}`)).map((x) => String(x.room));
  }

  // ---- votes ----

  /** Keeps the latest vote per (room, voter): later t, then lower id. Returns whether it changed anything. */
  async putVote(v: { room: string; voter: string; up: boolean; issuedAt: number; id: string }): Promise<boolean> {
    const r = await this.rows(sql`
      insert into votes (room, voter, up, issued_at, id) values (${v.room}, ${v.voter}, ${v.up}, ${v.issuedAt}, ${v.id})
      on conflict (room, voter) do update set up = excluded.up, issued_at = excluded.issued_at, id = excluded.id
      where excluded.issued_at > votes.issued_at or (excluded.issued_at = votes.issued_at and excluded.id < votes.id)
      returning room`);
    if (r.length > 0) {
      await this.db.execute(sql`
        update rooms set up = t.up, down = t.down, score = t.up - t.down
        from (select count(*) filter (where up)::int as up, count(*) filter (where not up)::int as down from votes where room = ${v.room}) t
        where rooms.room = ${v.room}`);
    }
    return r.length > 0;
  }

  async counts(): Promise<{ rooms: number; listings: number; pending: number; tags: number; votes: number }> {
    const r = await this.rows(sql`select
      (select count(*) from rooms) as rooms, (select count(*) from listings where verified) as listings,
      (select count(*) from listings where not verified) as pending, (select count(*) from tags) as tags, (select count(*) from votes) as votes`);
    const x = r[0] ?? {};
    return { rooms: Number(x.rooms), listings: Number(x.listings), pending: Number(x.pending), tags: Number(x.tags), votes: Number(x.votes) };
  }
}
