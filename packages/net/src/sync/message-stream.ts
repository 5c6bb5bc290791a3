/**
 * Reads and writes length-prefixed sync messages on a libp2p stream. The length is a minimal
 * unsigned LEB128 varint read one byte at a time and checked against the limit before the body is
 * read or allocated, so an oversized prefix costs the reader at most 8 bytes (THREATS 20).
 */
import type { Stream } from '@libp2p/interface';
import { type ByteStream, byteStream } from '@libp2p/utils';
import { DecodeError, encodeVarint, LimitError } from '@parley/protocol';

export interface MessageStream {
  /** The next message body; throws DecodeError on a truncated stream, LimitError on an oversized length. */
  read(max: number, signal: AbortSignal): Promise<Uint8Array>;
  write(body: Uint8Array, signal: AbortSignal): Promise<void>;
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

/** The end of the stream before a whole message arrived is a DecodeError; anything else passes through. */
const truncated = (e: unknown): unknown => ((e as Error)?.name === 'UnexpectedEOFError' ? new DecodeError('sync', 'stream ended inside a message') : e);

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
      const len = encodeVarint(body.length);
      const out = new Uint8Array(len.length + body.length);
      out.set(len);
      out.set(body, len.length);
      await bytes.write(out, { signal });
    },
  };
};
