/**
 * Crypto port on Node's built-in crypto (OpenSSL). Measured here: Ed25519 verify about 8.4k/s vs
 * 0.7k/s for noble. Key objects are cached because building one costs a quarter of a verify.
 */
import * as nc from 'node:crypto';
import type { CryptoPort } from './port.ts';

const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const X_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

const CACHE_MAX = 20_000;
const pubCache = new Map<string, nc.KeyObject>();

const edPublic = (pk: Uint8Array): nc.KeyObject => {
  const k = Buffer.from(pk.buffer, pk.byteOffset, pk.byteLength).toString('base64');
  let ko = pubCache.get(k);
  if (ko === undefined) {
    ko = nc.createPublicKey({ key: Buffer.concat([ED_SPKI, pk]), format: 'der', type: 'spki' });
    if (pubCache.size >= CACHE_MAX) pubCache.clear();
    pubCache.set(k, ko);
  }
  return ko;
};

const edPrivate = (sk: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: Buffer.concat([ED_PKCS8, sk]), format: 'der', type: 'pkcs8' });

const xPrivate = (sk: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: Buffer.concat([X_PKCS8, sk]), format: 'der', type: 'pkcs8' });

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const nodeCrypto: CryptoPort = {
  name: 'node',
  sha256: (data) => u8(nc.createHash('sha256').update(data).digest()),
  ed25519PublicKey: (secret) => {
    const der = nc.createPublicKey(edPrivate(secret)).export({ format: 'der', type: 'spki' });
    return u8(der.subarray(ED_SPKI.length));
  },
  ed25519Sign: (secret, message) => u8(nc.sign(null, message, edPrivate(secret))),
  ed25519Verify: (publicKey, message, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return nc.verify(null, message, edPublic(publicKey), signature);
    } catch {
      return false;
    }
  },
  x25519PublicKey: (secret) => {
    const der = nc.createPublicKey(xPrivate(secret)).export({ format: 'der', type: 'spki' });
    return u8(der.subarray(X_SPKI.length));
  },
  x25519Shared: (secret, publicKey) => {
    const pub = nc.createPublicKey({ key: Buffer.concat([X_SPKI, publicKey]), format: 'der', type: 'spki' });
    const out = u8(nc.diffieHellman({ privateKey: xPrivate(secret), publicKey: pub }));
    if (out.every((b) => b === 0)) throw new Error('x25519: low-order public key');
    return out;
  },
};
