/** Test helpers: a seeded random source and ready-made identities, so every test is reproducible. */
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from '../src/bytes.ts';
import { nodeCrypto } from '../src/crypto/node-crypto.ts';
import type { CryptoPort, RandomSource } from '../src/crypto/port.ts';
import { accountKeys, type DeviceKeys, deviceKeys, type KeyPair } from '../src/identity/keys.ts';

/** Deterministic byte stream: SHA-256(seed || counter). */
export const seededRandom = (seed: string): RandomSource => {
  let counter = 0;
  let buf: Uint8Array = new Uint8Array(0);
  return (n: number) => {
    while (buf.length < n) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, counter++);
      buf = concat(buf, sha256(concat(utf8(seed), c)));
    }
    const out = buf.slice(0, n);
    buf = buf.slice(n);
    return out;
  };
};

export const crypto: CryptoPort = nodeCrypto;

export interface TestUser {
  readonly name: string;
  readonly account: KeyPair;
  readonly device: DeviceKeys;
}

/** A user whose keys derive from its name: `user('alice')` is the same in every run. */
export const user = (name: string, c: CryptoPort = crypto): TestUser => {
  const rnd = seededRandom(`user:${name}`);
  return { name, account: accountKeys(rnd(32), c), device: deviceKeys(rnd(32), rnd(32), c) };
};
