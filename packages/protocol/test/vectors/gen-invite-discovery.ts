/**
 * Vector generator for invites and discovery records: invite-token.json, invite-url.json,
 * presence.json, listing.json, vote.json. Deterministic (seeded keys, fixed times, Ed25519's
 * deterministic signatures, proof-of-work searched from nonce 0).
 *
 *   node test/vectors/gen-invite-discovery.ts --write    (from packages/protocol) writes the five files
 *
 * Invalid frames are signed correctly over their bad payloads, so each breaks exactly the one rule its
 * note names. Each file's `context` holds the arguments the opener is called with (now, room,
 * difficulty); invite-url cases carry the URL's UTF-8 bytes in `hex`.
 */
import { writeFileSync } from 'node:fs';
import { concat, toHex, utf8 } from '../../src/bytes.ts';
import { type CborMap, type CborValue, encodeCbor } from '../../src/codec/cbor.ts';
import type { ObjectTypeName } from '../../src/codec/object-type.ts';
import { buildFrame, parseFrame, type Signed, signingInput } from '../../src/codec/signed.ts';
import { createListing, type Listing, listingCodec } from '../../src/discovery/listing.ts';
import { PRESENCE_CAPS, type Presence, peerIdOfEd25519, presenceCodec, signPresence } from '../../src/discovery/presence.ts';
import { payloadWithoutNonce, powNonce, powWork } from '../../src/discovery/proof-of-work.ts';
import { createVote, type Vote, voteCodec } from '../../src/discovery/vote.ts';
import { type InviteToken, inviteTokenCodec, issueInviteToken } from '../../src/invite/invite-token.ts';
import { base64urlEncode, encodeInviteUrl } from '../../src/invite/invite-url.ts';
import { LIMITS } from '../../src/limits.ts';
import { crypto, seededRandom, user } from '../helpers.ts';
import { serialize } from './serialize.ts';
import type { InvalidVector, JsonValue, ValidVector, VectorFile } from './vector-file.ts';

export const T0 = 1_700_000_000_000;
export const ORIGIN = 'https://parley.example';
const HOUR = 3_600_000;
/** Difficulties the vectors are solved at and checked with (the network's are higher; see PROTOCOL.md 8.4). */
export const LISTING_VECTOR_DIFFICULTY = 8;
export const VOTE_VECTOR_DIFFICULTY = 6;

const alice = user('alice');
const bob = user('bob');
const hubKey = user('hub-1').device.sign;
const room = seededRandom('vectors:room')(32);
const otherRoom = seededRandom('vectors:other-room')(32);
const HUB = '/dns4/hub.example.com/tcp/443/wss/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA';
const ADDRS = [HUB, '/dnsaddr/bootstrap.libp2p.io', '/ip4/203.0.113.7/tcp/4001', '/ip6/2001:db8::1/udp/4001/quic-v1'];

/** A frame whose payload is `map` as given, correctly signed by `secret`: only the payload's rule breaks. */
const rawFrame = (type: ObjectTypeName, map: CborMap, secret: Uint8Array): Uint8Array => {
  const payload = encodeCbor(map);
  return buildFrame(type, payload, crypto.ed25519Sign(secret, signingInput(type, payload)));
};
const withSignature = (frame: Uint8Array, signature: Uint8Array): Uint8Array => {
  const f = parseFrame(frame);
  return buildFrame(f.type, f.payload, signature);
};
const ok = (name: string, s: Signed<unknown>, expect: { [k: string]: JsonValue }): ValidVector => ({ name, hex: toHex(s.bytes), id: toHex(s.id), expect });
const bad = (name: string, bytes: Uint8Array, error: string, note: string): InvalidVector => ({ name, hex: toHex(bytes), error, note });

// ---- expectations: what a decoder must report for a valid case (also used by the spec) ----

export const expectToken = (t: InviteToken): { [k: string]: JsonValue } => ({
  a: toHex(t.issuer),
  u: toHex(t.account),
  r: toHex(t.room),
  i: toHex(t.nonce),
  x: t.expiresAt,
  m: t.maxUses,
});
export const expectPresence = (p: Presence): { [k: string]: JsonValue } => ({
  a: toHex(p.signer),
  p: p.peerId,
  r: toHex(p.room),
  o: p.role,
  m: [...p.addrs],
  c: p.caps,
  t: p.issuedAt,
  x: p.expiresAt,
});
export const expectListing = (l: Listing): { [k: string]: JsonValue } => ({
  a: toHex(l.signer),
  u: toHex(l.account),
  r: toHex(l.room),
  n: l.name,
  d: l.description,
  g: l.language,
  tg: [...l.tags],
  col: l.color,
  t: l.issuedAt,
  x: l.expiresAt,
  w: toHex(l.nonce),
});
export const expectVote = (v: Vote): { [k: string]: JsonValue } => ({ a: toHex(v.voter), r: toHex(v.room), v: v.value, t: v.issuedAt, w: toHex(v.nonce) });

// ---- valid objects ----

const tokens = () => {
  const device = issueInviteToken(
    { signer: alice.device.sign, account: alice.account.publicKey, room, expiresAt: T0 + 7 * 24 * HOUR, maxUses: 5 },
    seededRandom('vectors:token-1'),
    crypto,
  );
  const account = issueInviteToken({ signer: alice.account, account: alice.account.publicKey, room }, seededRandom('vectors:token-2'), crypto);
  return { device, account };
};

const presenceBody = (over: Partial<Presence> = {}): Presence => ({
  signer: hubKey.publicKey,
  peerId: peerIdOfEd25519(hubKey.publicKey),
  room,
  role: 'hub',
  addrs: [HUB, '/ip4/203.0.113.7/tcp/4001'],
  caps: PRESENCE_CAPS.STORE | PRESENCE_CAPS.RELAY | PRESENCE_CAPS.TURN,
  issuedAt: T0 - HOUR,
  expiresAt: T0 + HOUR,
  ...over,
});

const listingBody = (over: Partial<Listing> = {}): Omit<Listing, 'nonce'> => ({
  signer: alice.device.sign.publicKey,
  account: alice.account.publicKey,
  room,
  name: 'Rust learners',
  description: 'Beginners welcome.\nStudy nights on Thursdays.',
  language: 'en',
  tags: ['education', 'programming/rust'],
  color: 0xde5833,
  issuedAt: T0 - HOUR,
  expiresAt: T0 + 11 * HOUR,
  ...over,
});
const listing = (over: Partial<Listing> = {}) => createListing(listingBody(over), alice.device.sign.secret, crypto, { difficulty: LISTING_VECTOR_DIFFICULTY });

const vote = (value: 1 | -1, over: Partial<Vote> = {}) =>
  createVote({ voter: bob.account.publicKey, room, value, issuedAt: T0 - 60_000, ...over }, bob.account.secret, crypto, { difficulty: VOTE_VECTOR_DIFFICULTY });

/** A listing whose nonce earns less work than the vectors' difficulty (and is otherwise valid). */
const underworkedListing = (): Uint8Array => {
  const body = listingBody();
  const payload = payloadWithoutNonce(listingCodec.write({ ...body, nonce: new Uint8Array(8) }));
  let n = 0;
  while (powWork({ domain: 'LISTING', payload }, powNonce(n), crypto) >= LISTING_VECTOR_DIFFICULTY) n++;
  return rawFrame('LISTING', listingCodec.write({ ...body, nonce: powNonce(n) }), alice.device.sign.secret);
};

// ---- files ----

const inviteTokenFile = (): VectorFile => {
  const t = tokens();
  const base = inviteTokenCodec.write(t.device.body);
  const k = alice.device.sign.secret;
  return {
    type: 'INVITE_TOKEN',
    description: 'INVITE_TOKEN frames: form and signature only (issuer rights, expiry, revocation and use counts are checked by authority replay).',
    valid: [
      ok('device-signed, expiring, 5 uses', t.device, expectToken(t.device.body)),
      ok('account-signed, never expires, unlimited', t.account, expectToken(t.account.body)),
    ],
    invalid: [
      bad(
        'signature by another key',
        withSignature(t.device.bytes, crypto.ed25519Sign(bob.device.sign.secret, signingInput('INVITE_TOKEN', parseFrame(t.device.bytes).payload))),
        'ERR_SIGNATURE',
        'the signature must verify under field a',
      ),
      bad(
        'signature lifted from PROFILE domain',
        withSignature(t.device.bytes, crypto.ed25519Sign(k, signingInput('PROFILE', parseFrame(t.device.bytes).payload))),
        'ERR_SIGNATURE',
        'signatures are domain-separated by type (THREATS 2)',
      ),
      bad('15-byte nonce', rawFrame('INVITE_TOKEN', { ...base, i: new Uint8Array(15) }, k), 'ERR_FIELD', 'i must be exactly 16 bytes'),
      bad('31-byte room id', rawFrame('INVITE_TOKEN', { ...base, r: room.subarray(1) }, k), 'ERR_FIELD', 'r must be exactly 32 bytes'),
      bad('negative expiry', rawFrame('INVITE_TOKEN', { ...base, x: -1 }, k), 'ERR_FIELD', 'x is an unsigned integer'),
      bad(
        'max uses missing',
        rawFrame('INVITE_TOKEN', Object.fromEntries(Object.entries(base).filter(([key]) => key !== 'm')), k),
        'ERR_FIELD',
        'm is required',
      ),
      bad('unknown field', rawFrame('INVITE_TOKEN', { ...base, z: 1 }, k), 'ERR_FIELD', 'unknown payload keys are rejected'),
      bad('map keys out of canonical order', nonCanonical('INVITE_TOKEN', base, k), 'ERR_NON_CANONICAL', 'the payload must be canonical DAG-CBOR'),
      bad(
        'PRESENCE type code',
        buildFrame('PRESENCE', parseFrame(t.device.bytes).payload, parseFrame(t.device.bytes).signature),
        'ERR_WRONG_TYPE',
        'frame type byte must be 0x40',
      ),
    ],
  };
};

/** `map` encoded with its entries in reverse canonical order (a valid CBOR map, not canonical), correctly signed. */
const nonCanonical = (type: ObjectTypeName, map: CborMap, secret: Uint8Array): Uint8Array => {
  // Insertion order of the codec's write() (a, u, r, i, ...) reversed is never the canonical order.
  const entries = Object.entries(map).reverse();
  const payload = concat(Uint8Array.of(0xa0 + entries.length), ...entries.map(([key, v]) => encodeCbor({ [key]: v }).subarray(1)));
  return buildFrame(type, payload, crypto.ed25519Sign(secret, signingInput(type, payload)));
};

/** Two authority entry ids, ascending, as an invite names the room's heads. */
const HEADS = [seededRandom('vectors:head-a')(32), seededRandom('vectors:head-b')(32)].sort((a, b) => Buffer.compare(a, b));

export const inviteUrls = () => {
  const t = tokens();
  return {
    full: encodeInviteUrl(
      { room, addrs: ADDRS, token: t.device.bytes, key: seededRandom('vectors:room-key')(32), name: 'Rust learners', heads: HEADS },
      ORIGIN,
    ),
    minimal: encodeInviteUrl({ room, addrs: [] }, ORIGIN),
    localhost: encodeInviteUrl({ room, addrs: ['/ip4/127.0.0.1/tcp/9090/ws'], token: t.account.bytes }, 'http://localhost:3000'),
  };
};

const inviteUrlFile = (): VectorFile => {
  const t = tokens();
  const u = inviteUrls();
  const frag = u.full.slice(u.full.indexOf('#') + 1);
  const raw = (m: CborMap) => `${ORIGIN}/join#${base64urlEncode(encodeCbor(m))}`;
  const base: CborMap = { v: 1, r: room, b: [HUB], t: t.device.bytes };
  const tamperedToken = t.device.bytes.slice();
  tamperedToken[20] = (tamperedToken[20] as number) ^ 0x01;
  const url = (name: string, s: string, expect: { [k: string]: JsonValue }): ValidVector => ({ name, hex: toHex(utf8(s)), expect: { url: s, ...expect } });
  const no = (name: string, s: string, note: string): InvalidVector => ({ name, hex: toHex(utf8(s)), error: 'ERR_INVALID_INVITE', note });
  return {
    type: 'INVITE_URL',
    description:
      'Invite URLs (hex = the URL as UTF-8). parseInviteUrl must accept the valid ones with exactly the expected content and reject each invalid one with ERR_INVALID_INVITE naming the field in the note.',
    valid: [
      url('full invite with token, key and name', u.full, {
        origin: ORIGIN,
        room: toHex(room),
        addrs: ADDRS,
        token: toHex(t.device.id),
        key: toHex(seededRandom('vectors:room-key')(32)),
        name: 'Rust learners',
        heads: HEADS.map(toHex),
      }),
      url('minimal invite', u.minimal, { origin: ORIGIN, room: toHex(room), addrs: [], token: null, key: null, name: null, heads: null }),
      url('http on localhost', u.localhost, {
        origin: 'http://localhost:3000',
        room: toHex(room),
        addrs: ['/ip4/127.0.0.1/tcp/9090/ws'],
        token: toHex(t.account.id),
        key: null,
        name: null,
        heads: null,
      }),
    ],
    invalid: [
      no('too long', `${ORIGIN}/join#${'A'.repeat(LIMITS.maxInviteUrlChars)}`, 'invite.url: at most maxInviteUrlChars characters, checked first'),
      no('http to a public host', `http://parley.example/join#${frag}`, 'invite.url: scheme must be https (http only for localhost)'),
      no('credentials before the host', `https://parley.example@evil.example/join#${frag}`, 'invite.url: user info is refused (phishing)'),
      no('wrong path', `${ORIGIN}/invite#${frag}`, 'invite.path: path must be /join'),
      no('query string', `${ORIGIN}/join?ref=x#${frag}`, 'invite.query: no query string; secrets live only in the fragment'),
      no('no fragment', `${ORIGIN}/join`, 'invite.fragment: the fragment carries the invite'),
      no('padded base64', `${ORIGIN}/join#${frag}==`, 'invite.fragment: base64url without padding'),
      no('standard base64 alphabet', `${ORIGIN}/join#${frag.slice(0, -4)}+/+/`, 'invite.fragment: only the base64url alphabet'),
      no('non-zero trailing bits', `${ORIGIN}/join#AB`, 'invite.fragment: unused bits of the last character must be zero (one spelling per payload)'),
      no('version 2', raw({ ...base, v: 2 }), 'invite.v: only version 1 is understood'),
      no('unknown field', raw({ ...base, q: 1 }), 'invite.q: unknown fields are rejected'),
      no('room id tampered', raw({ ...base, r: otherRoom }), 'invite.t.r: the token must name the invite room (THREATS 33)'),
      no('token tampered', raw({ ...base, t: tamperedToken }), 'invite.t: the token signature must verify (THREATS 33)'),
      no('port out of range', raw({ ...base, b: ['/ip4/1.2.3.4/tcp/65536'] }), 'invite.b[0]: every address must parse as a multiaddr (THREATS 27)'),
      no('non-canonical multiaddr', raw({ ...base, b: ['/ip4/1.2.3.4/tcp/1/'] }), 'invite.b[0]: addresses must be in canonical form'),
      no('unix socket address', raw({ ...base, b: ['/unix/tmp%2Fsock'] }), 'invite.b[0]: addresses start with ip4, ip6, dns, dns4, dns6 or dnsaddr'),
      no('bad DNS name', raw({ ...base, b: ['/dns4/evil host/tcp/1'] }), 'invite.b[0]: DNS names are lowercase letters, digits, hyphens and dots'),
      no('duplicate address', raw({ ...base, b: [HUB, HUB] }), 'invite.b: addresses are distinct'),
      no('17 addresses', raw({ ...base, b: Array.from({ length: 17 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) }), 'invite.b: at most maxAddrs addresses'),
      no('key too long', raw({ ...base, k: new Uint8Array(1025) }), 'invite.k: at most 1024 bytes of key material'),
      no('name with a newline', raw({ ...base, n: 'a\nb' }), 'invite.n: single-line text'),
      no('heads out of order', raw({ ...base, h: [...HEADS].reverse() }), 'invite.h: heads are strictly ascending (one encoding per set)'),
      no('a head of 31 bytes', raw({ ...base, h: [new Uint8Array(31)] }), 'invite.h[0]: a head is a 32-byte entry id'),
      no('no heads', raw({ ...base, h: [] }), 'invite.h: present means 1..16 heads'),
      no('17 heads', raw({ ...base, h: Array.from({ length: 17 }, (_, i) => new Uint8Array(32).fill(i)) }), 'invite.h: at most maxAuthHeads (16) heads'),
    ],
  };
};

const presenceFile = (): VectorFile => {
  const hub = signPresence(presenceBody(), hubKey.secret, crypto);
  const client = signPresence(presenceBody({ role: 'client', addrs: [], caps: 0, issuedAt: T0, expiresAt: T0 + 10 * 60_000 }), hubKey.secret, crypto);
  const base = presenceCodec.write(hub.body);
  const k = hubKey.secret;
  return {
    type: 'PRESENCE',
    description: 'PRESENCE records, opened with openPresence(bytes, crypto, context.now, context.room).',
    context: { now: T0, room: toHex(room) },
    valid: [ok('hub with two addresses', hub, expectPresence(hub.body)), ok('client without addresses, issued now', client, expectPresence(client.body))],
    invalid: [
      bad('expired', signPresence(presenceBody({ issuedAt: T0 - 2 * HOUR, expiresAt: T0 - 1 }), k, crypto).bytes, 'ERR_EXPIRED', 'expired once now > x'),
      bad(
        'issued too far ahead',
        signPresence(presenceBody({ issuedAt: T0 + LIMITS.maxClockSkewMs + 1, expiresAt: T0 + 2 * HOUR }), k, crypto).bytes,
        'ERR_EXPIRED',
        't may be at most 5 minutes ahead of now',
      ),
      bad('other room', signPresence(presenceBody({ room: otherRoom }), k, crypto).bytes, 'ERR_FIELD', 'r must be the room the record was fetched for'),
      bad('lifetime over 24 h', rawFrame('PRESENCE', { ...base, x: T0 - HOUR + LIMITS.maxRecordTtlMs + 1 }, k), 'ERR_LIMIT', 'x - t <= 24 h'),
      bad('expiry not after issue', rawFrame('PRESENCE', { ...base, x: T0 - HOUR }, k), 'ERR_FIELD', 'x > t'),
      bad(
        'peer id of another key',
        rawFrame('PRESENCE', { ...base, p: peerIdOfEd25519(alice.device.sign.publicKey) }, k),
        'ERR_FIELD',
        'p must be the Ed25519 peer id of a',
      ),
      bad('unknown role', rawFrame('PRESENCE', { ...base, o: 'admin' }, k), 'ERR_FIELD', "o is 'client', 'hub' or 'relay'"),
      bad(
        'malformed multiaddr',
        rawFrame('PRESENCE', { ...base, m: ['/ip4/300.1.1.1/tcp/1'] }, k),
        'ERR_FIELD',
        'every address must parse as a multiaddr (THREATS 27)',
      ),
      bad(
        'address over 256 bytes',
        rawFrame('PRESENCE', { ...base, m: [`/dns4/${'a.'.repeat(126)}com/tcp/1`] }, k),
        'ERR_LIMIT',
        'each address is at most maxAddrBytes',
      ),
      bad(
        'signed by another key',
        signPresence(presenceBody(), alice.device.sign.secret, crypto).bytes,
        'ERR_SIGNATURE',
        'the signature must verify under field a',
      ),
    ],
  } as VectorFile;
};

const listingFile = (): VectorFile => {
  const l = listing();
  const single = listing({ tags: ['gaming/fps'], language: 'pt-BR', description: '', issuedAt: T0, expiresAt: T0 + 24 * HOUR });
  const base = listingCodec.write(l.body);
  const k = alice.device.sign.secret;
  return {
    type: 'LISTING',
    description:
      'LISTING records, opened with openListing(bytes, crypto, context.now, context.difficulty). Checks run: fields, clock, work, signature. The work of a valid case is exactly what the solver finds first from nonce 0.',
    context: { now: T0, difficulty: LISTING_VECTOR_DIFFICULTY },
    valid: [ok('two tags, multi-line description', l, expectListing(l.body)), ok('one nested tag, 24 h lifetime', single, expectListing(single.body))],
    invalid: [
      bad('not enough work', underworkedListing(), 'ERR_PROOF_OF_WORK', 'leading zero bits of the work digest must reach the difficulty'),
      bad('edited after the work', rawFrame('LISTING', { ...base, n: 'Rust learners!' }, k), 'ERR_PROOF_OF_WORK', 'the work covers every field but w'),
      bad('expired', listing({ issuedAt: T0 - 3 * HOUR, expiresAt: T0 - 1 }).bytes, 'ERR_EXPIRED', 'expired once now > x'),
      bad(
        'issued too far ahead',
        listing({ issuedAt: T0 + LIMITS.maxClockSkewMs + 1, expiresAt: T0 + 2 * HOUR }).bytes,
        'ERR_EXPIRED',
        't may be at most 5 minutes ahead of now',
      ),
      bad('lifetime over 24 h', rawFrame('LISTING', { ...base, x: (base.t as number) + LIMITS.maxRecordTtlMs + 1 }, k), 'ERR_LIMIT', 'x - t <= 24 h'),
      bad('tags not sorted', rawFrame('LISTING', { ...base, tg: ['programming/rust', 'education'] }, k), 'ERR_FIELD', 'tg is strictly ascending'),
      bad('no tags', rawFrame('LISTING', { ...base, tg: [] }, k), 'ERR_FIELD', 'tg has at least one tag'),
      bad('tag not normalised', rawFrame('LISTING', { ...base, tg: ['Education'] }, k), 'ERR_FIELD', 'tags are lowercase [a-z0-9-] segments'),
      bad('nine tags', rawFrame('LISTING', { ...base, tg: Array.from({ length: 9 }, (_, i) => `t${i}`) }, k), 'ERR_LIMIT', 'at most maxTags tags'),
      bad('bad language', rawFrame('LISTING', { ...base, g: 'english' }, k), 'ERR_FIELD', 'g is a BCP 47-ish language tag'),
      bad('blank name', rawFrame('LISTING', { ...base, n: '  ' }, k), 'ERR_FIELD', 'n is not blank'),
      bad('colour above 0xffffff', rawFrame('LISTING', { ...base, col: 0x1000000 }, k), 'ERR_FIELD', 'col is 0xRRGGBB'),
      bad('7-byte nonce', rawFrame('LISTING', { ...base, w: new Uint8Array(7) }, k), 'ERR_FIELD', 'w is exactly 8 bytes'),
      bad('bad signature', withSignature(l.bytes, new Uint8Array(64)), 'ERR_SIGNATURE', 'the signature must verify under field a'),
    ],
  } as VectorFile;
};

const voteFile = (): VectorFile => {
  const up = vote(1);
  const down = vote(-1, { room: otherRoom });
  const base = voteCodec.write(up.body);
  const k = bob.account.secret;
  let n = 0;
  const payload = payloadWithoutNonce(base);
  while (powWork({ domain: 'VOTE', payload }, powNonce(n), crypto) >= VOTE_VECTOR_DIFFICULTY) n++;
  return {
    type: 'VOTE',
    description: 'VOTE records, opened with openVote(bytes, crypto, context.now, context.difficulty). v = 1 means +1, v = 0 means -1.',
    context: { now: T0, difficulty: VOTE_VECTOR_DIFFICULTY },
    valid: [ok('up-vote', up, expectVote(up.body)), ok('down-vote', down, expectVote(down.body))],
    invalid: [
      bad('v = 2', rawFrame('VOTE', { ...base, v: 2 } as CborMap, k), 'ERR_FIELD', 'v is 0 (down) or 1 (up)'),
      bad('v as text', rawFrame('VOTE', { ...base, v: '+1' as CborValue }, k), 'ERR_FIELD', 'v is an unsigned integer'),
      bad(
        'not enough work',
        rawFrame('VOTE', { ...base, w: powNonce(n) }, k),
        'ERR_PROOF_OF_WORK',
        'leading zero bits of the work digest must reach the difficulty',
      ),
      bad('issued too far ahead', vote(1, { issuedAt: T0 + LIMITS.maxClockSkewMs + 1 }).bytes, 'ERR_EXPIRED', 't may be at most 5 minutes ahead of now'),
      bad('unknown field', rawFrame('VOTE', { ...base, x: T0 }, k), 'ERR_FIELD', 'unknown payload keys are rejected (votes do not expire)'),
      bad('bad signature', withSignature(up.bytes, new Uint8Array(64)), 'ERR_SIGNATURE', 'the signature must verify under field a'),
    ],
  } as VectorFile;
};

export const generate = (): Record<string, VectorFile> => ({
  'invite-token.json': inviteTokenFile(),
  'invite-url.json': inviteUrlFile(),
  'presence.json': presenceFile(),
  'listing.json': listingFile(),
  'vote.json': voteFile(),
});

/** Valid encodings for the fuzz suite's seeds. */
export const samples = () => {
  const t = tokens();
  const u = inviteUrls();
  return {
    room,
    tokens: [t.device.bytes, t.account.bytes],
    urls: [u.full, u.minimal, u.localhost],
    presences: [
      signPresence(presenceBody(), hubKey.secret, crypto).bytes,
      signPresence(presenceBody({ role: 'client', addrs: [] }), hubKey.secret, crypto).bytes,
    ],
    listings: [listing({ issuedAt: T0 - HOUR }).bytes, listing({ room: otherRoom, tags: ['gaming/fps'] }).bytes],
    votes: [vote(1).bytes, vote(-1).bytes],
    addrs: ADDRS,
  };
};

if (import.meta.main && process.argv.includes('--write')) {
  for (const [name, file] of Object.entries(generate())) {
    writeFileSync(new URL(name, import.meta.url), serialize(file));
    console.log(`wrote ${name}`);
  }
}
