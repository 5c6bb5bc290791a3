/**
 * Yjs updates of a person's own state, sealed to their account so that hubs relay and keep them as
 * opaque blobs. The key comes from the account secret (its 32-byte seed) by HKDF-SHA256, so every
 * device of the account derives it and nobody else can.
 *
 *   key   = HKDF-SHA256(ikm = account secret, salt = "parley/user-state", info = "v1 update key", 32)
 *   blob  = 0x01 (version) || nonce (24 random bytes) || XChaCha20-Poly1305(key, nonce, update, aad)
 *   aad   = "parley/user-state" || 0x01
 *
 * Opening checks the size and version before any decryption, and a blob whose tag does not verify
 * (tampered, truncated, or sealed to another account) is rejected whole with SealedUpdateError.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, type RandomSource, utf8 } from '@parley/protocol';
import { InvalidArgumentError } from '@parley/store';

export const SEALED_UPDATE_VERSION = 0x01;
export const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const LABEL = utf8('parley/user-state');
const AAD = concat(LABEL, Uint8Array.of(SEALED_UPDATE_VERSION));

/** Bounds on sealed user-state updates, checked before anything is allocated or decrypted. */
export const USER_STATE_LIMITS = {
  /** The largest sealed blob (a whole state included) a device seals or opens. */
  maxSealedBytes: 4 * 1024 * 1024,
} as const;

export type SealedUpdateReason = 'size' | 'version' | 'tampered' | 'malformed';

/**
 * A sealed update that cannot be used: wrong size or version, failed authentication ('tampered':
 * altered, truncated, or sealed to another account), or authentic but not a Yjs update ('malformed').
 * Nothing of it was applied.
 */
export class SealedUpdateError extends Error {
  readonly code = 'ERR_SEALED_UPDATE';
  readonly field: string;
  readonly reason: SealedUpdateReason;
  constructor(reason: SealedUpdateReason, message: string, field = 'blob') {
    super(`${field}: ${message}`);
    this.name = 'SealedUpdateError';
    this.reason = reason;
    this.field = field;
  }
}

/** The 32-byte key that seals this account's user-state updates. */
export const userStateKey = (accountSecret: Uint8Array): Uint8Array => {
  if (!(accountSecret instanceof Uint8Array) || accountSecret.length !== 32)
    throw new InvalidArgumentError('accountSecret', 'expected the 32-byte account secret');
  return hkdf(sha256, accountSecret, LABEL, utf8('v1 update key'), 32);
};

/** A short, stable, non-secret name for this account's local database (derived, so it reveals nothing of the key). */
export const userStateDbName = (accountSecret: Uint8Array): string => {
  const tag = hkdf(sha256, userStateKey(accountSecret), LABEL, utf8('v1 database name'), 8);
  return `parley-user-state-${Array.from(tag, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};

const checkKey = (key: Uint8Array): void => {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new InvalidArgumentError('key', 'expected a 32-byte user-state key');
};

export const defaultRandom: RandomSource = (n) => crypto.getRandomValues(new Uint8Array(n));

/** Seals one Yjs update (or a whole state) to the account. */
export const sealUpdate = (key: Uint8Array, update: Uint8Array, random: RandomSource = defaultRandom): Uint8Array => {
  checkKey(key);
  if (!(update instanceof Uint8Array)) throw new InvalidArgumentError('update', 'expected a Uint8Array');
  if (update.length + 1 + NONCE_BYTES + TAG_BYTES > USER_STATE_LIMITS.maxSealedBytes) {
    throw new InvalidArgumentError('update', `${update.length} bytes exceed the sealed-update limit ${USER_STATE_LIMITS.maxSealedBytes}`);
  }
  const nonce = random(NONCE_BYTES);
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) throw new InvalidArgumentError('random', `expected ${NONCE_BYTES} random bytes`);
  return concat(Uint8Array.of(SEALED_UPDATE_VERSION), nonce, xchacha20poly1305(key, nonce, AAD).encrypt(update));
};

/** Opens a sealed blob; throws SealedUpdateError if it is not an intact blob sealed to this key. */
export const openUpdate = (key: Uint8Array, blob: Uint8Array): Uint8Array => {
  checkKey(key);
  if (!(blob instanceof Uint8Array)) throw new SealedUpdateError('size', 'expected a Uint8Array');
  if (blob.length > USER_STATE_LIMITS.maxSealedBytes)
    throw new SealedUpdateError('size', `${blob.length} bytes exceed the limit ${USER_STATE_LIMITS.maxSealedBytes}`);
  if (blob.length < 1 + NONCE_BYTES + TAG_BYTES) throw new SealedUpdateError('size', `${blob.length} bytes is too short for a sealed update`);
  if (blob[0] !== SEALED_UPDATE_VERSION) throw new SealedUpdateError('version', `unknown version ${blob[0]}`, 'blob[0]');
  const nonce = blob.subarray(1, 1 + NONCE_BYTES);
  try {
    return xchacha20poly1305(key, nonce, AAD).decrypt(blob.subarray(1 + NONCE_BYTES));
  } catch {
    throw new SealedUpdateError('tampered', 'authentication failed: altered, truncated, or sealed to another account');
  }
};
