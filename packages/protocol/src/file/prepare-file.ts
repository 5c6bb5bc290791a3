/**
 * The sender's side of sharing a file, as pure functions: feed plaintext chunks in order, get each
 * encrypted chunk and, at the end, the piece list and the file reference for the message. The
 * caller stores chunks as they come, so a large file never has to sit in memory whole.
 */
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { chunkHash, deriveFileKey, encryptChunk, FILE_SALT_BYTES, type FileKeyContext } from './chunk-cipher.ts';
import { type FileRef, readFileRef, writeFileRef } from './file-ref.ts';
import { chunkCount, encodePieceList, fileIdOf } from './piece-list.ts';

export interface FileMeta {
  readonly name: string;
  readonly type: string;
  readonly thumbnail?: Uint8Array | undefined;
}

export interface PreparedFile {
  readonly ref: FileRef;
  readonly pieces: Uint8Array;
  readonly hashes: readonly Uint8Array[];
}

/** Encrypts chunk by chunk. `salt` is FILE_SALT_BYTES random bytes (fresh for every file). */
export class FileEncryptor {
  readonly size: number;
  readonly count: number;
  private readonly key: Uint8Array;
  private readonly salt: Uint8Array;
  private readonly crypto: CryptoPort;
  private readonly hashes: Uint8Array[] = [];

  constructor(ctx: FileKeyContext, size: number, salt: Uint8Array, crypto: CryptoPort) {
    if (salt.length !== FILE_SALT_BYTES) throw new InvalidFieldError('salt', `expected ${FILE_SALT_BYTES} bytes`);
    this.size = size;
    this.count = chunkCount(size);
    this.key = deriveFileKey(ctx, salt);
    this.salt = salt;
    this.crypto = crypto;
  }

  /** Encrypts the next chunk (exactly its plaintext length) and returns it with its index. */
  next(plain: Uint8Array): { index: number; chunk: Uint8Array } {
    const index = this.hashes.length;
    const chunk = encryptChunk(this.key, this.size, index, plain, this.crypto);
    this.hashes.push(chunkHash(chunk, this.crypto));
    return { index, chunk };
  }

  /** After the last chunk: the piece list and the reference (validated as a reader would). */
  finish(meta: FileMeta): PreparedFile {
    if (this.hashes.length !== this.count) throw new InvalidFieldError('file', `${this.hashes.length} of ${this.count} chunks encrypted`);
    const ref: FileRef = { id: fileIdOf(this.size, this.hashes, this.crypto), size: this.size, salt: this.salt, ...meta };
    readFileRef(writeFileRef(ref), 'file');
    return { ref, pieces: encodePieceList(this.hashes), hashes: [...this.hashes] };
  }
}

/** The whole file at once (tests, small files): every encrypted chunk plus the prepared file. */
export const prepareFile = (
  bytes: Uint8Array,
  ctx: FileKeyContext,
  salt: Uint8Array,
  meta: FileMeta,
  crypto: CryptoPort,
): PreparedFile & { chunks: Uint8Array[] } => {
  const enc = new FileEncryptor(ctx, bytes.length, salt, crypto);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < enc.count; i++)
    chunks.push(enc.next(bytes.subarray(i * LIMITS.fileChunkBytes, Math.min(bytes.length, (i + 1) * LIMITS.fileChunkBytes))).chunk);
  return { ...enc.finish(meta), chunks };
};
