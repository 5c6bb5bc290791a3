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
const body = (map: Parameters<typeof encodeCbor>[0], version = SYNC_VERSION): Uint8Array => {
  const cbor = encodeCbor(map);
  const out = new Uint8Array(cbor.length + 1);
  out[0] = version;
  out.set(cbor, 1);
  return out;
};
const refuses = (fn: () => unknown, code: string, field: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code && field.test(e.field));

describe('sync requests', () => {
  const valid: SyncRequest[] = [
    { kind: 'GET_AUTHORITY', room: id(1) },
    { kind: 'HAVE', room: id(1), channel: ch(2) },
    { kind: 'GET_RANGE', room: id(1), channel: ch(2), device: id(3), fromSeq: 1, toSeq: 1024 },
    { kind: 'PUT', room: id(1), frames: [Uint8Array.of(1, 0x20, 3), new Uint8Array(100)] },
  ];
  for (const r of valid) {
    it(`${r.kind} round-trips and leads with the version byte`, () => {
      const bytes = encodeRequest(r);
      assert.equal(bytes[0], SYNC_VERSION);
      if (r.kind !== 'PUT') assert.ok(bytes.length <= DEFAULT_SYNC_LIMITS.maxRequestBytes);
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
    // a body above maxMessageBytes, refused before decoding; a non-PUT request above maxRequestBytes
    refuses(() => decodeRequest(new Uint8Array(DEFAULT_SYNC_LIMITS.maxMessageBytes + 1)), 'ERR_LIMIT', /^sync\.length$/);
    refuses(() => decodeRequest(body({ k: 1, r: id(1), x: new Uint8Array(300) })), 'ERR_LIMIT', /^sync\.length$/);
    // PUT: no frames, too many frames, a frame that is not bytes or over the frame limit
    refuses(() => decodeRequest(body({ k: 4, r: id(1), f: [] })), 'ERR_FIELD', /^sync\.f$/);
    refuses(() => decodeRequest(body({ k: 4, r: id(1), f: Array.from({ length: 257 }, () => Uint8Array.of(1)) })), 'ERR_LIMIT', /^sync\.f$/);
    refuses(() => decodeRequest(body({ k: 4, r: id(1), f: [7] })), 'ERR_FIELD', /^sync\.f\[0\]$/);
    refuses(
      () => decodeRequest(body({ k: 4, r: id(1), f: [new Uint8Array(256 * 1024 + 1)] }), { ...DEFAULT_SYNC_LIMITS, maxMessageBytes: 2 * 1024 * 1024 }),
      'ERR_LIMIT',
      /^sync\.f\[0\]$/,
    );
  });
});

describe('sync responses', () => {
  const valid: SyncResponse[] = [
    { kind: 'FRAMES', frames: [Uint8Array.of(1, 2, 3), new Uint8Array(100)] },
    { kind: 'HAVE', have: { [Buffer.from(id(7)).toString('hex')]: 12, [Buffer.from(id(8)).toString('hex')]: 1 } },
    { kind: 'HAVE', have: {} },
    { kind: 'END', count: 0 },
    { kind: 'ERROR', code: 'busy' },
    { kind: 'ERROR', code: 'not-served' },
    { kind: 'STORED', ids: [id(4), id(5)], refused: [{ id: id(6), reason: 'strict' }] },
    { kind: 'STORED', ids: [], refused: [] },
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
    // STORED: short id, unknown refusal, refusal not a map
    refuses(() => decodeResponse(body({ k: 20, i: [new Uint8Array(31)], x: [] })), 'ERR_FIELD', /^sync\.i\[0\]$/);
    refuses(() => decodeResponse(body({ k: 20, i: [], x: [{ i: id(1), e: 'nope' }] })), 'ERR_FIELD', /^sync\.x\[0\]\.e$/);
    refuses(() => decodeResponse(body({ k: 20, i: [], x: [id(1)] })), 'ERR_FIELD', /^sync\.x\[0\]$/);
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

describe('sync codec (fuzz and property)', () => {
  it('random and mutated bodies decode or throw a ProtocolError, nothing else', async () => {
    const { default: fc } = await import('fast-check');
    const seeds = [
      encodeRequest({ kind: 'PUT', room: id(1), frames: [Uint8Array.of(1, 2, 3)] }),
      encodeRequest({ kind: 'GET_RANGE', room: id(1), channel: ch(2), device: id(3), fromSeq: 1, toSeq: 9 }),
      encodeResponse({ kind: 'STORED', ids: [id(4)], refused: [{ id: id(5), reason: 'quota' }] }),
      encodeResponse({ kind: 'HAVE', have: { [Buffer.from(id(7)).toString('hex')]: 3 } }),
    ];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, at, v]) => {
      const c = b.slice();
      c[at % c.length] = v;
      return c;
    });
    const anyBody = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
    fc.assert(
      fc.property(anyBody, (b) => {
        for (const decode of [decodeRequest, decodeResponse] as ((x: Uint8Array) => unknown)[]) {
          try {
            decode(b);
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every PUT and STORED round-trips (property)', async () => {
    const { default: fc } = await import('fast-check');
    const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const put = fc.record({ room: bytes32, frames: fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 20 }) });
    const stored = fc.record({
      ids: fc.array(bytes32, { maxLength: 10 }),
      // fast-check records have a null prototype; decoded ones are plain objects.
      refused: fc.array(
        fc.record({ id: bytes32, reason: fc.constantFrom('invalid', 'too-large', 'quota', 'rate', 'not-served', 'strict' as const) }).map((r) => ({ ...r })),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(put, stored, (p, s) => {
        const req: SyncRequest = { kind: 'PUT', ...p };
        assert.deepEqual(decodeRequest(encodeRequest(req)), req);
        const res: SyncResponse = { kind: 'STORED', ...s };
        assert.deepEqual(decodeResponse(encodeResponse(res)), res);
      }),
      { numRuns: 300 },
    );
  });
});
