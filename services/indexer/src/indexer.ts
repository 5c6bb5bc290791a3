/**
 * The indexer core: crawls the DHT tag tree, verifies every record, keeps the directory in the
 * database, and answers searches. One pass (`crawlOnce`) is:
 *
 *   1. read every known tag (the configured seeds, then every tag path found in listings, oldest crawl
 *      first) from the DHT; every listing is opened by the protocol core (form, size, clock, work at the
 *      configured difficulty, signature) and stored per (room, publisher), never twice;
 *   2. check pending listings against their room's authority log (membership, device, settings),
 *      a bounded number of rooms per pass; only checked listings are ever served;
 *   3. rebuild the affected rooms from their newest checked listing; drop expired listings and rooms;
 *   4. refresh activity (distinct peers seen announcing each room over the last day).
 *
 * Votes arrive over HTTP (POST /v1/votes): opened by the protocol core at the vote difficulty, one per
 * (voter, room), counted only for rooms in the directory.
 */
import type { ParleyNode } from '@parley/net';
import {
  type CryptoPort,
  LISTING_DIFFICULTY,
  type Listing,
  openListing,
  openVote,
  ProtocolError,
  type Signed,
  tagPublishPaths,
  toHex,
  VOTE_DIFFICULTY,
} from '@parley/protocol';
import type { DirectoryApi } from './http.ts';
import { type IndexerLog, type IndexerMetrics, noLog, noMetrics, reasonOf } from './ports.ts';
import { checkListingAgainstRoom, DhtRoomAuthority, type RoomAuthority } from './room-authority.ts';
import { type RoomResult, roomById, type SearchQuery, type SearchResult, search } from './search.ts';
import type { IndexStore } from './store.ts';

export interface IndexerOptions {
  readonly node: ParleyNode;
  readonly store: IndexStore;
  readonly crypto: CryptoPort;
  readonly now?: () => number;
  /** Top-level tags to start crawling from (e.g. gaming, music); more are found in listings. */
  readonly seeds: readonly string[];
  readonly listingDifficulty?: number;
  readonly voteDifficulty?: number;
  /** Time between crawl passes. Default 60 s. */
  readonly crawlIntervalMs?: number;
  /** Tags read per pass. Default 200. */
  readonly tagsPerPass?: number;
  /** Rooms whose pending listings are checked per pass. Default 50. */
  readonly roomsPerPass?: number;
  /** Membership checks of one listing before it is left to expire. Default 5. */
  readonly maxAttempts?: number;
  /** Time limit of one DHT read. Default 10 s. */
  readonly queryTimeoutMs?: number;
  /** How long a fetched room log is trusted (default 5 min) and how long "nobody serves it" is remembered (default 1 min). */
  readonly authorityTtlMs?: number;
  readonly authorityMissTtlMs?: number;
  /** Replaces the DHT authority fetch (tests). */
  readonly authority?: RoomAuthority;
  readonly metrics?: IndexerMetrics;
  readonly log?: IndexerLog;
}

export interface PassReport {
  readonly tags: number;
  readonly listings: number;
  /** Tag paths seen for the first time (found in listings). */
  readonly newTags: number;
  readonly verified: number;
  readonly dropped: number;
  readonly deferred: number;
  readonly expiredRooms: number;
  readonly ms: number;
}

export class Indexer implements DirectoryApi {
  readonly node: ParleyNode;
  readonly store: IndexStore;
  readonly #o: IndexerOptions;
  readonly #now: () => number;
  readonly #metrics: IndexerMetrics;
  readonly #log: IndexerLog;
  readonly #authority: RoomAuthority;
  readonly #peersSeen = new Map<string, Set<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pass: Promise<PassReport> | undefined;
  #stopped = false;
  #abort = new AbortController();

  constructor(o: IndexerOptions) {
    this.#o = o;
    this.node = o.node;
    this.store = o.store;
    this.#now = o.now ?? Date.now;
    this.#metrics = o.metrics ?? noMetrics;
    this.#log = o.log ?? noLog;
    this.#authority =
      o.authority ??
      new DhtRoomAuthority({
        node: o.node,
        crypto: o.crypto,
        now: this.#now,
        timeoutMs: o.queryTimeoutMs,
        ttlMs: o.authorityTtlMs,
        missTtlMs: o.authorityMissTtlMs,
        stopped: () => this.#abort.signal,
        onPeers: (room, peers) => this.#sawPeers(toHex(room), peers),
      });
  }

  #sawPeers(room: string, peers: readonly string[]): void {
    let s = this.#peersSeen.get(room);
    if (s === undefined) this.#peersSeen.set(room, (s = new Set()));
    for (const p of peers) s.add(p);
  }

  /** Adds the seed tags and runs passes on the interval until stop(). */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#abort = new AbortController();
    await this.store.addTags(this.#o.seeds, this.#now());
    const loop = async (): Promise<void> => {
      if (this.#stopped) return;
      await this.crawlOnce().catch((e: unknown) => this.#log.error({ error: (e as Error)?.message ?? 'unknown' }, 'crawl pass failed'));
      if (!this.#stopped) this.#timer = setTimeout(() => void loop(), this.#o.crawlIntervalMs ?? 60_000);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    clearTimeout(this.#timer);
    await this.#pass?.catch(() => undefined);
  }

  /** One crawl pass; concurrent calls share it. */
  crawlOnce(): Promise<PassReport> {
    this.#pass ??= this.#crawl().finally(() => {
      this.#pass = undefined;
    });
    return this.#pass;
  }

  /**
   * Opens a listing (protocol core: form, size, clock, work, signature) and stores it as pending.
   * Returns the opened listing, or the protocol error that refused it (counted, never stored).
   */
  async ingestListing(bytes: Uint8Array): Promise<Signed<Listing> | ProtocolError> {
    const now = this.#now();
    let l: Signed<Listing>;
    try {
      l = openListing(bytes, this.#o.crypto, now, this.#o.listingDifficulty ?? LISTING_DIFFICULTY);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.#metrics.rejected(reasonOf(e.code));
      return e;
    }
    const outcome = await this.store.putListing(
      {
        room: toHex(l.body.room),
        account: toHex(l.body.account),
        id: toHex(l.id),
        signer: toHex(l.body.signer),
        issuedAt: l.body.issuedAt,
        expiresAt: l.body.expiresAt,
        bytes: l.bytes,
        content: toHex(
          this.#o.crypto.sha256(new TextEncoder().encode(JSON.stringify([l.body.name, l.body.description, l.body.language, l.body.tags, l.body.color]))),
        ),
      },
      now,
    );
    this.#metrics.listingSeen(outcome);
    // A kept check (same content re-published) changes what the room row shows: its expiry.
    if (outcome === 'replaced') await this.refreshRoom(toHex(l.body.room));
    return l;
  }

  /** Stores a VOTE frame (opened at the vote difficulty); returns whether it changed the tally, or the error. */
  async ingestVote(bytes: Uint8Array): Promise<boolean | ProtocolError> {
    try {
      const v = openVote(bytes, this.#o.crypto, this.#now(), this.#o.voteDifficulty ?? VOTE_DIFFICULTY);
      return await this.store.putVote({
        room: toHex(v.body.room),
        voter: toHex(v.body.voter),
        up: v.body.value === 1,
        issuedAt: v.body.issuedAt,
        id: toHex(v.id),
      });
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.#metrics.rejected(reasonOf(e.code));
      return e;
    }
  }

  /** One room of the directory, as search returns it. */
  async roomById(room: string): Promise<RoomResult | undefined> {
    return roomById(this.store, room, this.#now());
  }

  tags(): Promise<{ path: string; rooms: number }[]> {
    return this.store.tagCounts();
  }

  search(query: SearchQuery): Promise<SearchResult> {
    return search(this.store, query, this.#now());
  }

  /** Rebuilds one room's row from its newest verified listing, or removes it. */
  async refreshRoom(room: string): Promise<void> {
    const now = this.#now();
    const best = await this.store.bestListing(room, now);
    if (best === undefined) return this.store.deleteRoom(room);
    const opened = openListing(best.bytes, this.#o.crypto, now, 0);
    const l = opened.body;
    const paths = [...new Set(l.tags.flatMap((t) => tagPublishPaths(t)))].sort();
    await this.store.upsertRoom(
      room,
      {
        name: l.name,
        description: l.description,
        language: l.language,
        tags: l.tags,
        tagPaths: paths,
        color: l.color,
        listingId: toHex(opened.id),
        expiresAt: best.expiresAt,
      },
      now,
    );
  }

  /** A query's signal: its time limit, or stop(). */
  #signal(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.#o.queryTimeoutMs ?? 10_000), this.#abort.signal]);
  }

  async #crawl(): Promise<PassReport> {
    const t0 = performance.now();
    const o = this.#o;
    let listings = 0;
    let newTags = 0;
    const tags = await this.store.tagsToCrawl(o.tagsPerPass ?? 200);
    for (const path of tags) {
      if (this.#stopped) break;
      const read = await this.node.readTag(path, { signal: this.#signal() }).catch(() => undefined);
      if (read === undefined) continue;
      if (read.rejected > 0) this.#metrics.rejected('other', read.rejected);
      const found = new Set<string>();
      for (const l of read.listings) {
        const r = await this.ingestListing(l.bytes);
        if (r instanceof ProtocolError) continue;
        listings++;
        for (const t of r.body.tags) for (const p of tagPublishPaths(t)) found.add(p);
      }
      newTags += await this.store.addTags([...found], this.#now());
      await this.store.markCrawled(path, read.listings.length, this.#now());
    }
    const v = await this.#verifyPending();
    const expired = await this.store.expireListings(this.#now());
    for (const room of expired) await this.refreshRoom(room);
    for (const [room, peers] of this.#peersSeen) await this.store.seePeers(room, [...peers], this.#now());
    this.#peersSeen.clear();
    await this.#refreshPresence();
    await this.store.refreshActivity(this.#now());
    const c = await this.store.counts();
    this.#metrics.setGauges({ ...c, peers: this.node.libp2p.getPeers().length });
    const ms = performance.now() - t0;
    this.#metrics.crawled(tags.length, ms);
    const report = { tags: tags.length, listings, newTags, ...v, expiredRooms: expired.length, ms };
    this.#log.info({ ...report, rooms: c.rooms, pending: c.pending }, 'crawl pass');
    return report;
  }

  /** Membership checks for pending listings, room by room, within the pass's budget. */
  async #verifyPending(): Promise<{ verified: number; dropped: number; deferred: number }> {
    const o = this.#o;
    const now = this.#now();
    const pending = await this.store.pending(5_000, now, o.maxAttempts ?? 5);
    const byRoom = new Map<string, typeof pending>();
    for (const p of pending) {
      const list = byRoom.get(p.room) ?? [];
      list.push(p);
      byRoom.set(p.room, list);
    }
    let verified = 0;
    let dropped = 0;
    let deferred = 0;
    let rooms = 0;
    for (const [room, list] of byRoom) {
      if (this.#stopped || rooms++ >= (o.roomsPerPass ?? 50)) break;
      const state = await this.#authority.state(Uint8Array.from(Buffer.from(room, 'hex')));
      for (const p of list) {
        if (state === undefined) {
          await this.store.deferListing(p.room, p.account, p.id);
          this.#metrics.rejected('unreachable');
          deferred++;
          continue;
        }
        const body = openListing(p.bytes, o.crypto, now, 0).body;
        let verdict = checkListingAgainstRoom(state, body);
        if (verdict !== 'ok') {
          // The cached log may predate this publisher's join or the room's new settings: look once more if it is not fresh.
          const fresh = await this.#authority.state(body.room, 15_000);
          if (fresh !== undefined) verdict = checkListingAgainstRoom(fresh, body);
        }
        if (verdict === 'ok') {
          await this.store.markVerified(p.room, p.account, p.id);
          verified++;
        } else {
          await this.store.dropListing(p.room, p.account, p.id);
          this.#metrics.rejected(verdict);
          dropped++;
        }
      }
      await this.refreshRoom(room);
    }
    return { verified, dropped, deferred };
  }

  /** Presence (activity): peers announcing listed rooms, for up to 50 rooms per pass (a random sample), 8 lookups at a time. */
  async #refreshPresence(): Promise<void> {
    const rooms = await this.store.listedRooms(50);
    for (let i = 0; i < rooms.length && !this.#stopped; i += 8) {
      await Promise.all(
        rooms.slice(i, i + 8).map(async (room) => {
          const peers = await this.node.findRoomPeers(Uint8Array.from(Buffer.from(room, 'hex')), { signal: this.#signal() }).catch(() => []);
          await this.store.seePeers(
            room,
            peers.filter((p) => p.presence !== undefined).map((p) => p.peerId),
            this.#now(),
          );
        }),
      );
    }
  }
}
