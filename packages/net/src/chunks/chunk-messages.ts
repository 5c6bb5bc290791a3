/**
 * Messages of the chunk protocol `/parley/chunks/1.0.0` (PROTOCOL 12.4). Binary, not CBOR: a chunk
 * is 256 KiB and should be copied as little as possible. Every message is
 *
 *   varint(len) | 0x01 (version) | kind (u8) | body
 *
 * and every decoder checks lengths before it slices. Bad bytes are the protocol's DecodeError /
 * LimitError (the service penalises the peer that sent them).
 */
import { CHUNK_HASH_BYTES, CHUNK_TAG_BYTES, DecodeError, FILE_ID_BYTES, InvalidFieldError, LIMITS, LimitError } from '@parley/protocol';

export const CHUNK_PROTOCOL = '/parley/chunks/1.0.0';
const VERSION = 0x01;

export const CHUNK_LIMITS = {
  /** A request (GET_PIECES, GET_CHUNKS, the PUT header). */
  maxRequestBytes: 1024,
  /** Indices in one GET_CHUNKS. */
  maxIndicesPerRequest: 16,
  /** Any message: a whole piece list (8,192 hashes) or one chunk with its index. */
  maxMessageBytes: LIMITS.fileChunkBytes + CHUNK_TAG_BYTES + 64,
  /**
   * What one stream may make its reader buffer ahead of its reads: a whole GET_CHUNKS answer or
   * upload batch (16 chunks). The stream is aborted beyond it.
   */
  maxBufferedBytes: 17 * (LIMITS.fileChunkBytes + CHUNK_TAG_BYTES + 64),
  maxConcurrentPerPeer: 4,
  requestTimeoutMs: 5_000,
  exchangeTimeoutMs: 60_000,
} as const;

export type ChunkErrorCode = 'busy' | 'not-found' | 'internal' | 'refused' | 'quota';
const ERROR_CODES: readonly ChunkErrorCode[] = ['busy', 'not-found', 'internal', 'refused', 'quota'];

export type ChunkMessage =
  | { kind: 'GET_PIECES'; file: Uint8Array }
  | { kind: 'GET_CHUNKS'; file: Uint8Array; indices: number[] }
  /** A hub upload: the room and the envelope that shares the file; the piece list and chunks follow. */
  | { kind: 'PUT_FILE'; room: Uint8Array; message: Uint8Array; size: number }
  | { kind: 'PIECES'; pieces: Uint8Array }
  | { kind: 'CHUNK'; index: number; bytes: Uint8Array }
  | { kind: 'MISSING'; index: number }
  | { kind: 'END' }
  | { kind: 'ERROR'; code: ChunkErrorCode };

const KIND = { GET_PIECES: 0x01, GET_CHUNKS: 0x02, PUT_FILE: 0x03, PIECES: 0x10, CHUNK: 0x11, MISSING: 0x12, END: 0x13, ERROR: 0x14 } as const;

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

const withHeader = (kind: number, ...parts: Uint8Array[]): Uint8Array => {
  let n = 2;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out[0] = VERSION;
  out[1] = kind;
  let o = 2;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export const encodeChunkMessage = (m: ChunkMessage): Uint8Array => {
  switch (m.kind) {
    case 'GET_PIECES':
      return withHeader(KIND.GET_PIECES, m.file);
    case 'GET_CHUNKS':
      return withHeader(KIND.GET_CHUNKS, m.file, ...m.indices.map(u32));
    case 'PUT_FILE': {
      const size = new Uint8Array(8);
      new DataView(size.buffer).setBigUint64(0, BigInt(m.size));
      return withHeader(KIND.PUT_FILE, m.room, m.message, size);
    }
    case 'PIECES':
      return withHeader(KIND.PIECES, m.pieces);
    case 'CHUNK':
      return withHeader(KIND.CHUNK, u32(m.index), m.bytes);
    case 'MISSING':
      return withHeader(KIND.MISSING, u32(m.index));
    case 'END':
      return withHeader(KIND.END);
    case 'ERROR':
      return withHeader(KIND.ERROR, Uint8Array.of(ERROR_CODES.indexOf(m.code) + 1));
  }
};

/**
 * The same bytes as `encodeChunkMessage`, in parts to be written one after another: a CHUNK is its
 * 6-byte header and the chunk bytes themselves, so a server writes a 256 KiB chunk without copying it.
 */
export const encodeChunkMessageParts = (m: ChunkMessage): Uint8Array[] =>
  m.kind === 'CHUNK' ? [withHeader(KIND.CHUNK, u32(m.index)), m.bytes] : [encodeChunkMessage(m)];

const exact = (b: Uint8Array, n: number, what: string): void => {
  if (b.length !== n) throw new DecodeError(`chunks.${what}`, `expected ${n} bytes, got ${b.length}`);
};

/** Decodes one message body (after its length prefix). */
export const decodeChunkMessage = (b: Uint8Array): ChunkMessage => {
  if (b.length > CHUNK_LIMITS.maxMessageBytes) throw new LimitError('chunks.message', CHUNK_LIMITS.maxMessageBytes, b.length);
  if (b.length < 2) throw new DecodeError('chunks.message', 'shorter than its header');
  if (b[0] !== VERSION) throw new DecodeError('chunks.version', `unknown version ${b[0]}`);
  const body = b.subarray(2);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (b[1]) {
    case KIND.GET_PIECES:
      exact(body, FILE_ID_BYTES, 'GET_PIECES');
      return { kind: 'GET_PIECES', file: body.slice() };
    case KIND.GET_CHUNKS: {
      const n = (body.length - FILE_ID_BYTES) / 4;
      if (!Number.isInteger(n) || n < 1) throw new DecodeError('chunks.GET_CHUNKS', 'a file id and 1.. indices of 4 bytes');
      if (n > CHUNK_LIMITS.maxIndicesPerRequest) throw new LimitError('chunks.GET_CHUNKS.indices', CHUNK_LIMITS.maxIndicesPerRequest, n);
      const indices: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = dv.getUint32(FILE_ID_BYTES + 4 * i);
        if (i > 0 && x <= (indices[i - 1] as number)) throw new InvalidFieldError('chunks.GET_CHUNKS.indices', 'must be strictly ascending');
        indices.push(x);
      }
      return { kind: 'GET_CHUNKS', file: body.slice(0, FILE_ID_BYTES), indices };
    }
    case KIND.PUT_FILE: {
      exact(body, 32 + 32 + 8, 'PUT_FILE');
      const size = Number(dv.getBigUint64(64));
      if (size < 1 || size > LIMITS.maxFileBytes) throw new InvalidFieldError('chunks.PUT_FILE.size', `expected 1..${LIMITS.maxFileBytes}`);
      return { kind: 'PUT_FILE', room: body.slice(0, 32), message: body.slice(32, 64), size };
    }
    case KIND.PIECES:
      if (body.length === 0 || body.length % CHUNK_HASH_BYTES !== 0) throw new DecodeError('chunks.PIECES', 'a whole number of 32-byte hashes');
      return { kind: 'PIECES', pieces: body };
    case KIND.CHUNK:
      if (body.length < 5) throw new DecodeError('chunks.CHUNK', 'an index and at least one byte');
      return { kind: 'CHUNK', index: dv.getUint32(0), bytes: body.subarray(4) };
    case KIND.MISSING:
      exact(body, 4, 'MISSING');
      return { kind: 'MISSING', index: dv.getUint32(0) };
    case KIND.END:
      exact(body, 0, 'END');
      return { kind: 'END' };
    case KIND.ERROR: {
      exact(body, 1, 'ERROR');
      const code = ERROR_CODES[(body[0] as number) - 1];
      if (code === undefined) throw new DecodeError('chunks.ERROR', `unknown code ${body[0]}`);
      return { kind: 'ERROR', code };
    }
    default:
      throw new DecodeError('chunks.kind', `unknown kind ${b[1]}`);
  }
};
