import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeVarint, encodeVarint } from '../src/bytes.ts';
import { decodeCanonical, encodeCbor } from '../src/codec/cbor.ts';
import { buildFrame, open, parseFrame, signingInput } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { ProtocolError } from '../src/errors.ts';
import { certifyDevice, deviceCertCodec, openDeviceCert } from '../src/identity/device-cert.ts';
import { crypto, user } from './helpers.ts';

describe('varint', () => {
  it('round-trips and rejects non-minimal forms', () => {
    for (const n of [0, 1, 127, 128, 300, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const b = encodeVarint(n);
      assert.deepEqual(decodeVarint(b, 0, 'v'), { value: n, next: b.length });
    }
    assert.throws(() => decodeVarint(Uint8Array.of(0x80, 0x00), 0, 'v'), /non-minimal/);
    assert.throws(() => decodeVarint(Uint8Array.of(0x80), 0, 'v'), /truncated/);
  });
});

describe('canonical CBOR', () => {
  it('accepts the canonical form only', () => {
    const b = encodeCbor({ b: 1, a: 2 });
    assert.deepEqual(decodeCanonical(b, 'x'), { a: 2, b: 1 });
    // Same map, keys out of DAG-CBOR order.
    const unsorted = Uint8Array.of(0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02);
    assert.throws(
      () => decodeCanonical(unsorted, 'x'),
      (e: ProtocolError) => e.code === 'ERR_NON_CANONICAL',
    );
  });

  it('rejects huge declared lengths, deep nesting, floats and tags before decoding', () => {
    const huge = Uint8Array.of(0x5a, 0x40, 0x00, 0x00, 0x00, 0x01);
    assert.throws(
      () => decodeCanonical(huge, 'x'),
      (e: ProtocolError) => e.code === 'ERR_LIMIT',
    );
    const deep = new Uint8Array(64).fill(0x81);
    assert.throws(
      () => decodeCanonical(deep, 'x'),
      (e: ProtocolError) => e.code === 'ERR_LIMIT',
    );
    assert.throws(
      () => decodeCanonical(Uint8Array.of(0xfb, 0, 0, 0, 0, 0, 0, 0, 0), 'x'),
      (e: ProtocolError) => e.code === 'ERR_DECODE',
    );
    assert.throws(
      () => decodeCanonical(Uint8Array.of(0xd8, 0x2a, 0x40), 'x'),
      (e: ProtocolError) => e.code === 'ERR_DECODE',
    );
  });
});

describe('signed frames', () => {
  const alice = user('alice');
  const cert = certifyDevice(alice.account, alice.device, 1_700_000_000_000, crypto, 'laptop');

  it('verifies with both crypto ports and has a stable id', () => {
    const a = openDeviceCert(cert.bytes, crypto);
    const b = openDeviceCert(cert.bytes, nobleCrypto);
    assert.deepEqual(a.id, b.id);
    assert.deepEqual(a.body.device, alice.device.sign.publicKey);
  });

  it('rejects a flipped payload bit, a forged signature and a signature lifted to another type', () => {
    const f = parseFrame(cert.bytes);
    const tampered = cert.bytes.slice();
    tampered[tampered.length - 70] = (tampered[tampered.length - 70] as number) ^ 1;
    assert.throws(() => openDeviceCert(tampered, crypto), ProtocolError);
    const forged = buildFrame('DEVICE_CERT', f.payload, new Uint8Array(64));
    assert.throws(
      () => openDeviceCert(forged, crypto),
      (e: ProtocolError) => e.code === 'ERR_SIGNATURE',
    );
    // Same payload and a signature made for the PROFILE domain must not verify as a DEVICE_CERT.
    const lifted = crypto.ed25519Sign(alice.account.secret, signingInput('PROFILE', f.payload));
    assert.throws(
      () => open(deviceCertCodec, buildFrame('DEVICE_CERT', f.payload, lifted), crypto),
      (e: ProtocolError) => e.code === 'ERR_SIGNATURE',
    );
  });
});

describe('canonical check (property)', () => {
  it('accepts exactly the canonical encoding, whatever the keys, and rejects any other key order', async () => {
    const { default: fc } = await import('fast-check');
    const { encode } = await import('cborg');
    const { equals } = await import('../src/bytes.ts');
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '1', '10', '01', 'é', 'a', 'aa', 'b'));
    const leaf = fc.oneof(fc.nat(), fc.string({ maxLength: 6 }), fc.uint8Array({ maxLength: 4 }), fc.boolean(), fc.constant(null));
    // maxDepth keeps the generated trees inside LIMITS.cborDepth (8): deeper input is refused by the pre-scan, by design.
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', maxDepth: 5 }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 2, maxKeys: 6 }), (obj) => {
        const canonical = encodeCbor(obj as never);
        assert.doesNotThrow(() => decodeCanonical(canonical, 'p'));
        const reversed: Uint8Array = encode(obj, {
          mapSorter: (a: { value: unknown }[], b: { value: unknown }[]) => (String(a[0]?.value) < String(b[0]?.value) ? 1 : -1),
        });
        if (equals(reversed, canonical)) assert.doesNotThrow(() => decodeCanonical(reversed, 'p'));
        else
          assert.throws(
            () => decodeCanonical(reversed, 'p'),
            (e: ProtocolError) => e.code === 'ERR_NON_CANONICAL',
          );
      }),
      { numRuns: 300 },
    );
  });
});
