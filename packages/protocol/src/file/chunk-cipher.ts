/**
 * Encryption of file chunks (PROTOCOL 11.2). Each file gets its own key from the channel epoch key
 * of the message that shares it and a random 16-byte salt carried in the (encrypted) file reference:
 *
 *   file key = HKDF-SHA256(ikm = epoch key, salt = s, info = "parley/v1/file-key" || r || c || u64be(e), 32)
 *   nonce_i  = 0x00000000 || u64be(i)                                          (12 bytes)
 *   aad_i    = "parley/v1/chunk" || u64be(size) || u64be(i)
 *   chunk_i  = ChaCha20-Poly1305(file key, nonce_i, aad_i).encrypt(plaintext[i * 256 KiB .. +256 KiB])
 *
 * The key is fresh per file (random salt), so a nonce derived from the chunk index is never reused
 * under one key. The AAD binds each chunk to its position and the file's size: chunks cannot be
 * reordered, truncated or moved between files without failing authentication.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecryptError, InvalidFieldError } from '../errors.ts';
import { EPOCH_KEY_BYTES, writeU64 } from '../keys/seal.ts';
import { chunkCipherLength, chunkPlainLength } from './piece-list.ts';

export const FILE_SALT_BYTES = 16;
const KEY_LABEL = utf8('parley/v1/file-key');
const CHUNK_LABEL = utf8('parley/v1/chunk');

/** Where a file is shared: the message's room, channel, epoch and that epoch's key. */
export interface FileKeyContext {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly epochKey: Uint8Array;
}

/** The per-file key (see the file header). */
export const deriveFileKey = (ctx: FileKeyContext, salt: Uint8Array): Uint8Array => {
  if (ctx.epochKey.length !== EPOCH_KEY_BYTES) throw new InvalidFieldError('epochKey', `expected ${EPOCH_KEY_BYTES} bytes`);
  if (salt.length !== FILE_SALT_BYTES) throw new InvalidFieldError('file.s', `expected ${FILE_SALT_BYTES} bytes`);
  const info = new Uint8Array(KEY_LABEL.length + 32 + 16 + 8);
  info.set(KEY_LABEL, 0);
  info.set(ctx.room, KEY_LABEL.length);
  info.set(ctx.channel, KEY_LABEL.length + 32);
  writeU64(info, KEY_LABEL.length + 48, ctx.epoch);
  return hkdf(sha256, ctx.epochKey, salt, info, 32);
};

const nonceOf = (index: number): Uint8Array => {
  const n = new Uint8Array(12);
  writeU64(n, 4, index);
  return n;
};

const aadOf = (size: number, index: number): Uint8Array => {
  const a = new Uint8Array(CHUNK_LABEL.length + 16);
  a.set(CHUNK_LABEL, 0);
  writeU64(a, CHUNK_LABEL.length, size);
  writeU64(a, CHUNK_LABEL.length + 8, index);
  return a;
};

/** Encrypts chunk `index` of a file of `size` bytes; `plain` must have exactly that chunk's length. */
export const encryptChunk = (fileKey: Uint8Array, size: number, index: number, plain: Uint8Array, crypto: CryptoPort): Uint8Array => {
  const want = chunkPlainLength(size, index);
  if (plain.length !== want) throw new InvalidFieldError('chunk', `chunk ${index} of a ${size}-byte file has ${want} bytes, not ${plain.length}`);
  const nonce = nonceOf(index);
  const aad = aadOf(size, index);
  return crypto.chacha20Poly1305Encrypt?.(fileKey, nonce, aad, plain) ?? chacha20poly1305(fileKey, nonce, aad).encrypt(plain);
};

/** Decrypts chunk `index`; DecryptError for a wrong length, key, position or any altered byte. */
export const decryptChunk = (fileKey: Uint8Array, size: number, index: number, sealed: Uint8Array, crypto: CryptoPort): Uint8Array => {
  if (sealed.length !== chunkCipherLength(size, index)) throw new DecryptError('chunk', `chunk ${index} has the wrong length`);
  const nonce = nonceOf(index);
  const aad = aadOf(size, index);
  try {
    return crypto.chacha20Poly1305Decrypt?.(fileKey, nonce, aad, sealed) ?? chacha20poly1305(fileKey, nonce, aad).decrypt(sealed);
  } catch {
    throw new DecryptError('chunk');
  }
};

/** H(encrypted chunk): what the piece list holds. */
export const chunkHash = (sealed: Uint8Array, crypto: CryptoPort): Uint8Array => crypto.sha256(sealed);
