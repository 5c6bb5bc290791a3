/**
 * Only valid listings are ever stored, and only listings whose publisher is a member of the room (or a hub it pins) and
 * whose content is the room's own SET_DISCOVERY settings are ever served; a flood of 10,000 junk
 * listings from a sybil set leaves the results for real rooms unchanged. On PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildFrame,
  decodeCanonicalMap,
  encodeCbor,
  type Listing,
  parseFrame,
  payloadWithoutNonce,
  peerIdOfEd25519,
  powWork,
  type Signed,
} from '@parley/protocol';
import { rowsOf } from '@parley/store-postgres';
import { sql as raw } from 'drizzle-orm';
import { BACKENDS, type BuiltRoom, crypto, D, hubPerson, knownRooms, listedRoom, listing, person, pinHub, roomListing, settings } from './helpers.ts';
import { coreFixture, type Fixture } from './setup.ts';

const sql = async (f: Fixture, q: string): Promise<Record<string, unknown>[]> => rowsOf(await f.database.db.execute(raw.raw(q)));
const decode = (p: Uint8Array) => decodeCanonicalMap(p, 'LISTING');

/** A listing whose work is below D (searched from nonce 0 at difficulty 0, keeping one that fails D). */
const weakListing = (r: BuiltRoom, i: number): Signed<Listing> => {
  for (let k = 0; ; k++) {
    const l = listing({ room: r.id, by: r.owner, settings: r.settings, difficulty: 0, issuedAt: Date.now() - i - k * 100_000 });
    const m = parseFrame(l.bytes);
    if (powWork({ domain: 'LISTING', payload: payloadWithoutNonce(decode(m.payload)) }, l.body.nonce, crypto) < D) return l;
  }
};

const badSignature = (l: Signed<Listing>): Uint8Array => {
  const b = Uint8Array.from(l.bytes);
  b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
  return b;
};

/** A LISTING frame whose payload is over the 4096-byte limit (checked before anything is decoded deeply). */
const oversized = (l: Signed<Listing>): Uint8Array => {
  const m = decode(parseFrame(l.bytes).payload);
  return buildFrame('LISTING', encodeCbor({ ...m, d: 'x'.repeat(5000) }), new Uint8Array(64));
};

for (const make of BACKENDS) {
  describe(`indexer verification (${make().name})`, { timeout: 240_000 }, () => {
    const backend = make();
    let f: Fixture;
    const frag = listedRoom('alice', settings('Frag Night', ['gaming/fps'], 'FPS evenings, all welcome'));
    const chess = listedRoom('bob', settings('Chess Club', ['games/board'], 'Slow chess and puzzles'));
    // A room that pins a hub: the hub lists it under its own libp2p key (PROTOCOL 8.5).
    const hub = hubPerson('hub-1');
    const stray = hubPerson('hub-2');
    const pinned = pinHub(listedRoom('carol', settings('Night Owls', ['social/late'], 'Up late, talking')), peerIdOfEd25519(hub.author.account));
    const rooms = [frag, chess, pinned];
    const authority = knownRooms(rooms);

    before(async () => {
      f = await coreFixture(backend, 'verify', { authority, roomsPerPass: 100_000 });
    });
    after(async () => {
      await f?.close();
      await backend.cleanup();
    });

    it('refuses bad work, bad signatures, oversized and expired listings; stores none of them', async () => {
      const cases: [string, Uint8Array, string][] = [
        ['work below the difficulty', weakListing(frag, 1).bytes, 'ERR_PROOF_OF_WORK'],
        ['signature flipped', badSignature(roomListing(frag)), 'ERR_SIGNATURE'],
        ['payload over 4096 bytes', oversized(roomListing(frag)), 'ERR_LIMIT'],
        ['expired', roomListing(frag, { issuedAt: Date.now() - 2 * 60 * 60_000, ttlMs: 60 * 60_000 }).bytes, 'ERR_EXPIRED'],
        ['not a frame', new Uint8Array([1, 2, 3]), 'ERR_DECODE'],
      ];
      for (const [what, bytes, code] of cases) {
        const r = await f.indexer.ingestListing(bytes);
        assert.ok(r instanceof Error, `${what}: refused`);
        assert.equal((r as { code?: string }).code, code, what);
      }
      assert.equal((await sql(f, 'select count(*)::int as n from listings'))[0]?.n, 0, 'nothing stored');
    });

    it('serves a member’s listing only after the room’s log confirms it; drops a non-member’s and a wrong-settings one', async () => {
      const good = roomListing(frag);
      assert.ok(!((await f.indexer.ingestListing(good.bytes)) instanceof Error));
      assert.equal((await f.indexer.search({ q: 'frag' })).rooms.length, 0, 'pending listings are not served');
      // A stranger claims the room with spam text; the owner signs content that is not the room's settings.
      const mallory = person('mallory');
      assert.ok(
        !((await f.indexer.ingestListing(listing({ room: frag.id, by: mallory, settings: settings('FREE NITRO', ['gaming']) }).bytes)) instanceof Error),
      );
      assert.ok(
        !(
          (await f.indexer.ingestListing(
            listing({ room: chess.id, by: chess.owner, settings: settings('Chess Club', ['games/board'], 'edited locally') }).bytes,
          )) instanceof Error
        ),
      );
      const pass = await f.indexer.crawlOnce();
      assert.equal(pass.verified, 1);
      assert.equal(pass.dropped, 2);
      const hits = await f.indexer.search({ q: 'frag night' });
      assert.deepEqual(
        hits.rooms.map((r) => [r.room, r.name, r.tags]),
        [[frag.hex, 'Frag Night', ['gaming/fps']]],
      );
      assert.equal((await f.indexer.search({ q: 'nitro' })).rooms.length, 0);
      // Re-ingesting the same listing changes nothing (no duplicate, stays verified).
      await f.indexer.ingestListing(good.bytes);
      const rows = await sql(f, `select count(*)::int as n, bool_and(verified) as v from listings where room = '${frag.hex}'`);
      assert.deepEqual(rows[0], { n: 1, v: true });
    });

    it('serves a listing its pinned hub signs with its libp2p key; drops one from a hub the room does not pin', async () => {
      assert.ok(!((await f.indexer.ingestListing(listing({ room: pinned.id, by: stray, settings: pinned.settings }).bytes)) instanceof Error));
      let pass = await f.indexer.crawlOnce();
      assert.equal(pass.dropped, 1, 'a hub the room does not pin is a stranger');
      assert.equal((await f.indexer.search({ q: 'night owls' })).rooms.length, 0);
      assert.ok(!((await f.indexer.ingestListing(listing({ room: pinned.id, by: hub, settings: pinned.settings }).bytes)) instanceof Error));
      pass = await f.indexer.crawlOnce();
      assert.equal(pass.verified, 1);
      assert.deepEqual(
        (await f.indexer.search({ q: 'night owls' })).rooms.map((r) => r.room),
        [pinned.hex],
      );
    });

    it('10,000 junk listings from a sybil set leave the results for real rooms unchanged', async () => {
      await f.indexer.ingestListing(roomListing(chess).bytes);
      await f.indexer.crawlOnce();
      const queries = [{ q: 'frag night' }, { q: 'chess' }, { q: 'club' }, { tag: 'gaming' }, { tag: 'games' }, {}, { sort: 'age' as const }];
      const snapshot = async () => Promise.all(queries.map(async (q) => (await f.indexer.search(q)).rooms.map((r) => [r.room, r.name, r.description, r.tags])));
      const beforeFlood = await snapshot();
      assert.equal(beforeFlood[5]?.length, 3, 'the three real rooms listed');

      // The sybil set: 500 keys. Junk kinds: bad work, bad signatures, oversized, expired (refused at the
      // door), listings claiming the real rooms with spam text (refused by the rooms' logs), and listings
      // for rooms no peer serves (never served).
      const sybils = Array.from({ length: 500 }, (_, i) => person(`sybil-${i}`));
      const spam = (i: number) => settings(`Frag Night FREE NITRO ${i}`, ['gaming', 'gaming/fps'], 'frag night chess club giveaway');
      let refused = 0;
      let stored = 0;
      const t0 = Date.now();
      for (let i = 0; i < 10_000; i++) {
        const by = sybils[i % sybils.length] as ReturnType<typeof person>;
        const kind = i % 6;
        const target = i % 2 === 0 ? frag : chess;
        let bytes: Uint8Array;
        if (kind === 0) bytes = weakListing(target, i).bytes;
        else if (kind === 1) bytes = badSignature(listing({ room: target.id, by, settings: spam(i), issuedAt: t0 - i }));
        else if (kind === 2) bytes = oversized(listing({ room: target.id, by, settings: spam(i), issuedAt: t0 - i }));
        else if (kind === 3) bytes = listing({ room: target.id, by, settings: spam(i), issuedAt: t0 - 3 * 60 * 60_000 - i, ttlMs: 60 * 60_000 }).bytes;
        else if (kind === 4) bytes = listing({ room: target.id, by, settings: spam(i), issuedAt: t0 - i }).bytes;
        else bytes = listing({ room: crypto.sha256(new TextEncoder().encode(`fake-room-${i}`)), by, settings: spam(i), issuedAt: t0 - i }).bytes;
        if ((await f.indexer.ingestListing(bytes)) instanceof Error) refused++;
        else stored++;
      }
      assert.equal(refused + stored, 10_000);
      assert.ok(refused >= 6_000, `the four malformed kinds are refused at the door (${refused})`);
      await f.indexer.crawlOnce();
      await f.indexer.crawlOnce();
      assert.deepEqual(await snapshot(), beforeFlood, 'every query returns exactly what it returned before the flood');
      const served = await sql(f, 'select count(*)::int as n from rooms');
      assert.equal(served[0]?.n, 3, 'no junk room is served');
      const left = await sql(f, 'select count(*)::int as n from listings where verified');
      assert.equal(left[0]?.n, 3, 'only the three real listings are verified');
      // The membership checks cost a log lookup per distinct room (and a re-check when the cached log is old), not one per junk listing.
      const lookups = authority.fetches.filter((h) => h === frag.hex).length;
      assert.ok(lookups <= 1 + Math.ceil((Date.now() - t0) / 15_000), `the real room's log was fetched ${lookups} times`);
    });
  });
}
