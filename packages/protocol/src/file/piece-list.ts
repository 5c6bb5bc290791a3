/**
 * A file's public piece list and its content address (PROTOCOL 11.1):
 *
 *   chunk hash  = H(encrypted chunk)
 *   piece list  = chunk hash 0 || chunk hash 1 || ...       (32 bytes each, ceil(size / 256 KiB) of them)
 *   merkle root = binary tree over the chunk hashes, node = H(0x01 || left || right), an odd last node moves up
 *   file id     = H("parley/v1/file" || u64be(size) || merkle root)
 *
 * The piece list holds hashes of ciphertext only, so hubs and peers that cannot decrypt can still check
 * every chunk they store or serve; `size` is bound into the id, so a list cannot lie about it (THREATS 37).
 */
import { concat, equals, utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError } from '../errors.ts';
import { writeU64 } from '../keys/seal.ts';
import { LIMITS } from '../limits.ts';

export const FILE_ID_BYTES = 32;
export const CHUNK_HASH_BYTES = 32;
/** The Poly1305 tag each encrypted chunk carries beyond its plaintext. */
export const CHUNK_TAG_BYTES = 16;

const FILE_LABEL = utf8('parley/v1/file');
const NODE = Uint8Array.of(0x01);

/** Checks a plaintext size: 1..LIMITS.maxFileBytes. */
export const checkFileSize = (size: number, field: string): number => {
  if (!Number.isSafeInteger(size) || size < 1) throw new InvalidFieldError(field, 'a file has 1 byte or more');
  if (size > LIMITS.maxFileBytes) throw new LimitError(field, LIMITS.maxFileBytes, size);
  return size;
};

/** How many chunks a file of `size` plaintext bytes has. */
export const chunkCount = (size: number): number => Math.ceil(checkFileSize(size, 'file.size') / LIMITS.fileChunkBytes);

/** Plaintext length of chunk `index` of a file of `size` bytes. */
export const chunkPlainLength = (size: number, index: number): number => {
  const n = chunkCount(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) throw new InvalidFieldError('chunk.index', `expected 0..${n - 1}`);
  return index < n - 1 ? LIMITS.fileChunkBytes : size - (n - 1) * LIMITS.fileChunkBytes;
};

/** Encrypted length of chunk `index` (plaintext + tag): a served chunk of any other length is refused unhashed. */
export const chunkCipherLength = (size: number, index: number): number => chunkPlainLength(size, index) + CHUNK_TAG_BYTES;

/** Merkle root over chunk hashes; a single hash is its own root. */
export const merkleRoot = (hashes: readonly Uint8Array[], crypto: CryptoPort): Uint8Array => {
  if (hashes.length === 0) throw new InvalidFieldError('file.hashes', 'at least one chunk');
  let level = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const r = level[i + 1];
      next.push(r === undefined ? (level[i] as Uint8Array) : crypto.sha256(concat(NODE, level[i] as Uint8Array, r)));
    }
    level = next;
  }
  return level[0] as Uint8Array;
};

/** Splits a piece list into its hashes after checking its length against `size`. */
export const readPieceList = (bytes: Uint8Array, size: number): Uint8Array[] => {
  const n = chunkCount(size);
  if (bytes.length !== n * CHUNK_HASH_BYTES)
    throw new InvalidFieldError('pieces', `expected ${n * CHUNK_HASH_BYTES} bytes for ${n} chunks, got ${bytes.length}`);
  return Array.from({ length: n }, (_, i) => bytes.slice(i * CHUNK_HASH_BYTES, (i + 1) * CHUNK_HASH_BYTES));
};

/** The file id of a piece list and size. */
export const fileIdOf = (size: number, hashes: readonly Uint8Array[], crypto: CryptoPort): Uint8Array => {
  if (hashes.length !== chunkCount(size))
    throw new InvalidFieldError('file.hashes', `a file of ${size} bytes has ${chunkCount(size)} chunks, not ${hashes.length}`);
  const buf = new Uint8Array(FILE_LABEL.length + 8 + 32);
  buf.set(FILE_LABEL, 0);
  writeU64(buf, FILE_LABEL.length, size);
  buf.set(merkleRoot(hashes, crypto), FILE_LABEL.length + 8);
  return crypto.sha256(buf);
};

/**
 * Opens a piece list that claims to belong to `fileId`: the right length for `size`, and hashing to
 * the id. Returns the chunk hashes. InvalidFieldError otherwise (`pieces`).
 */
export const openPieceList = (fileId: Uint8Array, size: number, bytes: Uint8Array, crypto: CryptoPort): Uint8Array[] => {
  const hashes = readPieceList(bytes, size);
  if (!equals(fileIdOf(size, hashes, crypto), fileId)) throw new InvalidFieldError('pieces', 'does not hash to the file id');
  return hashes;
};

export const encodePieceList = (hashes: readonly Uint8Array[]): Uint8Array => concat(...hashes);
