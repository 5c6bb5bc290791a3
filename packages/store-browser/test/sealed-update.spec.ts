import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromHex, toHex, utf8 } from '@parley/protocol';
import { InvalidArgumentError } from '@parley/store';
import { openUpdate, SealedUpdateError, sealUpdate, USER_STATE_LIMITS, userStateDbName, userStateKey } from '../src/user-state/sealed-update.ts';

const SECRET = fromHex(`${'00'.repeat(31)}01`);
const FIXED_NONCE = (n: number) => new Uint8Array(n).fill(7);

/** Frozen outputs for SECRET: a change to the derivation or the format must be deliberate. */
const VECTORS = {
  key: '52b1275902fb08c49e0079fe4a398d17371b75afeefa971c6ccccc8ae6dcc6c6',
  dbName: 'parley-user-state-e7332301f2c4c191',
  sealedParley: '0107070707070707070707070707070707070707070707070700e78f792b26e0992004f77fdeb5bd9e4528884723a6',
};

const reason = (r: string) => (e: unknown) => e instanceof SealedUpdateError && e.code === 'ERR_SEALED_UPDATE' && e.reason === r;

describe('sealed user-state updates', () => {
  it('derives the key by HKDF-SHA256 from the account secret (checked against node:crypto) and matches the frozen vectors', () => {
    const key = userStateKey(SECRET);
    assert.equal(toHex(key), VECTORS.key);
    assert.equal(toHex(new Uint8Array(hkdfSync('sha256', SECRET, utf8('parley/user-state'), utf8('v1 update key'), 32))), VECTORS.key);
    assert.equal(userStateDbName(SECRET), VECTORS.dbName);
    assert.equal(toHex(sealUpdate(key, utf8('parley'), FIXED_NONCE)), VECTORS.sealedParley);
    assert.notEqual(toHex(userStateKey(fromHex(`${'00'.repeat(31)}02`))), VECTORS.key);
  });

  it('opens what it seals; every seal takes a fresh nonce', () => {
    const key = userStateKey(SECRET);
    const update = utf8('an update');
    const a = sealUpdate(key, update);
    const b = sealUpdate(key, update);
    assert.notEqual(toHex(a), toHex(b));
    assert.deepEqual(openUpdate(key, a), update);
    assert.deepEqual(openUpdate(key, b), update);
    assert.deepEqual(openUpdate(key, sealUpdate(key, new Uint8Array(0))), new Uint8Array(0));
  });

  it('rejects a tampered, truncated, foreign or oversized blob with a typed error', () => {
    const key = userStateKey(SECRET);
    const blob = fromHex(VECTORS.sealedParley);
    const flip = (i: number) => {
      const b = new Uint8Array(blob);
      b[i] = (b[i] as number) ^ 0x01;
      return b;
    };
    // valid -> invalid, each with why:
    const cases: [Uint8Array, string, string][] = [
      [flip(0), 'version', 'the version byte changed'],
      [flip(5), 'tampered', 'a nonce byte changed'],
      [flip(26), 'tampered', 'a ciphertext byte changed'],
      [flip(blob.length - 1), 'tampered', 'a tag byte changed'],
      [blob.subarray(0, blob.length - 1), 'tampered', 'the last byte cut off'],
      [blob.subarray(0, 40), 'size', 'shorter than version + nonce + tag'],
      [new Uint8Array(USER_STATE_LIMITS.maxSealedBytes + 1), 'size', 'over the size limit, refused before decrypting'],
    ];
    for (const [b, why, note] of cases) assert.throws(() => openUpdate(key, b), reason(why), note);
    assert.throws(() => openUpdate(userStateKey(fromHex('ab'.repeat(32))), blob), reason('tampered'), 'sealed to another account');
    assert.throws(() => openUpdate(key, 'x' as unknown as Uint8Array), reason('size'));
  });

  it('checks its arguments, naming them', () => {
    const key = userStateKey(SECRET);
    const field = (f: string) => (e: unknown) => e instanceof InvalidArgumentError && e.field === f;
    assert.throws(() => userStateKey(new Uint8Array(31)), field('accountSecret'));
    assert.throws(() => sealUpdate(new Uint8Array(16), new Uint8Array(1)), field('key'));
    assert.throws(() => sealUpdate(key, 'x' as unknown as Uint8Array), field('update'));
    assert.throws(() => sealUpdate(key, new Uint8Array(USER_STATE_LIMITS.maxSealedBytes)), field('update'));
    assert.throws(() => sealUpdate(key, new Uint8Array(1), () => new Uint8Array(12)), field('random'));
  });
});
