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
  chacha20Poly1305Encrypt: (key, nonce, aad, plaintext) => {
    const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const out = new Uint8Array(plaintext.length + 16);
    const body = c.update(plaintext);
    out.set(body, 0);
    const rest = c.final();
    out.set(rest, body.length);
    out.set(c.getAuthTag(), body.length + rest.length);
    return out;
  },
  chacha20Poly1305Decrypt: (key, nonce, aad, sealed) => {
    if (sealed.length < 16) throw new Error('chacha20-poly1305: shorter than its tag');
    const d = nc.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    d.setAAD(aad, { plaintextLength: sealed.length - 16 });
    const body = d.update(sealed.subarray(0, sealed.length - 16));
    const rest = d.final();
    return rest.length === 0 ? u8(body) : concatBuffers(body, rest);
  },
};

const concatBuffers = (a: Buffer, b: Buffer): Uint8Array => u8(Buffer.concat([a, b]));
