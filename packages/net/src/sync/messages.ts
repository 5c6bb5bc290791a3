/**
 * The sync protocol's messages (`/parley/sync/1.0.0`), byte for byte in packages/net/README.md:
 *
 *   message = varint(len) | body          len = byte length of body, 1..limit, checked before reading
 *   body    = version(0x01) | cbor        canonical DAG-CBOR map (protocol encodeCbor / decodeCanonicalMap)
 *
 * One request per stream, then zero or more FRAMES messages and one terminal message (END, HAVE or
 * ERROR). Every encoder here has its decoder; decoders throw the protocol core's typed errors naming
 * the field (`sync.r`, `sync.h.<device>`).
 */
import {
  type CborMap,
  type CborValue,
  DecodeError,
  decodeCanonicalMap,
  encodeCbor,
  type HaveVector,
  InvalidFieldError,
  LIMITS,
  LimitError,
} from '@parley/protocol';

export const SYNC_PROTOCOL = '/parley/sync/1.0.0';
export const SYNC_VERSION = 0x01;

/** Request kinds (`k` of a request). */
export const REQUEST = { GET_AUTHORITY: 1, HAVE: 2, GET_RANGE: 3, PUT: 4 } as const;
/** Response kinds (`k` of a response): a separate range, so a misdirected message is caught. */
export const RESPONSE = { FRAMES: 16, HAVE: 17, END: 18, ERROR: 19, STORED: 20 } as const;

/**
 * busy: over the per-peer stream limit, retry later; not-found: room not served (reads);
 * internal: the server's store failed; not-served: this peer stores nothing for that room (PUT);
 * rate: the peer is over its rate limit; quota: the room is over its quota.
 */
export const SYNC_ERROR_CODES = ['busy', 'not-found', 'internal', 'not-served', 'rate', 'quota'] as const;

/** Why a PUT's frame was not stored (STORED `x`). */
export const PUT_REFUSALS = ['invalid', 'too-large', 'quota', 'rate', 'not-served', 'strict'] as const;
export type PutRefusal = (typeof PUT_REFUSALS)[number];
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export interface SyncLimits {
  /** Largest request body; requests are a few ids and numbers. */
  readonly maxRequestBytes: number;
  /** Largest response body (one FRAMES batch); a single frame of LIMITS.maxFrameBytes always fits. */
  readonly maxMessageBytes: number;
  /** Frames in one FRAMES message. */
  readonly maxFramesPerMessage: number;
  /** Seqs one GET_RANGE may span (t - f + 1); clients ask again for more. */
  readonly maxRangeSeqs: number;
  /** Bytes of frames a client accepts in one response before giving up on the peer. */
  readonly maxResponseBytes: number;
  /** Server: time for the request to arrive after the stream opens (THREATS 20: slow clients). */
  readonly requestTimeoutMs: number;
  /** Client: time for the whole response; server: time to write it. */
  readonly responseTimeoutMs: number;
  /** Sync streams served to, or opened towards, one peer at a time. */
  readonly maxConcurrentPerPeer: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxRequestBytes: 256,
  maxMessageBytes: 1024 * 1024,
  maxFramesPerMessage: 256,
  maxRangeSeqs: 1024,
  maxResponseBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 5_000,
  responseTimeoutMs: 30_000,
  maxConcurrentPerPeer: 4,
};

export type SyncRequest =
  | { readonly kind: 'GET_AUTHORITY'; readonly room: Uint8Array }
  | { readonly kind: 'HAVE'; readonly room: Uint8Array; readonly channel: Uint8Array }
  | {
      readonly kind: 'GET_RANGE';
      readonly room: Uint8Array;
      readonly channel: Uint8Array;
      readonly device: Uint8Array;
      readonly fromSeq: number;
      readonly toSeq: number;
    }
  | { readonly kind: 'PUT'; readonly room: Uint8Array; readonly frames: readonly Uint8Array[] };

export type SyncResponse =
  | { readonly kind: 'FRAMES'; readonly frames: readonly Uint8Array[] }
  | { readonly kind: 'HAVE'; readonly have: HaveVector }
  | { readonly kind: 'END'; readonly count: number }
  | { readonly kind: 'ERROR'; readonly code: SyncErrorCode }
  | { readonly kind: 'STORED'; readonly ids: readonly Uint8Array[]; readonly refused: readonly { readonly id: Uint8Array; readonly reason: PutRefusal }[] };

// ---- field readers (the protocol core keeps its own private; these name `sync.*` fields) ----

const F = 'sync';

const req = (m: CborMap, k: string): CborValue => {
  if (!Object.hasOwn(m, k)) throw new InvalidFieldError(`${F}.${k}`, 'missing');
  return m[k] as CborValue;
};

const only = (m: CborMap, keys: readonly string[]): void => {
  for (const k of Object.keys(m)) if (!keys.includes(k)) throw new InvalidFieldError(`${F}.${k}`, 'unknown field');
};

const idOf =
  (len: number) =>
  (m: CborMap, k: string): Uint8Array => {
    const v = req(m, k);
    if (!(v instanceof Uint8Array) || v.length !== len) throw new InvalidFieldError(`${F}.${k}`, `expected ${len} bytes`);
    return v;
  };
const id32 = idOf(32);
/** Channel ids are 16 bytes (protocol CREATE_CHANNEL). */
const id16 = idOf(16);

const uint = (v: CborValue, field: string, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new InvalidFieldError(field, `expected an integer ${min}..${max}`);
  return v;
};

const seq = (m: CborMap, k: string): number => uint(req(m, k), `${F}.${k}`, 1, LIMITS.maxCounter);

// ---- framing of one body ----

const wrap = (map: CborMap): Uint8Array => {
  const cbor = encodeCbor(map);
  const out = new Uint8Array(cbor.length + 1);
  out[0] = SYNC_VERSION;
  out.set(cbor, 1);
  return out;
};

const unwrap = (body: Uint8Array, max: number): CborMap => {
  if (body.length > max) throw new LimitError(`${F}.length`, max, body.length);
  if (body.length < 2) throw new DecodeError(`${F}.body`, 'too short');
  if (body[0] !== SYNC_VERSION) throw new DecodeError(`${F}.version`, `unsupported version ${body[0]}`);
  return decodeCanonicalMap(body.subarray(1), F);
};

// ---- requests ----

export const encodeRequest = (r: SyncRequest): Uint8Array => {
  switch (r.kind) {
    case 'GET_AUTHORITY':
      return wrap({ k: REQUEST.GET_AUTHORITY, r: r.room });
    case 'HAVE':
      return wrap({ k: REQUEST.HAVE, r: r.room, c: r.channel });
    case 'GET_RANGE':
      return wrap({ k: REQUEST.GET_RANGE, r: r.room, c: r.channel, d: r.device, f: r.fromSeq, t: r.toSeq });
    case 'PUT':
      return wrap({ k: REQUEST.PUT, r: r.room, f: [...r.frames] });
  }
};

/** A list of 1..max frames, each a byte string of at most LIMITS.maxFrameBytes. */
const frameList = (m: CborMap, max: number): Uint8Array[] => {
  const f = req(m, 'f');
  if (!Array.isArray(f)) throw new InvalidFieldError(`${F}.f`, 'expected an array');
  if (f.length === 0) throw new InvalidFieldError(`${F}.f`, 'empty batch');
  if (f.length > max) throw new LimitError(`${F}.f`, max, f.length);
  return f.map((x, i) => {
    if (!(x instanceof Uint8Array)) throw new InvalidFieldError(`${F}.f[${i}]`, 'expected bytes');
    if (x.length > LIMITS.maxFrameBytes) throw new LimitError(`${F}.f[${i}]`, LIMITS.maxFrameBytes, x.length);
    return x;
  });
};

/**
 * Decodes a request. Only a PUT may be larger than maxRequestBytes (up to maxMessageBytes): the
 * reader allows the larger size when it serves PUTs, and the size is checked again by kind here.
 */
export const decodeRequest = (
  body: Uint8Array,
  limits: Pick<SyncLimits, 'maxRequestBytes' | 'maxRangeSeqs' | 'maxMessageBytes' | 'maxFramesPerMessage'> = DEFAULT_SYNC_LIMITS,
): SyncRequest => {
  const m = unwrap(body, Math.max(limits.maxRequestBytes, limits.maxMessageBytes));
  const k = req(m, 'k');
  if (k === REQUEST.PUT) {
    only(m, ['k', 'r', 'f']);
    return { kind: 'PUT', room: id32(m, 'r'), frames: frameList(m, limits.maxFramesPerMessage) };
  }
  if (body.length > limits.maxRequestBytes) throw new LimitError(`${F}.length`, limits.maxRequestBytes, body.length);
  if (k === REQUEST.GET_AUTHORITY) {
    only(m, ['k', 'r']);
    return { kind: 'GET_AUTHORITY', room: id32(m, 'r') };
  }
  if (k === REQUEST.HAVE) {
    only(m, ['k', 'r', 'c']);
    return { kind: 'HAVE', room: id32(m, 'r'), channel: id16(m, 'c') };
  }
  if (k === REQUEST.GET_RANGE) {
    only(m, ['k', 'r', 'c', 'd', 'f', 't']);
    const fromSeq = seq(m, 'f');
    const toSeq = seq(m, 't');
    if (toSeq < fromSeq) throw new InvalidFieldError(`${F}.t`, 'toSeq is below fromSeq');
    if (toSeq - fromSeq + 1 > limits.maxRangeSeqs) throw new LimitError(`${F}.t`, limits.maxRangeSeqs, toSeq - fromSeq + 1);
    return { kind: 'GET_RANGE', room: id32(m, 'r'), channel: id16(m, 'c'), device: id32(m, 'd'), fromSeq, toSeq };
  }
  throw new InvalidFieldError(`${F}.k`, 'unknown request kind');
};

// ---- responses ----

export const encodeResponse = (r: SyncResponse): Uint8Array => {
  switch (r.kind) {
    case 'FRAMES':
      return wrap({ k: RESPONSE.FRAMES, f: [...r.frames] });
    case 'HAVE':
      return wrap({ k: RESPONSE.HAVE, h: { ...r.have } });
    case 'END':
      return wrap({ k: RESPONSE.END, n: r.count });
    case 'ERROR':
      return wrap({ k: RESPONSE.ERROR, e: r.code });
    case 'STORED':
      return wrap({ k: RESPONSE.STORED, i: [...r.ids], x: r.refused.map((x) => ({ i: x.id, e: x.reason })) });
  }
};

const DEVICE_HEX = /^[0-9a-f]{64}$/;

const readHave = (v: CborValue): HaveVector => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(`${F}.h`, 'expected a map');
  const out: HaveVector = {};
  for (const [d, n] of Object.entries(v)) {
    if (!DEVICE_HEX.test(d)) throw new InvalidFieldError(`${F}.h`, 'keys are 64 lowercase hex digits');
    out[d] = uint(n, `${F}.h.${d}`, 1, LIMITS.maxCounter);
  }
  return out;
};

export const decodeResponse = (body: Uint8Array, limits: Pick<SyncLimits, 'maxMessageBytes' | 'maxFramesPerMessage'> = DEFAULT_SYNC_LIMITS): SyncResponse => {
  const m = unwrap(body, limits.maxMessageBytes);
  const k = req(m, 'k');
  if (k === RESPONSE.FRAMES) {
    only(m, ['k', 'f']);
    return { kind: 'FRAMES', frames: frameList(m, limits.maxFramesPerMessage) };
  }
  if (k === RESPONSE.HAVE) {
    only(m, ['k', 'h']);
    return { kind: 'HAVE', have: readHave(req(m, 'h')) };
  }
  if (k === RESPONSE.END) {
    only(m, ['k', 'n']);
    return { kind: 'END', count: uint(req(m, 'n'), `${F}.n`, 0, LIMITS.maxCounter) };
  }
  if (k === RESPONSE.ERROR) {
    only(m, ['k', 'e']);
    const e = req(m, 'e');
    if (typeof e !== 'string' || !(SYNC_ERROR_CODES as readonly string[]).includes(e)) throw new InvalidFieldError(`${F}.e`, 'unknown error code');
    return { kind: 'ERROR', code: e as SyncErrorCode };
  }
  if (k === RESPONSE.STORED) {
    only(m, ['k', 'i', 'x']);
    const i = req(m, 'i');
    const x = req(m, 'x');
    if (!Array.isArray(i) || i.length > limits.maxFramesPerMessage) throw new InvalidFieldError(`${F}.i`, `expected at most ${limits.maxFramesPerMessage} ids`);
    if (!Array.isArray(x) || x.length > limits.maxFramesPerMessage)
      throw new InvalidFieldError(`${F}.x`, `expected at most ${limits.maxFramesPerMessage} refusals`);
    const ids = i.map((v, n) => {
      if (!(v instanceof Uint8Array) || v.length !== 32) throw new InvalidFieldError(`${F}.i[${n}]`, 'expected 32 bytes');
      return v;
    });
    const refused = x.map((v, n) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(`${F}.x[${n}]`, 'expected a map');
      only(v, ['i', 'e']);
      const id = v.i;
      const e = v.e;
      if (!(id instanceof Uint8Array) || id.length !== 32) throw new InvalidFieldError(`${F}.x[${n}].i`, 'expected 32 bytes');
      if (typeof e !== 'string' || !(PUT_REFUSALS as readonly string[]).includes(e)) throw new InvalidFieldError(`${F}.x[${n}].e`, 'unknown refusal');
      return { id, reason: e as PutRefusal };
    });
    return { kind: 'STORED', ids, refused };
  }
  throw new InvalidFieldError(`${F}.k`, 'unknown response kind');
};

/**
 * Splits frames into FRAMES batches of at most maxFramesPerMessage frames and maxMessageBytes of
 * body. 16 bytes per frame cover the CBOR headers (byte-string head <= 5, array head <= 9, map <= 6).
 */
export const batchFrames = async function* (
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  limits: Pick<SyncLimits, 'maxMessageBytes' | 'maxFramesPerMessage'> = DEFAULT_SYNC_LIMITS,
): AsyncGenerator<Uint8Array[]> {
  let batch: Uint8Array[] = [];
  let size = 16;
  for await (const f of frames) {
    if (f.length > LIMITS.maxFrameBytes) throw new LimitError('frame', LIMITS.maxFrameBytes, f.length);
    if (batch.length > 0 && (batch.length >= limits.maxFramesPerMessage || size + f.length + 16 > limits.maxMessageBytes)) {
      yield batch;
      batch = [];
      size = 16;
    }
    batch.push(f);
    size += f.length + 16;
  }
  if (batch.length > 0) yield batch;
};
