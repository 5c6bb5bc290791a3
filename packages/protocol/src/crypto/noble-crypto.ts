import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoPort } from './port.ts';

/** Pure-JS crypto port on @noble/*. Strict RFC 8032 verification (zip215 off), like OpenSSL. */
export const nobleCrypto: CryptoPort = {
  name: 'noble',
  sha256: (data) => sha256(data),
  ed25519PublicKey: (secret) => ed25519.getPublicKey(secret),
  ed25519Sign: (secret, message) => ed25519.sign(message, secret),
  ed25519Verify: (publicKey, message, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  x25519PublicKey: (secret) => x25519.getPublicKey(secret),
  x25519Shared: (secret, publicKey) => x25519.getSharedSecret(secret, publicKey),
};
