/** TYPING signals: round trip, every refusal typed and named, and fuzzing (random and mutated bytes only ever throw ProtocolErrors). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCanonicalMap, encodeCbor } from '../src/codec/cbor.ts';
import { isProtocolError } from '../src/errors.ts';
import { deviceKeys } from '../src/identity/keys.ts';
import { openTyping, signTyping, TYPING_MAX_BYTES } from '../src/message/typing.ts';
import { crypto, seededRandom } from './helpers.ts';

const rnd = seededRandom('typing');
const dev = deviceKeys(rnd(32), rnd(32), crypto);
const other = deviceKeys(rnd(32), rnd(32), crypto);
const signal = { room: rnd(32), channel: rnd(16), device: dev.sign.publicKey, time: 1_750_000_000_000 };

test('a signed typing signal opens to what was signed', () => {
  const bytes = signTyping(signal, dev.sign.secret, crypto);
  assert.ok(bytes.length < TYPING_MAX_BYTES, `${bytes.length} bytes`);
  const t = openTyping(bytes, crypto);
  assert.deepEqual(t, signal);
});

test('refusals are typed and name the field', () => {
  const good = signTyping(signal, dev.sign.secret, crypto);
  // Another device's signature over this device's signal.
  assert.throws(() => signTyping(signal, other.sign.secret, crypto), { code: 'ERR_SIGNATURE', field: 'typing.s' });
  // One bit of the time changed after signing.
  const m = { v: 1, r: signal.room, c: signal.channel, d: signal.device, t: signal.time + 1, s: openSig(good) };
  assert.deepEqual(openTyping(encodeCbor({ ...m, t: signal.time }), crypto), signal);
  assert.throws(() => openTyping(encodeCbor(m), crypto), { code: 'ERR_SIGNATURE' });
  assert.throws(() => openTyping(encodeCbor({ ...m, v: 2 }), crypto), { code: 'ERR_FIELD', field: 'typing.v' });
  assert.throws(() => openTyping(encodeCbor({ ...m, c: signal.room }), crypto), { code: 'ERR_FIELD', field: 'typing.c' });
  assert.throws(() => openTyping(encodeCbor({ ...m, x: 1 }), crypto), { code: 'ERR_FIELD', field: 'typing.x' });
  assert.throws(() => openTyping(encodeCbor({ ...m, t: -1 }), crypto), { code: 'ERR_FIELD', field: 'typing.t' });
  assert.throws(() => openTyping(new Uint8Array(TYPING_MAX_BYTES + 1), crypto), { code: 'ERR_LIMIT' });
});

const openSig = (bytes: Uint8Array): Uint8Array => decodeCanonicalMap(bytes, 'typing').s as Uint8Array;

const onlyProtocolErrors = (b: Uint8Array) => {
  try {
    openTyping(b, crypto);
  } catch (e) {
    assert.ok(isProtocolError(e), `not a ProtocolError: ${(e as Error).stack}`);
  }
};

test('fuzz: random bytes and mutations of a valid signal only throw ProtocolErrors', () => {
  const good = signTyping(signal, dev.sign.secret, crypto);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), onlyProtocolErrors), { numRuns: 2000 });
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.nat(255), fc.nat(good.length), (at, byte, cut) => {
      const b = good.slice(0, Math.max(cut, at + 1));
      b[at] = byte;
      onlyProtocolErrors(b);
    }),
    { numRuns: 3000 },
  );
});
