/**
 * The device-link wire format (PROTOCOL 2.1): fuzz of the frame decoder and the code parser (random
 * bytes and mutations of valid seeds either decode or throw a ProtocolError), and properties: every
 * frame and code round-trips, a MAC or signature over the hello transcript fails for any other
 * secret, key, label or peer, and a grant MAC binds the hello it answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../src/bytes.ts';
import { isProtocolError } from '../src/errors.ts';
import {
  decodeLinkFrame,
  encodeLinkCode,
  encodeLinkFrame,
  grantMac,
  helloTranscript,
  hmacSha256,
  type LinkFrame,
  type LinkGrant,
  macEquals,
  offerId,
  parseLinkCode,
} from '../src/identity/device-link.ts';
import { base64urlDecode, base64urlEncode } from '../src/invite/invite-url.ts';
import { type FuzzTarget, fuzz } from './fuzz/harness.ts';
import { crypto, seededRandom } from './helpers.ts';

const rnd = seededRandom('link-codec');
const PEER_A = '12D3KooWGRUVh3W3bQzjN4QX2cZpV3o8LpX5x5qz6ZB3UQ6Qq8Ym';
const PEER_B = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq';
const ADDRS = ['/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq', '/dns4/hub.example/tcp/443/wss'];

const hello = (): LinkFrame => ({ kind: 'hello', offer: rnd(16), device: rnd(32), boxKey: rnd(32), label: 'laptop', sig: rnd(64), mac: rnd(32) });
const grant = (rooms: number): LinkFrame => ({
  kind: 'grant',
  cert: rnd(150),
  offererCert: rnd(150),
  profile: rnd(120),
  addrs: ADDRS,
  rooms: Array.from({ length: rooms }, (_, i) => ({
    id: rnd(32),
    name: i % 2 === 0 ? `room ${i}` : undefined,
    heads: [rnd(32), rnd(32)].slice(0, 1 + (i % 2)),
  })),
  mac: rnd(32),
});
const code = encodeLinkCode({ peer: PEER_A, secret: rnd(32), expiresAt: 1_750_000_300_000, addrs: ADDRS }, 'https://parley.chat');
const lossy = new TextDecoder('utf-8', { fatal: false });

const targets: FuzzTarget[] = [
  {
    name: 'link frame',
    seeds: [encodeLinkFrame(hello()), encodeLinkFrame(grant(3)), encodeLinkFrame({ kind: 'refused', reason: 'used' })],
    decode: decodeLinkFrame,
  },
  { name: 'link code (string)', seeds: [utf8(code)], decode: (b) => parseLinkCode(lossy.decode(b)) },
  {
    name: 'link code (fragment CBOR)',
    seeds: [base64urlDecode(code.slice(code.indexOf('#') + 1), 'seed')],
    decode: (b) => parseLinkCode(`https://parley.chat/link#${base64urlEncode(b)}`),
  },
];

describe('fuzz: device-link decoders', () => {
  for (const t of targets) {
    it(t.name, (ctx) => {
      for (const seed of t.seeds) t.decode(seed);
      const r = fuzz(t);
      ctx.diagnostic(`${r.name}: ${r.inputs} inputs in ${r.ms} ms, ${r.accepted} accepted`);
      assert.ok(r.inputs > 0);
    });
  }
});

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const label = fc.option(
  fc.string({ maxLength: 40 }).filter((s) => [...s].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)),
  { nil: undefined },
);

describe('properties: device-link frames and MACs', () => {
  it('hello, grant and refusal round-trip', () => {
    fc.assert(
      fc.property(bytes(16), bytes(32), bytes(32), label, bytes(64), bytes(32), (offer, device, boxKey, l, sig, mac) => {
        const f: LinkFrame = { kind: 'hello', offer, device, boxKey, label: l, sig, mac };
        assert.deepEqual(decodeLinkFrame(encodeLinkFrame(f)), f);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), (n) => {
        const g = grant(n);
        assert.deepEqual(decodeLinkFrame(encodeLinkFrame(g)), g);
      }),
      { numRuns: 30 },
    );
  });

  it('a code round-trips; a non-link URL, an unknown field or a bad peer id is refused with a typed error', () => {
    fc.assert(
      fc.property(bytes(32), fc.integer({ min: 0, max: 2 ** 50 }), fc.subarray(ADDRS), (secret, expiresAt, addrs) => {
        const c = { peer: PEER_B, secret, expiresAt, addrs };
        assert.deepEqual(parseLinkCode(encodeLinkCode(c, 'https://parley.example')), c);
        assert.deepEqual(parseLinkCode(encodeLinkCode(c, 'https://parley.example').split('#')[1] as string), c);
      }),
    );
    const frag = code.split('#')[1] as string;
    for (const bad of [`https://parley.chat/join#${frag}`, `https://parley.chat/link?x=1#${frag}`, '', 'https://parley.chat/link#', `${code}A`]) {
      assert.throws(
        () => parseLinkCode(bad),
        (e: unknown) => isProtocolError(e),
        bad,
      );
    }
  });

  it('the hello MAC and signature bind the secret, the keys, the label and both peers', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), bytes(32), label, fc.integer({ min: 0, max: 5 }), (secret, signSeed, boxKey, l, which) => {
        const device = crypto.ed25519PublicKey(signSeed);
        const h = { offer: offerId(crypto, secret), device, boxKey, label: l };
        const t = helloTranscript(h, PEER_B, PEER_A);
        const mac = hmacSha256(crypto, secret, t);
        const sig = crypto.ed25519Sign(signSeed, t);
        const flip = (b: Uint8Array) => b.map((x, i) => (i === 0 ? x ^ 1 : x));
        const other = [
          helloTranscript({ ...h, device: flip(device) }, PEER_B, PEER_A),
          helloTranscript({ ...h, boxKey: flip(boxKey) }, PEER_B, PEER_A),
          helloTranscript({ ...h, label: `${l ?? ''}x` }, PEER_B, PEER_A),
          helloTranscript(h, PEER_A, PEER_A),
          helloTranscript(h, PEER_B, PEER_B),
          helloTranscript({ ...h, offer: flip(h.offer) }, PEER_B, PEER_A),
        ][which] as Uint8Array;
        assert.ok(macEquals(hmacSha256(crypto, secret, t), mac));
        assert.ok(!macEquals(hmacSha256(crypto, flip(secret), t), mac), 'another secret');
        assert.ok(!macEquals(hmacSha256(crypto, secret, other), mac), 'another transcript');
        assert.ok(crypto.ed25519Verify(device, t, sig));
        assert.ok(!crypto.ed25519Verify(device, other, sig));
      }),
      { numRuns: 60 },
    );
  });

  it('HMAC-SHA256 matches RFC 4231 test case 2', () => {
    const mac = hmacSha256(crypto, utf8('Jefe'), utf8('what do ya want for nothing?'));
    assert.equal(Buffer.from(mac).toString('hex'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('a grant MAC binds the hello it answers and every field of the grant', () => {
    const secret = rnd(32);
    const g = grant(2) as { kind: 'grant' } & LinkGrant;
    const { mac: _m, kind: _k, ...body } = g;
    const h1 = encodeLinkFrame(hello());
    const h2 = encodeLinkFrame(hello());
    const mac = grantMac(crypto, secret, h1, body);
    assert.ok(!macEquals(grantMac(crypto, secret, h2, body), mac), 'another hello');
    assert.ok(!macEquals(grantMac(crypto, secret, h1, { ...body, rooms: body.rooms.slice(1) }), mac), 'a room dropped');
    assert.ok(!macEquals(grantMac(crypto, secret, h1, { ...body, addrs: body.addrs.slice(1) }), mac), 'an address dropped');
  });
});
