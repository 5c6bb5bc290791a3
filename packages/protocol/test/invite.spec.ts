import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex, utf8 } from '../src/bytes.ts';
import { encodeCbor } from '../src/codec/cbor.ts';
import { buildFrame, parseFrame } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { type ProtocolError, SignatureError } from '../src/errors.ts';
import { inviteTokenCodec, inviteTokenInTime, issueInviteToken, openInviteToken, signInviteToken } from '../src/invite/invite-token.ts';
import { base64urlDecode, base64urlEncode, encodeInviteFragment, encodeInviteUrl, type InvitePayload, parseInviteUrl } from '../src/invite/invite-url.ts';
import { LIMITS } from '../src/limits.ts';
import { crypto, seededRandom, user } from './helpers.ts';

const alice = user('alice');
const room = seededRandom('room')(32);
const otherRoom = seededRandom('other-room')(32);
const HUB = '/dns4/hub.example.com/tcp/443/wss/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA';
const ORIGIN = 'https://parley.example';

const code = (c: string) => (e: unknown) => (e as ProtocolError).code === c;
const invalid = (field: string | RegExp) => (e: unknown) => {
  const err = e as ProtocolError;
  assert.equal(err.code, 'ERR_INVALID_INVITE', `${err.code} ${err.message}`);
  if (typeof field === 'string') assert.equal(err.field, field, err.message);
  else assert.match(err.field, field, err.message);
  return true;
};

const token = () =>
  issueInviteToken({ signer: alice.device.sign, account: alice.account.publicKey, room, expiresAt: 2_000, maxUses: 3 }, seededRandom('tok'), crypto);
/** A URL whose fragment is `map` encoded as given (for payloads the encoder refuses to build). */
const rawUrl = (map: Parameters<typeof encodeCbor>[0]) => `${ORIGIN}/join#${base64urlEncode(encodeCbor(map))}`;

describe('INVITE_TOKEN', () => {
  it('round-trips with both crypto ports and exposes a, u, r, i, x, m', () => {
    const t = token();
    for (const c of [crypto, nobleCrypto]) {
      const o = openInviteToken(t.bytes, c);
      assert.deepEqual(o.id, t.id);
      assert.deepEqual(o.body.issuer, alice.device.sign.publicKey);
      assert.deepEqual(o.body.account, alice.account.publicKey);
      assert.deepEqual(o.body.room, room);
      assert.equal(o.body.nonce.length, 16);
      assert.equal(o.body.expiresAt, 2_000);
      assert.equal(o.body.maxUses, 3);
    }
  });

  it('is in time up to and including x; x = 0 never expires', () => {
    const t = token().body;
    assert.equal(inviteTokenInTime(t, 2_000), true);
    assert.equal(inviteTokenInTime(t, 2_001), false);
    assert.equal(inviteTokenInTime({ ...t, expiresAt: 0 }, Number.MAX_SAFE_INTEGER), true);
  });

  it('rejects a token signed by a key other than a, a wrong nonce length and unknown fields', () => {
    const t = token();
    const forged = signInviteToken({ ...t.body, issuer: user('mallory').device.sign.publicKey }, alice.device.sign.secret, crypto);
    assert.throws(() => openInviteToken(forged.bytes, crypto), SignatureError);
    assert.throws(() => signInviteToken({ ...t.body, nonce: new Uint8Array(15) }, alice.device.sign.secret, crypto), /INVITE_TOKEN\.i/);
    const f = parseFrame(t.bytes);
    const extra = encodeCbor({ ...inviteTokenCodec.write(t.body), z: 1 });
    assert.throws(() => openInviteToken(buildFrame('INVITE_TOKEN', extra, f.signature), crypto), code('ERR_FIELD'));
  });
});

describe('invite URL', () => {
  const payload = (): InvitePayload => ({
    room,
    addrs: [HUB, '/dnsaddr/bootstrap.libp2p.io'],
    token: token().bytes,
    key: new Uint8Array(32).fill(9),
    name: 'Rust learners',
  });

  it('round-trips a full invite and checks the token', () => {
    const url = encodeInviteUrl(payload(), ORIGIN);
    assert.match(url, /^https:\/\/parley\.example\/join#[A-Za-z0-9_-]+$/);
    const inv = parseInviteUrl(url, crypto);
    assert.equal(inv.origin, ORIGIN);
    assert.deepEqual(inv.room, room);
    assert.deepEqual(inv.addrs, payload().addrs);
    assert.deepEqual(inv.token?.id, token().id);
    assert.deepEqual(inv.key, payload().key);
    assert.equal(inv.name, 'Rust learners');
  });

  it('accepts a minimal invite and http on localhost', () => {
    const url = encodeInviteUrl({ room, addrs: [] }, 'http://localhost:3000');
    assert.equal(parseInviteUrl(url, crypto).token, undefined);
    assert.throws(() => encodeInviteUrl({ room, addrs: [] }, 'http://parley.example'), invalid('invite.origin'));
    assert.throws(() => encodeInviteUrl({ room, addrs: [] }, 'https://parley.example/app'), invalid('invite.origin'));
  });

  it('property: encode -> parse is the identity on valid payloads', () => {
    const addr = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([ip, p]) => `/ip4/${ip}/tcp/${p}`),
      fc.domain().map((d) => `/dnsaddr/${d.toLowerCase()}`),
    );
    const name = fc.string({ minLength: 0, maxLength: 40 }).filter((s) => !/\p{Cc}/u.test(s) && utf8(s).length <= LIMITS.maxNameBytes);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uniqueArray(addr, { maxLength: LIMITS.maxAddrs }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
        fc.option(name, { nil: undefined }),
        (r, addrs, key, n) => {
          const inv = parseInviteUrl(encodeInviteUrl({ room: r, addrs, key, name: n }, ORIGIN), crypto);
          assert.deepEqual([inv.room, inv.addrs, inv.key, inv.name], [r, addrs, key, n]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: strict base64url round-trips and its decoder refuses every other spelling', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = base64urlEncode(b);
        assert.deepEqual(base64urlDecode(s, 'x'), b);
        assert.equal(s, Buffer.from(b).toString('base64url'));
      }),
    );
    assert.throws(() => base64urlDecode('AB', 'x'), invalid('x')); // 'B' leaves non-zero padding bits
    assert.throws(() => base64urlDecode('AA==', 'x'), invalid('x'));
    assert.throws(() => base64urlDecode('A', 'x'), invalid('x'));
    assert.throws(() => base64urlDecode('AA+/', 'x'), invalid('x'));
  });

  it('rejects URL-level problems first, naming the field', () => {
    const frag = encodeInviteFragment(payload());
    assert.throws(() => parseInviteUrl(`${ORIGIN}/join#${'A'.repeat(LIMITS.maxInviteUrlChars)}`, crypto), invalid('invite.url'));
    assert.throws(() => parseInviteUrl('not a url', crypto), invalid('invite.url'));
    assert.throws(() => parseInviteUrl(`http://parley.example/join#${frag}`, crypto), invalid('invite.url'));
    assert.throws(() => parseInviteUrl(`javascript:alert(1)//#${frag}`, crypto), invalid('invite.url'));
    assert.throws(() => parseInviteUrl(`https://parley.example@evil.example/join#${frag}`, crypto), invalid('invite.url'));
    assert.throws(() => parseInviteUrl(`${ORIGIN}/joinx#${frag}`, crypto), invalid('invite.path'));
    assert.throws(() => parseInviteUrl(`${ORIGIN}/join?k=1#${frag}`, crypto), invalid('invite.query'));
    assert.throws(() => parseInviteUrl(`${ORIGIN}/join`, crypto), invalid('invite.fragment'));
    assert.throws(() => parseInviteUrl(`${ORIGIN}/join#${frag}=`, crypto), invalid('invite.fragment'));
  });

  it('rejects bad payload fields (THREATS 27: malformed multiaddrs)', () => {
    const base = { v: 1, r: room, b: [HUB] };
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, v: 2 }), crypto), invalid('invite.v'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, r: room.subarray(1) }), crypto), invalid('invite.r'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, x: 1 }), crypto), invalid('invite.x'));
    for (const bad of [
      '/ip4/1.2.3.4/tcp/99999',
      '/ip4/999.1.1.1',
      'ip4/1.2.3.4',
      '/ip4/1.2.3.4/',
      '/unix/tmp',
      '/tcp/1',
      '/dns4/a b/tcp/1',
      '/dns4/EVIL.com',
      '/certhash/zz',
      '',
    ]) {
      assert.throws(() => parseInviteUrl(rawUrl({ ...base, b: [HUB, bad] }), crypto), invalid('invite.b[1]'), bad);
    }
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, b: [HUB, HUB] }), crypto), invalid('invite.b'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, b: Array.from({ length: 17 }, (_, i) => `/ip4/1.1.1.${i}/tcp/1`) }), crypto), invalid('invite.b'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, b: [`/dns4/${'a'.repeat(300)}.com`] }), crypto), invalid('invite.b[0]'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, k: new Uint8Array(1025) }), crypto), invalid('invite.k'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, k: new Uint8Array(0) }), crypto), invalid('invite.k'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, n: 'x'.repeat(97) }), crypto), invalid('invite.n'));
    assert.throws(() => parseInviteUrl(rawUrl({ ...base, n: 'a\u0000b' }), crypto), invalid('invite.n'));
    // Same map with keys out of canonical order.
    const unsorted = Uint8Array.of(0xa2, 0x61, 0x76, 0x01, 0x61, 0x62, 0x80);
    assert.throws(() => parseInviteUrl(`${ORIGIN}/join#${base64urlEncode(unsorted)}`, crypto), invalid('invite'));
  });

  it('THREATS 33: a tampered room id, token or hub list', () => {
    const t = token();
    // Room id changed: the token no longer matches.
    assert.throws(() => parseInviteUrl(rawUrl({ v: 1, r: otherRoom, b: [HUB], t: t.bytes }), crypto), invalid('invite.t.r'));
    // Token bytes changed: its signature fails.
    const tampered = t.bytes.slice();
    tampered[10] = (tampered[10] as number) ^ 1;
    assert.throws(() => parseInviteUrl(rawUrl({ v: 1, r: room, b: [HUB], t: tampered }), crypto), invalid('invite.t'));
    // Token re-signed by someone else for this room parses; authority replay later rejects it unless
    // the issuer holds INVITE. Room id and token swapped together: a valid invite to the other room.
    const mallory = user('mallory');
    const swapped = issueInviteToken({ signer: mallory.account, account: mallory.account.publicKey, room: otherRoom }, seededRandom('m'), crypto);
    assert.deepEqual(parseInviteUrl(rawUrl({ v: 1, r: otherRoom, b: [HUB], t: swapped.bytes }), crypto).room, otherRoom);
    // Hub list replaced with valid addresses: accepted (the list is unsigned); it can only redirect
    // the joiner to other availability nodes, whose data is verified against the room id.
    const redirected = parseInviteUrl(rawUrl({ v: 1, r: room, b: ['/ip4/6.6.6.6/tcp/443/wss'], t: t.bytes }), crypto);
    assert.equal(toHex(redirected.room), toHex(room));
  });
});
