/**
 * The Double Ratchet's key derivations (Signal's Double Ratchet spec, section 5.2, with HKDF-SHA256
 * and HMAC-SHA256) and its AEAD (ChaCha20-Poly1305, RFC 8439):
 *
 *   KDF_RK(rk, dh)  = HKDF-SHA256(salt = rk, ikm = dh, info = "parley/v1/dm-root", 64) -> rk' || ck
 *   KDF_CK(ck)      = (HMAC-SHA256(ck, 0x02) -> ck', HMAC-SHA256(ck, 0x01) -> mk)
 *   key || nonce    = HKDF-SHA256(salt = 32 zero bytes, ikm = mk, info = "parley/v1/dm-msg", 44)
 *   ciphertext      = ChaCha20-Poly1305(key, nonce, aad).encrypt(plaintext)
 *
 * Every message key encrypts exactly one plaintext, so the derived nonce is never reused.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecryptError } from '../errors.ts';

const ROOT_INFO = utf8('parley/v1/dm-root');
const MSG_INFO = utf8('parley/v1/dm-msg');
const ZERO32 = new Uint8Array(32);
const ONE = Uint8Array.of(0x01);
const TWO = Uint8Array.of(0x02);

export const kdfRoot = (rootKey: Uint8Array, dhOut: Uint8Array): { rootKey: Uint8Array; chainKey: Uint8Array } => {
  const okm = hkdf(sha256, dhOut, rootKey, ROOT_INFO, 64);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
};

export const kdfChain = (chainKey: Uint8Array): { chainKey: Uint8Array; messageKey: Uint8Array } => ({
  chainKey: hmac(sha256, chainKey, TWO),
  messageKey: hmac(sha256, chainKey, ONE),
});

const expand = (messageKey: Uint8Array) => {
  const okm = hkdf(sha256, messageKey, ZERO32, MSG_INFO, 44);
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32, 44) };
};

export const sealWithMessageKey = (messageKey: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, crypto: CryptoPort): Uint8Array => {
  const { key, nonce } = expand(messageKey);
  return crypto.chacha20Poly1305Encrypt?.(key, nonce, aad, plaintext) ?? chacha20poly1305(key, nonce, aad).encrypt(plaintext);
};

export const openWithMessageKey = (messageKey: Uint8Array, aad: Uint8Array, sealed: Uint8Array, crypto: CryptoPort, field: string): Uint8Array => {
  const { key, nonce } = expand(messageKey);
  try {
    return crypto.chacha20Poly1305Decrypt?.(key, nonce, aad, sealed) ?? chacha20poly1305(key, nonce, aad).decrypt(sealed);
  } catch {
    throw new DecryptError(field);
  }
};

/** X25519 through the port; a low-order or malformed key is the protocol's DecryptError, never the port's plain Error. */
export const dh = (crypto: CryptoPort, secret: Uint8Array, publicKey: Uint8Array, field: string): Uint8Array => {
  try {
    return crypto.x25519Shared(secret, publicKey);
  } catch {
    throw new DecryptError(field, 'X25519 with a low-order or malformed public key');
  }
};
