import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex, utf8 } from '../src/bytes.ts';
import { encodeCbor } from '../src/codec/cbor.ts';
import { buildFrame, parseFrame, type Signed } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { createListing, encodeListingSet, type Listing, listingCodec, mergeListings, openListing, openListingSet } from '../src/discovery/listing.ts';
import {
  betterPresence,
  openPresence,
  PRESENCE_CAPS,
  type Presence,
  peerIdOfEd25519,
  presenceDhtKey,
  selectPresence,
  signPresence,
  validateMultiaddr,
} from '../src/discovery/presence.ts';
import { LISTING_DIFFICULTY, leadingZeroBits, powNonce, powPrefix, powWork, solvePow, VOTE_DIFFICULTY, verifyPow } from '../src/discovery/proof-of-work.ts';
import { isValidTag, normalizeTag, tagAncestors, tagDhtKey, tagKey, tagPublishPaths, validateTag } from '../src/discovery/tag.ts';
import { createVote, openVote, tallyVotes, type Vote, voteCodec } from '../src/discovery/vote.ts';
import type { ProtocolError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { crypto, seededRandom, user } from './helpers.ts';

const code = (c: string, field?: string) => (e: unknown) => {
  const err = e as ProtocolError;
  assert.equal(err.code, c, err.message);
  if (field !== undefined) assert.equal(err.field, field, err.message);
  return true;
};

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const room = seededRandom('room')(32);
const otherRoom = seededRandom('other-room')(32);
const peer = user('hub-1').device.sign;
const alice = user('alice');

const presenceBody = (over: Partial<Presence> = {}): Presence => ({
  signer: peer.publicKey,
  peerId: peerIdOfEd25519(peer.publicKey),
  room,
  role: 'hub',
  addrs: ['/dns4/hub.example.com/tcp/443/wss', '/ip4/203.0.113.7/tcp/4001'],
  caps: PRESENCE_CAPS.STORE | PRESENCE_CAPS.RELAY,
  issuedAt: T0,
  expiresAt: T0 + HOUR,
  ...over,
});

describe('multiaddr validation', () => {
  it('accepts canonical internet addresses and refuses everything else', () => {
    for (const ok of ['/ip4/1.2.3.4/tcp/4001', '/ip6/::1/tcp/1', '/dnsaddr/bootstrap.libp2p.io', '/dns4/a-b.example/tcp/443/wss/p2p-circuit']) {
      assert.equal(validateMultiaddr(ok, 'm'), ok);
    }
    for (const bad of [
      '/ip6/0:0:0:0:0:0:0:1/tcp/1',
      '/ip4/1.2.3.4/tcp/1/',
      '//ip4/1.2.3.4',
      '/memory/x',
      '/p2p-circuit',
      '/dns4/-x.com',
      '/dns4/x_y.com',
      'x'.repeat(300),
    ]) {
      assert.throws(
        () => validateMultiaddr(bad, 'm'),
        (e: ProtocolError) => e.field === 'm',
        bad,
      );
    }
  });
});

describe('PRESENCE', () => {
  it('round-trips with both crypto ports; the peer id is the Ed25519 libp2p id of a', () => {
    const p = signPresence(presenceBody(), peer.secret, crypto);
    assert.match(p.body.peerId, /^12D3KooW/);
    for (const c of [crypto, nobleCrypto]) assert.deepEqual(openPresence(p.bytes, c, T0, room).body, p.body);
  });

  it('checks the clock: expired after x, not yet valid beyond 5 minutes of skew', () => {
    const p = signPresence(presenceBody(), peer.secret, crypto);
    assert.ok(openPresence(p.bytes, crypto, T0 + HOUR, room));
    assert.throws(() => openPresence(p.bytes, crypto, T0 + HOUR + 1, room), code('ERR_EXPIRED', 'PRESENCE.x'));
    assert.ok(openPresence(p.bytes, crypto, T0 - LIMITS.maxClockSkewMs, room));
    assert.throws(() => openPresence(p.bytes, crypto, T0 - LIMITS.maxClockSkewMs - 1, room), code('ERR_EXPIRED', 'PRESENCE.t'));
  });

  it('rejects the wrong room, a foreign peer id, a long or inverted lifetime, bad addresses', () => {
    const p = signPresence(presenceBody(), peer.secret, crypto);
    assert.throws(() => openPresence(p.bytes, crypto, T0, otherRoom), code('ERR_FIELD', 'PRESENCE.r'));
    const sign = (over: Partial<Presence>) => signPresence(presenceBody(over), peer.secret, crypto);
    assert.throws(() => sign({ peerId: peerIdOfEd25519(alice.device.sign.publicKey) }), code('ERR_FIELD', 'PRESENCE.p'));
    assert.throws(() => sign({ expiresAt: T0 + 24 * HOUR + 1 }), code('ERR_LIMIT', 'PRESENCE.x'));
    assert.throws(() => sign({ expiresAt: T0 }), code('ERR_FIELD', 'PRESENCE.x'));
    assert.throws(() => sign({ addrs: ['/ip4/1.2.3.4/tcp/65536'] }), code('ERR_FIELD', 'PRESENCE.m[0]'));
    assert.throws(() => sign({ addrs: Array.from({ length: 17 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) }), code('ERR_LIMIT', 'PRESENCE.m'));
    // @ts-expect-error a role outside the enum is what the test feeds in
    assert.throws(() => sign({ role: 'admin' }), code('ERR_FIELD', 'PRESENCE.o'));
    // Signed by a key other than `a`.
    const wrong = signPresence(presenceBody(), alice.device.sign.secret, crypto);
    assert.throws(() => openPresence(wrong.bytes, crypto, T0, room), code('ERR_SIGNATURE'));
  });

  it('betterPresence: later expiry, then lower id; selectPresence agrees in any order', () => {
    const a = signPresence(presenceBody({ expiresAt: T0 + HOUR }), peer.secret, crypto);
    const b = signPresence(presenceBody({ expiresAt: T0 + 2 * HOUR }), peer.secret, crypto);
    const c = signPresence(presenceBody({ issuedAt: T0 + 1, expiresAt: T0 + 2 * HOUR }), peer.secret, crypto);
    assert.equal(betterPresence(a, b), b);
    const lower = toHex(b.id) < toHex(c.id) ? b : c;
    assert.equal(betterPresence(b, c), lower);
    assert.equal(betterPresence(c, b), lower);
    const all = [a, b, c];
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: 3, maxLength: 3 }), (xs) => assert.equal(xs[selectPresence(xs)], lower)));
    assert.equal(selectPresence([]), -1);
    assert.equal(presenceDhtKey(room), `/parley/room/${toHex(room)}`);
  });
});

describe('proof of work', () => {
  const input = { domain: 'LISTING', payload: utf8('hello') };

  it('counts leading zero bits and encodes nonces big-endian', () => {
    assert.equal(leadingZeroBits(Uint8Array.of(0, 0, 0x80)), 16);
    assert.equal(leadingZeroBits(Uint8Array.of(0, 0x01)), 15);
    assert.equal(leadingZeroBits(new Uint8Array(4)), 32);
    assert.deepEqual(powNonce(2 ** 32 + 258), Uint8Array.of(0, 0, 0, 1, 0, 0, 1, 2));
  });

  it('property: verify accepts exactly what solve produces, at that difficulty and below', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 10 }), fc.nat(2 ** 40), (payload, d, start) => {
        const inp = { domain: 'VOTE', payload };
        const s = solvePow(inp, d, start, 1 << 16, crypto);
        assert.ok(s !== undefined);
        assert.equal(verifyPow(inp, s.nonce, d, crypto), true);
        const work = powWork(inp, s.nonce, crypto);
        assert.ok(work >= d);
        assert.equal(verifyPow(inp, s.nonce, work + 1, crypto), false);
        // Every earlier nonce in the range failed: solve returns the first solution.
        for (let n = start; n < start + s.attempts - 1; n++) assert.equal(verifyPow(inp, powNonce(n), d, crypto), false);
      }),
      { numRuns: 60 },
    );
  });

  it('is bounded by maxIterations, agrees across crypto ports, and refuses silly difficulties', () => {
    assert.equal(solvePow(input, 40, 0, 1000, crypto), undefined);
    const s = solvePow(input, 8, 0, 1 << 16, crypto);
    assert.deepEqual(solvePow(input, 8, 0, 1 << 16, nobleCrypto), s);
    assert.throws(() => solvePow(input, 65, 0, 1, crypto), code('ERR_FIELD', 'difficulty'));
    assert.throws(() => verifyPow(input, new Uint8Array(7), 1, crypto), code('ERR_FIELD', 'nonce'));
    assert.ok(VOTE_DIFFICULTY < LISTING_DIFFICULTY);
    // The work is bound to the domain and to the payload.
    const p = powPrefix(input, crypto);
    assert.notDeepEqual(powPrefix({ ...input, domain: 'VOTE' }, crypto), p);
    assert.notDeepEqual(powPrefix({ ...input, payload: utf8('hellp') }, crypto), p);
  });
});

describe('tags', () => {
  it('normalises what people type', () => {
    assert.equal(normalizeTag('  Gaming//FPS/ '), 'gaming/fps');
    assert.equal(normalizeTag('/Board Games / Euro  games'), 'board-games/euro-games');
    assert.equal(normalizeTag('rust--lang-'), 'rust-lang');
    for (const bad of ['', ' / ', 'a/b/c/d/e', 'café', 'c++']) assert.throws(() => normalizeTag(bad), code('ERR_FIELD', 'tag'), bad);
    for (const long of ['x'.repeat(65), 'a'.repeat(1000)]) assert.throws(() => normalizeTag(long), code('ERR_LIMIT', 'tag'));
  });

  it('validates only the normal form', () => {
    for (const ok of ['a', 'gaming/fps', 'a/b/c/d', 'x1-y2']) assert.equal(validateTag(ok), ok);
    for (const bad of ['A', 'a/', '/a', 'a//b', '-a', 'a-', 'a--b', 'a b', 'a/b/c/d/e']) assert.equal(isValidTag(bad), false, bad);
  });

  it('property: normalisation is idempotent and its output is valid', () => {
    const segment = fc.stringMatching(/^[ A-Za-z0-9-]{0,12}$/);
    const joined = fc
      .array(fc.tuple(segment, fc.constantFrom('/', '//', ' / ', '')), { maxLength: 6 })
      .map((parts) => parts.map(([seg, sep]) => seg + sep).join(''));
    const input = fc.oneof(joined, fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
    fc.assert(
      fc.property(input, (s) => {
        let n: string;
        try {
          n = normalizeTag(s);
        } catch (e) {
          assert.ok((e as ProtocolError).code === 'ERR_FIELD' || (e as ProtocolError).code === 'ERR_LIMIT');
          return;
        }
        assert.equal(normalizeTag(n), n);
        assert.equal(validateTag(n), n);
      }),
      { numRuns: 2000 },
    );
  });

  it('has ancestors and DHT keys H("tag:" + path)', () => {
    assert.deepEqual(tagAncestors('gaming/fps'), ['gaming']);
    assert.deepEqual(tagAncestors('a/b/c'), ['a', 'a/b']);
    assert.deepEqual(tagAncestors('a'), []);
    assert.deepEqual(tagPublishPaths('a/b'), ['a', 'a/b']);
    assert.deepEqual(tagKey('gaming/fps', crypto), crypto.sha256(utf8('tag:gaming/fps')));
    assert.equal(tagDhtKey('gaming', crypto), `/parley/tag/${toHex(crypto.sha256(utf8('tag:gaming')))}`);
  });
});

const D = 8; // test difficulty: 256 attempts expected
const listingBody = (over: Partial<Listing> = {}): Omit<Listing, 'nonce'> => ({
  signer: alice.device.sign.publicKey,
  account: alice.account.publicKey,
  room,
  name: 'Rust learners',
  description: 'Beginners welcome.\nWeekly study nights.',
  language: 'en',
  tags: ['gaming/fps', 'programming/rust'],
  color: 0xff8800,
  issuedAt: T0,
  expiresAt: T0 + 12 * HOUR,
  ...over,
});
const listing = (over: Partial<Listing> = {}, d = D) => createListing(listingBody(over), alice.device.sign.secret, crypto, { difficulty: d });

describe('LISTING', () => {
  it('round-trips with its work and both crypto ports', () => {
    const l = listing();
    for (const c of [crypto, nobleCrypto]) assert.deepEqual(openListing(l.bytes, c, T0, D).body, l.body);
  });

  it('checks work, clock and signature in that order', () => {
    const l = listing();
    const work = powWork({ domain: 'LISTING', payload: encodeCbor(withoutW(listingCodec.write(l.body))) }, l.body.nonce, crypto);
    assert.throws(() => openListing(l.bytes, crypto, T0, work + 1), code('ERR_PROOF_OF_WORK', 'LISTING.w'));
    assert.throws(() => openListing(l.bytes, crypto, T0 + 12 * HOUR + 1, D), code('ERR_EXPIRED', 'LISTING.x'));
    assert.throws(() => openListing(l.bytes, crypto, T0 - LIMITS.maxClockSkewMs - 1, D), code('ERR_EXPIRED', 'LISTING.t'));
    const f = parseFrame(l.bytes);
    const badSig = buildFrame('LISTING', f.payload, new Uint8Array(64));
    assert.throws(() => openListing(badSig, crypto, T0, D), code('ERR_SIGNATURE'));
    // Editing any field after the work was done (here the name) breaks the work before the signature.
    const edited = encodeCbor({ ...listingCodec.write(l.body), n: 'Rust learnerz' });
    assert.throws(() => openListing(buildFrame('LISTING', edited, f.signature), crypto, T0, D), code('ERR_PROOF_OF_WORK', 'LISTING.w'));
  });

  it('validates every field', () => {
    const bad = (over: Partial<Listing>, c: string, field: string) => assert.throws(() => listing(over, 0), code(c, field));
    bad({ tags: ['b', 'a'] }, 'ERR_FIELD', 'LISTING.tg');
    bad({ tags: ['a', 'a'] }, 'ERR_FIELD', 'LISTING.tg');
    bad({ tags: [] }, 'ERR_FIELD', 'LISTING.tg');
    bad({ tags: ['a', 'B'] }, 'ERR_FIELD', 'LISTING.tg[1]');
    bad({ tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }, 'ERR_LIMIT', 'LISTING.tg');
    bad({ name: '   ' }, 'ERR_FIELD', 'LISTING.n');
    bad({ name: 'a\nb' }, 'ERR_FIELD', 'LISTING.n');
    bad({ description: 'x'.repeat(1025) }, 'ERR_LIMIT', 'LISTING.d');
    bad({ language: 'english!' }, 'ERR_FIELD', 'LISTING.g');
    bad({ language: 'en-aaaaaaaa-bbbbb' }, 'ERR_LIMIT', 'LISTING.g');
    bad({ color: 0x1000000 }, 'ERR_FIELD', 'LISTING.col');
    bad({ expiresAt: T0 + 24 * HOUR + 1 }, 'ERR_LIMIT', 'LISTING.x');
    bad({ room: new Uint8Array(31) }, 'ERR_FIELD', 'LISTING.r');
  });

  it('listing sets: merge keeps one per room, drops expired, bounds size, ignores input order', () => {
    const rooms = [room, otherRoom, seededRandom('r3')(32), seededRandom('r4')(32)];
    const pool: Signed<Listing>[] = [];
    rooms.forEach((r, i) => {
      for (let k = 0; k < 3; k++) pool.push(listing({ room: r, issuedAt: T0 + k * 1000 * (i + 1), expiresAt: T0 + (k + 1) * HOUR }, 0));
    });
    fc.assert(
      fc.property(fc.subarray(pool), fc.subarray(pool), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 * HOUR }), (a, b, limit, dt) => {
        const now = T0 + dt;
        const m = mergeListings(a, b, limit, now);
        assert.deepEqual(m, mergeListings(b, a, limit, now));
        assert.deepEqual(m, mergeListings([...b, ...a].reverse(), [], limit, now));
        assert.deepEqual(mergeListings(m, [], limit, now), m);
        assert.ok(m.length <= limit);
        assert.equal(new Set(m.map((l) => toHex(l.body.room))).size, m.length);
        for (const l of m) {
          assert.ok(now <= l.body.expiresAt);
          // Nothing unexpired and newer for the same room was dropped.
          for (const o of [...a, ...b]) if (toHex(o.body.room) === toHex(l.body.room) && now <= o.body.expiresAt) assert.ok(o.body.issuedAt <= l.body.issuedAt);
        }
      }),
    );
    const set = encodeListingSet(mergeListings(pool, [], 4, T0));
    const opened = openListingSet(set, tagKey('gaming', crypto), crypto, T0, 0);
    assert.equal(opened.listings.length, 4);
    assert.equal(opened.rejected.length, 0);
    // Under a key none of the tags (or ancestors) hash to, every element is dropped, none fatal.
    const wrongKey = openListingSet(set, tagKey('music', crypto), crypto, T0, 0);
    assert.deepEqual([wrongKey.listings.length, wrongKey.rejected.length], [0, 4]);
  });
});

const withoutW = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'w')) as Parameters<typeof encodeCbor>[0];

describe('VOTE', () => {
  const vote = (who: string, r: Uint8Array, value: 1 | -1, t: number): Signed<Vote> => {
    const u = user(who);
    return createVote({ voter: u.account.publicKey, room: r, value, issuedAt: t }, u.account.secret, crypto, { difficulty: 4 });
  };

  it('encodes +1 as 1 and -1 as 0, and round-trips', () => {
    const up = vote('bob', room, 1, T0);
    const down = vote('bob', room, -1, T0);
    assert.equal(voteCodec.write(up.body).v, 1);
    assert.equal(voteCodec.write(down.body).v, 0);
    assert.deepEqual(openVote(up.bytes, crypto, T0, 4).body, up.body);
    assert.deepEqual(openVote(down.bytes, nobleCrypto, T0, 4).body, down.body);
    assert.throws(() => openVote(up.bytes, crypto, T0 - LIMITS.maxClockSkewMs - 1, 4), code('ERR_EXPIRED', 'VOTE.t'));
    const two = encodeCbor({ ...voteCodec.write(up.body), v: 2 });
    assert.throws(() => openVote(buildFrame('VOTE', two, new Uint8Array(64)), crypto, T0, 0), code('ERR_FIELD', 'VOTE.v'));
  });

  it('tallies one vote per key per room (latest wins), in any order', () => {
    const votes = [
      vote('bob', room, 1, T0),
      vote('bob', room, -1, T0 + 1), // bob changes his mind
      vote('carol', room, 1, T0),
      vote('dave', room, 1, T0),
      vote('bob', otherRoom, 1, T0),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(votes, { minLength: votes.length, maxLength: votes.length }), (vs) => {
        const t = tallyVotes(vs);
        assert.deepEqual([t.get(toHex(room))?.up, t.get(toHex(room))?.down, t.get(toHex(room))?.score, t.get(toHex(otherRoom))?.score], [2, 1, 1, 1]);
      }),
    );
  });
});
