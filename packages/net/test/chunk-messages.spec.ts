/**
 * Chunk protocol messages (PROTOCOL 12.4): every encoder has its decoder, and any bytes either decode
 * to a message that re-encodes to the same bytes or throw a ProtocolError (fast-check).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtocolError } from '@parley/protocol';
import fc from 'fast-check';
import { CHUNK_LIMITS, type ChunkMessage, decodeChunkMessage, encodeChunkMessage, encodeChunkMessageParts } from '../src/chunks/chunk-messages.ts';

const code = (b: Uint8Array): string => {
  try {
    decodeChunkMessage(b);
    return 'ok';
  } catch (e) {
    assert.ok(isProtocolError(e), String(e));
    return `${e.code} ${e.field}`;
  }
};

describe('chunk protocol messages', () => {
  const id = new Uint8Array(32).fill(7);
  const samples: ChunkMessage[] = [
    { kind: 'GET_PIECES', file: id },
    { kind: 'GET_CHUNKS', file: id, indices: [0, 3, 9] },
    { kind: 'PUT_FILE', room: id, message: new Uint8Array(32).fill(1), size: 5_000_000 },
    { kind: 'PIECES', pieces: new Uint8Array(64).fill(2) },
    { kind: 'CHUNK', index: 4, bytes: new Uint8Array(1000).fill(3) },
    { kind: 'MISSING', index: 2 },
    { kind: 'END' },
    { kind: 'ERROR', code: 'quota' },
  ];

  it('round-trips every kind', () => {
    for (const m of samples) assert.deepEqual(decodeChunkMessage(encodeChunkMessage(m)), m);
  });

  it('writes the same bytes in parts, a CHUNK without copying its bytes', () => {
    for (const m of samples) {
      const parts = encodeChunkMessageParts(m);
      assert.deepEqual(Buffer.concat(parts), Buffer.from(encodeChunkMessage(m)), m.kind);
      if (m.kind === 'CHUNK') assert.equal(parts.at(-1), m.bytes, 'the chunk bytes are the last part as given');
      else assert.equal(parts.length, 1);
    }
  });

  it('refuses bad versions, kinds, lengths, orders and oversized messages with typed errors', () => {
    const get = encodeChunkMessage(samples[1] as ChunkMessage);
    assert.equal(code(Uint8Array.of(2, ...get.subarray(1))), 'ERR_DECODE chunks.version');
    assert.equal(code(Uint8Array.of(1, 0x7f)), 'ERR_DECODE chunks.kind');
    assert.equal(code(get.subarray(0, get.length - 1)), 'ERR_DECODE chunks.GET_CHUNKS');
    assert.equal(code(encodeChunkMessage({ kind: 'GET_CHUNKS', file: id, indices: [3, 3] })), 'ERR_FIELD chunks.GET_CHUNKS.indices');
    const many = Array.from({ length: CHUNK_LIMITS.maxIndicesPerRequest + 1 }, (_, i) => i);
    assert.equal(code(encodeChunkMessage({ kind: 'GET_CHUNKS', file: id, indices: many })), 'ERR_LIMIT chunks.GET_CHUNKS.indices');
    assert.equal(code(encodeChunkMessage({ kind: 'PIECES', pieces: new Uint8Array(33) })), 'ERR_DECODE chunks.PIECES');
    assert.equal(code(encodeChunkMessage({ kind: 'PUT_FILE', room: id, message: id, size: 0 })), 'ERR_FIELD chunks.PUT_FILE.size');
    assert.equal(code(new Uint8Array(CHUNK_LIMITS.maxMessageBytes + 1)), `ERR_LIMIT chunks.message`);
    assert.equal(code(Uint8Array.of(1, 0x14, 9)), 'ERR_DECODE chunks.ERROR');
  });

  it('any bytes decode canonically or throw a ProtocolError (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 0x14 }), (body, kind) => {
        const b = Uint8Array.of(1, kind, ...body);
        let m: ChunkMessage;
        try {
          m = decodeChunkMessage(b);
        } catch (e) {
          assert.ok(isProtocolError(e), String(e));
          return;
        }
        assert.deepEqual(encodeChunkMessage(m), b);
      }),
      { numRuns: 5000 },
    );
  });
});
