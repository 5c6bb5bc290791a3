/**
 * Account and device keys. An account is an Ed25519 keypair (its public key is the identity); each
 * device has its own Ed25519 signing key and X25519 key-agreement key, certified by the account.
 * Secrets are 32-byte seeds passed in by the caller (crypto.getRandomValues in production).
 */
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError } from '../errors.ts';

export interface KeyPair {
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface DeviceKeys {
  /** Ed25519: signs everything this device authors. */
  readonly sign: KeyPair;
  /** X25519: epoch keys are sealed to it. */
  readonly box: KeyPair;
}

const seed32 = (s: Uint8Array, field: string): Uint8Array => {
  if (!(s instanceof Uint8Array) || s.length !== 32) throw new InvalidFieldError(field, 'expected a 32-byte seed');
  return s;
};

export const accountKeys = (seed: Uint8Array, crypto: CryptoPort): KeyPair => {
  const secret = seed32(seed, 'accountSeed');
  return { secret, publicKey: crypto.ed25519PublicKey(secret) };
};

export const deviceKeys = (signSeed: Uint8Array, boxSeed: Uint8Array, crypto: CryptoPort): DeviceKeys => {
  const s = seed32(signSeed, 'deviceSignSeed');
  const b = seed32(boxSeed, 'deviceBoxSeed');
  return { sign: { secret: s, publicKey: crypto.ed25519PublicKey(s) }, box: { secret: b, publicKey: crypto.x25519PublicKey(b) } };
};
