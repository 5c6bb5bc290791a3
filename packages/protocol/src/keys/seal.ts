/**
 * Sealing a 32-byte channel epoch key to one device's X25519 box key.
 *
 *   shared  = X25519(ephemeral secret, recipient box key)
 *   okm     = HKDF-SHA256(ikm = shared, salt = ephemeral pub || recipient box key,
 *                         info = "parley/v1/seal" || context, length = 56)
 *   sealed  = XChaCha20-Poly1305(key = okm[0..32], nonce = okm[32..56], aad = empty).encrypt(epoch key)
 *   context = room (32) || channel (16) || u64be(epoch) || key id (8) || recipient device key (32)
 *
 * The nonce is derived, not random: the context names the recipient device and the exact key, so
 * every (ephemeral, recipient, context) triple yields a fresh AEAD key that encrypts exactly one
 * plaintext. Reusing an ephemeral across the recipients of one bundle (or the keys of one share) is
 * therefore safe. X25519 comes from the crypto port (OpenSSL is ~20x faster than pure JS there);
 * HKDF and the AEAD from noble.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equals, utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecryptError, InvalidFieldError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';

export const EPOCH_KEY_BYTES = 32;
export const KEY_ID_BYTES = 8;
/** 32-byte epoch key + 16-byte Poly1305 tag. */
export const SEALED_KEY_BYTES = 48;

const KEYID_LABEL = utf8('parley/v1/keyid');
const SEAL_LABEL = utf8('parley/v1/seal');

/** Writes `n` (a safe integer) as 8 bytes big-endian at `off`. */
export const writeU64 = (out: Uint8Array, off: number, n: number): void => {
  const hi = Math.floor(n / 0x1_0000_0000);
  const lo = n >>> 0;
  out[off] = hi >>> 24;
  out[off + 1] = (hi >>> 16) & 0xff;
  out[off + 2] = (hi >>> 8) & 0xff;
  out[off + 3] = hi & 0xff;
  out[off + 4] = lo >>> 24;
  out[off + 5] = (lo >>> 16) & 0xff;
  out[off + 6] = (lo >>> 8) & 0xff;
  out[off + 7] = lo & 0xff;
};

/** The key id of an epoch key: first 8 bytes of H("parley/v1/keyid" || key). */
export const keyIdOf = (epochKey: Uint8Array, crypto: CryptoPort): Uint8Array => {
  if (epochKey.length !== EPOCH_KEY_BYTES) throw new InvalidFieldError('epochKey', `expected ${EPOCH_KEY_BYTES} bytes`);
  return crypto.sha256(concat(KEYID_LABEL, epochKey)).slice(0, KEY_ID_BYTES);
};

/** The per-recipient context bound into the seal (see the file header). */
export const sealContext = (room: Uint8Array, channel: Uint8Array, epoch: number, keyId: Uint8Array, device: Uint8Array): Uint8Array => {
  const out = new Uint8Array(32 + 16 + 8 + KEY_ID_BYTES + 32);
  out.set(room, 0);
  out.set(channel, 32);
  writeU64(out, 48, epoch);
  out.set(keyId, 56);
  out.set(device, 64);
  return out;
};

const deriveAead = (shared: Uint8Array, ephemeralPub: Uint8Array, recipientBoxKey: Uint8Array, context: Uint8Array) => {
  const okm = hkdf(sha256, shared, concat(ephemeralPub, recipientBoxKey), concat(SEAL_LABEL, context), 56);
  return xchacha20poly1305(okm.subarray(0, 32), okm.subarray(32, 56));
};

const x25519 = (crypto: CryptoPort, secret: Uint8Array, pub: Uint8Array, field: string): Uint8Array => {
  try {
    return crypto.x25519Shared(secret, pub);
  } catch {
    // The port throws a plain Error on a low-order point; callers only ever see protocol errors.
    throw new DecryptError(field, 'X25519 with a low-order or malformed public key');
  }
};

/** Seals `epochKey` to `recipientBoxKey` with the bundle's `ephemeral` keypair. Returns 48 bytes. */
export const sealKey = (epochKey: Uint8Array, ephemeral: KeyPair, recipientBoxKey: Uint8Array, context: Uint8Array, crypto: CryptoPort): Uint8Array => {
  if (epochKey.length !== EPOCH_KEY_BYTES) throw new InvalidFieldError('epochKey', `expected ${EPOCH_KEY_BYTES} bytes`);
  if (recipientBoxKey.length !== 32) throw new InvalidFieldError('recipientBoxKey', 'expected 32 bytes');
  const shared = x25519(crypto, ephemeral.secret, recipientBoxKey, 'seal.recipient');
  return deriveAead(shared, ephemeral.publicKey, recipientBoxKey, context).encrypt(epochKey);
};

/**
 * Opens a sealed key with the recipient's box keypair. Throws DecryptError when it was not sealed to
 * this device for this context, or when `expectedKeyId` is given and the key does not hash to it
 * (so one bundle cannot hand different recipients different keys under one key id).
 */
export const openSealedKey = (
  sealed: Uint8Array,
  ephemeralPub: Uint8Array,
  box: KeyPair,
  context: Uint8Array,
  crypto: CryptoPort,
  expectedKeyId?: Uint8Array,
): Uint8Array => {
  if (sealed.length !== SEALED_KEY_BYTES) throw new DecryptError('seal', `expected ${SEALED_KEY_BYTES} bytes`);
  const shared = x25519(crypto, box.secret, ephemeralPub, 'seal.w');
  let key: Uint8Array;
  try {
    key = deriveAead(shared, ephemeralPub, box.publicKey, context).decrypt(sealed);
  } catch {
    throw new DecryptError('seal');
  }
  if (expectedKeyId !== undefined && !equals(keyIdOf(key, crypto), expectedKeyId)) throw new DecryptError('seal.k', 'key does not match its key id');
  return key;
};
