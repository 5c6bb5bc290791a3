/**
 * The sync protocol's message codec: every encoder round-trips through its decoder, and each invalid
 * input is refused with the protocol core's typed error naming the field (the note says why).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCbor, ProtocolError } from '@parley/protocol';
import {
  batchFrames,
  DEFAULT_SYNC_LIMITS,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  SYNC_VERSION,
  type SyncRequest,
  type SyncResponse,
} from '../src/index.ts';

const id = (n: number) => new Uint8Array(32).fill(n);
const ch = (n: number) => new Uint8Array(16).fill(n);
const body = (map: Parameters<typeof encodeCbor>[0], version = SYNC_VERSION) => Uint8Array.of(version, ...encodeCbor(map));
const refuses = (fn: () => unknown, code: string, field: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code && field.test(e.field));

describe('sync requests', () => {
  const valid: SyncRequest[] = [
    { kind: 'GET_AUTHORITY', room: id(1) },
    { kind: 'HAVE', room: id(1), channel: ch(2) },
    { kind: 'GET_RANGE', room: id(1), channel: ch(2), device: id(3), fromSeq: 1, toSeq: 1024 },
  ];
  for (const r of valid) {
    it(`${r.kind} round-trips and leads with the version byte`, () => {
      const bytes = encodeRequest(r);
      assert.equal(bytes[0], SYNC_VERSION);
      assert.ok(bytes.length <= DEFAULT_SYNC_LIMITS.maxRequestBytes);
      assert.deepEqual(decodeRequest(bytes), r);
    });
  }

  it('refuses what is not a well-formed request', () => {
    // wrong version byte
    refuses(() => decodeRequest(body({ k: 1, r: id(1) }, 2)), 'ERR_DECODE', /^sync\.version$/);
    // a body of just the version byte
    refuses(() => decodeRequest(Uint8Array.of(SYNC_VERSION)), 'ERR_DECODE', /^sync\.body$/);
    // CBOR garbage after the version byte
    refuses(() => decodeRequest(Uint8Array.of(SYNC_VERSION, 0xff, 0x00, 0x13)), 'ERR_DECODE', /^sync/);
    // non-canonical CBOR: map keys out of order ("r" before "k")
    refuses(() => decodeRequest(Uint8Array.of(SYNC_VERSION, 0xa2, 0x61, 0x72, 0x58, 0x20, ...id(1), 0x61, 0x6b, 0x01)), 'ERR_NON_CANONICAL', /^sync$/);
    // an integer spelled in more bytes than needed
    refuses(() => decodeRequest(Uint8Array.of(SYNC_VERSION, 0xa2, 0x61, 0x6b, 0x18, 0x01, 0x61, 0x72, 0x58, 0x20, ...id(1))), 'ERR_DECODE', /^sync$/);
    // unknown kind, unknown extra field, short id
    refuses(() => decodeRequest(body({ k: 9, r: id(1) })), 'ERR_FIELD', /^sync\.k$/);
    refuses(() => decodeRequest(body({ k: 1, r: id(1), x: 1 })), 'ERR_FIELD', /^sync\.x$/);
    refuses(() => decodeRequest(body({ k: 2, r: id(1), c: new Uint8Array(15) })), 'ERR_FIELD', /^sync\.c$/);
    // ranges: seq 0, reversed, wider than maxRangeSeqs
    refuses(() => decodeRequest(body({ k: 3, r: id(1), c: ch(2), d: id(3), f: 0, t: 5 })), 'ERR_FIELD', /^sync\.f$/);
    refuses(() => decodeRequest(body({ k: 3, r: id(1), c: ch(2), d: id(3), f: 9, t: 5 })), 'ERR_FIELD', /^sync\.t$/);
    refuses(() => decodeRequest(body({ k: 3, r: id(1), c: ch(2), d: id(3), f: 1, t: 1025 })), 'ERR_LIMIT', /^sync\.t$/);
    // a body above maxRequestBytes, refused before decoding
    refuses(() => decodeRequest(new Uint8Array(DEFAULT_SYNC_LIMITS.maxRequestBytes + 1)), 'ERR_LIMIT', /^sync\.length$/);
  });
});

describe('sync responses', () => {
  const valid: SyncResponse[] = [
    { kind: 'FRAMES', frames: [Uint8Array.of(1, 2, 3), new Uint8Array(100)] },
    { kind: 'HAVE', have: { [Buffer.from(id(7)).toString('hex')]: 12, [Buffer.from(id(8)).toString('hex')]: 1 } },
    { kind: 'HAVE', have: {} },
    { kind: 'END', count: 0 },
    { kind: 'ERROR', code: 'busy' },
  ];
  for (const r of valid) {
    it(`${r.kind} round-trips`, () => assert.deepEqual(decodeResponse(encodeResponse(r)), r));
  }

  it('refuses what is not a well-formed response', () => {
    // a request kind where a response belongs
    refuses(() => decodeResponse(encodeRequest({ kind: 'GET_AUTHORITY', room: id(1) })), 'ERR_FIELD', /^sync\.k$/);
    // empty batch, non-bytes frame
    refuses(() => decodeResponse(body({ k: 16, f: [] })), 'ERR_FIELD', /^sync\.f$/);
    refuses(() => decodeResponse(body({ k: 16, f: ['x'] })), 'ERR_FIELD', /^sync\.f\[0\]$/);
    // have-vector: key not 64 hex, seq 0
    refuses(() => decodeResponse(body({ k: 17, h: { abc: 1 } })), 'ERR_FIELD', /^sync\.h$/);
    refuses(() => decodeResponse(body({ k: 17, h: { [Buffer.from(id(7)).toString('hex')]: 0 } })), 'ERR_FIELD', /^sync\.h\./);
    // unknown error code
    refuses(() => decodeResponse(body({ k: 19, e: 'teapot' })), 'ERR_FIELD', /^sync\.e$/);
  });

  it('batches frames within the per-message frame and byte limits', async () => {
    const frames = Array.from({ length: 10 }, (_, i) => new Uint8Array(300).fill(i));
    const limits = { maxFramesPerMessage: 4, maxMessageBytes: 1000 };
    const batches: Uint8Array[][] = [];
    for await (const b of batchFrames(frames, limits)) batches.push(b);
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 3, 1],
    );
    for (const b of batches) assert.ok(encodeResponse({ kind: 'FRAMES', frames: b }).length <= limits.maxMessageBytes);
    assert.deepEqual(batches.flat(), frames);
  });
});
