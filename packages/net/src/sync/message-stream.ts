/**
 * Reads and writes length-prefixed sync messages on a libp2p stream. The length is a minimal
 * unsigned LEB128 varint read one byte at a time and checked against the limit before the body is
 * read or allocated, so an oversized prefix costs the reader at most 8 bytes (THREATS 20).
 */
import type { Stream } from '@libp2p/interface';
import { type ByteStream, byteStream } from '@libp2p/utils';
import { DecodeError, encodeVarint, LimitError } from '@parley/protocol';

export interface MessageStream {
  /** The next message body; throws TruncatedMessageError (a DecodeError) on a truncated stream, LimitError on an oversized length. */
  read(max: number, signal: AbortSignal): Promise<Uint8Array>;
  write(body: Uint8Array, signal: AbortSignal): Promise<void>;
  /**
   * One message whose body is `parts` joined, written without joining them: the length prefix goes
   * with the first (small) part, every later part is handed to the stream as it is.
   */
  writeParts(parts: readonly Uint8Array[], signal: AbortSignal): Promise<void>;
}

const readLength = async (bytes: ByteStream<Stream>, max: number, signal: AbortSignal): Promise<number> => {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    const byte = (await bytes.read({ bytes: 1, signal })).get(0);
    value += (byte & 0x7f) * mul;
    if (value > max) throw new LimitError('sync.length', max, value);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new DecodeError('sync.length', 'non-minimal varint');
      if (value === 0) throw new DecodeError('sync.length', 'empty message');
      return value;
    }
    mul *= 0x80;
  }
  throw new DecodeError('sync.length', 'varint too long');
};

/**
 * The stream ended before a whole message arrived. A DecodeError, but one an honest peer causes by
 * crashing or closing its tab mid-message, so it is penalised apart ('sync-truncated', light).
 */
export class TruncatedMessageError extends DecodeError {
  constructor() {
    super('sync', 'stream ended inside a message');
  }
}

const truncated = (e: unknown): unknown => ((e as Error)?.name === 'UnexpectedEOFError' ? new TruncatedMessageError() : e);

/** varint(length) followed by `head` (the whole body, or the first part of one). */
const prefixed = (length: number, head: Uint8Array): Uint8Array => {
  const len = encodeVarint(length);
  const out = new Uint8Array(len.length + head.length);
  out.set(len);
  out.set(head, len.length);
  return out;
};

/**
 * Wraps `stream`. `maxBuffered` bounds what the peer can make us buffer ahead of our reads; the
 * stream is aborted when it is exceeded.
 */
export const messageStream = (stream: Stream, maxBuffered: number): MessageStream => {
  const bytes = byteStream(stream, { maxBufferSize: maxBuffered });
  return {
    async read(max, signal) {
      try {
        const len = await readLength(bytes, max, signal);
        return (await bytes.read({ bytes: len, signal })).subarray();
      } catch (e) {
        throw truncated(e);
      }
    },
    async write(body, signal) {
      await bytes.write(prefixed(body.length, body), { signal });
    },
    async writeParts(parts, signal) {
      let n = 0;
      for (const p of parts) n += p.length;
      const [first = new Uint8Array(0), ...rest] = parts;
      await bytes.write(prefixed(n, first), { signal });
      for (const p of rest) await bytes.write(p, { signal });
    },
  };
};
