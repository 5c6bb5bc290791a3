/** STATUS signals: round trip for every status, every refusal typed and named, and fuzzing (random and mutated bytes only ever throw ProtocolErrors). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCanonicalMap, encodeCbor } from '../src/codec/cbor.ts';
import { isProtocolError } from '../src/errors.ts';
import { deviceKeys } from '../src/identity/keys.ts';
import { MEMBER_STATUSES, type MemberStatus, openStatus, STATUS_MAX_BYTES, signStatus } from '../src/message/status.ts';
import { crypto, seededRandom } from './helpers.ts';

const rnd = seededRandom('status');
const dev = deviceKeys(rnd(32), rnd(32), crypto);
const other = deviceKeys(rnd(32), rnd(32), crypto);
const signal = { room: rnd(32), device: dev.sign.publicKey, time: 1_750_000_000_000, status: 'online' as MemberStatus };

test('a signed status signal opens to what was signed, for every status', () => {
  for (const status of MEMBER_STATUSES) {
    const bytes = signStatus({ ...signal, status }, dev.sign.secret, crypto);
    assert.ok(bytes.length < STATUS_MAX_BYTES, `${bytes.length} bytes`);
    assert.deepEqual(openStatus(bytes, crypto), { ...signal, status });
  }
});

test('refusals are typed and name the field', () => {
  const good = signStatus(signal, dev.sign.secret, crypto);
  const sig = decodeCanonicalMap(good, 'status').s as Uint8Array;
  assert.throws(() => signStatus({ ...signal, status: 'away' as MemberStatus }, dev.sign.secret, crypto), { code: 'ERR_FIELD', field: 'status.p' });
  // Another device's key signing this device's signal.
  assert.throws(() => signStatus(signal, other.sign.secret, crypto), { code: 'ERR_SIGNATURE', field: 'status.s' });
  const m = { v: 1, r: signal.room, d: signal.device, t: signal.time, p: 0, s: sig };
  assert.deepEqual(openStatus(encodeCbor(m), crypto), signal);
  // The status changed after signing: online -> offline.
  assert.throws(() => openStatus(encodeCbor({ ...m, p: 2 }), crypto), { code: 'ERR_SIGNATURE', field: 'status.s' });
  assert.throws(() => openStatus(encodeCbor({ ...m, p: 3 }), crypto), { code: 'ERR_FIELD', field: 'status.p' });
  assert.throws(() => openStatus(encodeCbor({ ...m, v: 2 }), crypto), { code: 'ERR_FIELD', field: 'status.v' });
  assert.throws(() => openStatus(encodeCbor({ ...m, r: signal.room.slice(0, 16) }), crypto), { code: 'ERR_FIELD', field: 'status.r' });
  assert.throws(() => openStatus(encodeCbor({ ...m, c: new Uint8Array(16) }), crypto), { code: 'ERR_FIELD', field: 'status.c' });
  assert.throws(() => openStatus(encodeCbor({ ...m, t: -1 }), crypto), { code: 'ERR_FIELD', field: 'status.t' });
  assert.throws(() => openStatus(new Uint8Array(STATUS_MAX_BYTES + 1), crypto), { code: 'ERR_LIMIT' });
});

const onlyProtocolErrors = (b: Uint8Array) => {
  try {
    openStatus(b, crypto);
  } catch (e) {
    assert.ok(isProtocolError(e), `not a ProtocolError: ${(e as Error).stack}`);
  }
};

test('fuzz: random bytes and mutations of a valid signal only throw ProtocolErrors', () => {
  const good = signStatus(signal, dev.sign.secret, crypto);
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

test('property: any room, time and status round-trips', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), fc.constantFrom(...MEMBER_STATUSES), (room, time, status) => {
      const p = { room, device: dev.sign.publicKey, time, status };
      assert.deepEqual(openStatus(signStatus(p, dev.sign.secret, crypto), crypto), p);
    }),
    { numRuns: 200 },
  );
});
