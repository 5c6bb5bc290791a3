/**
 * What the store keeps of one verified object: its frame bytes and the metadata its queries index.
 * The caller has already run decode -> validate -> authorize; the store only checks that the
 * metadata is well formed and agrees with the frame header, so every adapter indexes the same thing.
 */
import { CHANNEL_ID_BYTES, FRAME_VERSION, LIMITS, OBJECT_TYPES, type ObjectTypeName } from '@parley/protocol';
import { checkBytes, checkCounter, OBJECT_ID_BYTES } from './cursor.ts';
import { InvalidArgumentError } from './errors.ts';

export const ROOM_ID_BYTES = 32;
export const KEY_BYTES = 32;

export interface StoredObject {
  /** SHA-256 of `bytes` (32). */
  readonly id: Uint8Array;
  readonly type: ObjectTypeName;
  /** The room the object belongs to (32). Room-less objects (PROFILE, DEVICE_CERT) are stored per room that uses them. */
  readonly room: Uint8Array;
  /** Channel id (16): ENVELOPE (required), EPOCH_BUNDLE. */
  readonly channel?: Uint8Array | undefined;
  /** The signing device key (32). Required for ENVELOPE and AUTHORITY_ENTRY. */
  readonly device?: Uint8Array | undefined;
  /** The signer's sequence number (>= 1 for ENVELOPE). Required for ENVELOPE and AUTHORITY_ENTRY. */
  readonly seq?: number | undefined;
  /** Lamport clock. Required for ENVELOPE and AUTHORITY_ENTRY. */
  readonly lamport?: number | undefined;
  /** The author's account key (32). */
  readonly account?: Uint8Array | undefined;
  /** The whole signed frame. */
  readonly bytes: Uint8Array;
  /** When this store received the object (ms since the epoch), passed in by the caller. */
  readonly receivedAt: number;
}

export const OBJECT_TYPE_NAMES = Object.keys(OBJECT_TYPES) as ObjectTypeName[];

const REQUIRED: Partial<Record<ObjectTypeName, readonly (keyof StoredObject)[]>> = {
  ENVELOPE: ['channel', 'device', 'seq', 'lamport'],
  AUTHORITY_ENTRY: ['device', 'seq', 'lamport'],
};

export const isObjectType = (t: unknown): t is ObjectTypeName => typeof t === 'string' && Object.hasOwn(OBJECT_TYPES, t);

/** A copy of `b` as a plain Uint8Array (not a Buffer, not a view into a larger buffer). */
export const plainBytes = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
};

/**
 * Copies of several byte fields in one allocation: each is a plain Uint8Array view of its own
 * bytes (one ArrayBuffer per object instead of one per field: allocation dominated bulk puts).
 */
const copyAll = (fields: readonly (Uint8Array | undefined)[]): (Uint8Array | undefined)[] => {
  let n = 0;
  for (const f of fields) if (f !== undefined) n += f.length;
  const buf = new Uint8Array(n);
  let at = 0;
  return fields.map((f) => {
    if (f === undefined) return undefined;
    buf.set(f, at);
    at += f.length;
    return buf.subarray(at - f.length, at);
  });
};

/**
 * Checks one object's metadata and returns a normalised copy: optional fields that are absent are
 * omitted, byte fields are fresh plain Uint8Arrays. Throws InvalidArgumentError naming the field.
 */
export const checkObject = (o: StoredObject, field = 'object'): StoredObject => {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(field, 'expected an object');
  if (!isObjectType(o.type)) throw new InvalidArgumentError(`${field}.type`, `unknown object type ${String(o.type)}`);
  const id = checkBytes(o.id, `${field}.id`, OBJECT_ID_BYTES);
  const room = checkBytes(o.room, `${field}.room`, ROOM_ID_BYTES);
  const bytes = o.bytes;
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`${field}.bytes`, 'expected a Uint8Array');
  if (bytes.length < 2 || bytes.length > LIMITS.maxFrameBytes) throw new InvalidArgumentError(`${field}.bytes`, `frame size ${bytes.length} out of range`);
  if (bytes[0] !== FRAME_VERSION || bytes[1] !== OBJECT_TYPES[o.type])
    throw new InvalidArgumentError(`${field}.bytes`, `frame header does not match type ${o.type}`);
  for (const k of REQUIRED[o.type] ?? []) if (o[k] === undefined) throw new InvalidArgumentError(`${field}.${k}`, `required for ${o.type}`);
  const channel = o.channel === undefined ? undefined : checkBytes(o.channel, `${field}.channel`, CHANNEL_ID_BYTES);
  const device = o.device === undefined ? undefined : checkBytes(o.device, `${field}.device`, KEY_BYTES);
  const account = o.account === undefined ? undefined : checkBytes(o.account, `${field}.account`, KEY_BYTES);
  const [cid, croom, cbytes, cchannel, cdevice, caccount] = copyAll([id, room, bytes, channel, device, account]);
  const out: { -readonly [K in keyof StoredObject]: StoredObject[K] } = {
    id: cid as Uint8Array,
    type: o.type,
    room: croom as Uint8Array,
    bytes: cbytes as Uint8Array,
    receivedAt: checkCounter(o.receivedAt, `${field}.receivedAt`),
  };
  if (cchannel !== undefined) out.channel = cchannel;
  if (cdevice !== undefined) out.device = cdevice;
  if (caccount !== undefined) out.account = caccount;
  if (o.seq !== undefined) out.seq = checkCounter(o.seq, `${field}.seq`, o.type === 'ENVELOPE' ? 1 : 0);
  if (o.lamport !== undefined) out.lamport = checkCounter(o.lamport, `${field}.lamport`);
  return out;
};

/** checkObject over a batch, with the batch size bounded first. */
export const checkObjects = (objects: readonly StoredObject[], max: number, field = 'objects'): StoredObject[] => {
  if (!Array.isArray(objects)) throw new InvalidArgumentError(field, 'expected an array');
  if (objects.length > max) throw new InvalidArgumentError(field, `${objects.length} objects exceed the batch limit ${max}`);
  return objects.map((o, i) => checkObject(o, `${field}[${i}]`));
};

/** A deep copy of an already checked object, so callers can never reach into a store's own arrays. */
export const copyObject = (o: StoredObject): StoredObject => {
  const [cid, croom, cbytes, cchannel, cdevice, caccount] = copyAll([o.id, o.room, o.bytes, o.channel, o.device, o.account]);
  const out: { -readonly [K in keyof StoredObject]: StoredObject[K] } = {
    id: cid as Uint8Array,
    type: o.type,
    room: croom as Uint8Array,
    bytes: cbytes as Uint8Array,
    receivedAt: o.receivedAt,
  };
  if (cchannel !== undefined) out.channel = cchannel;
  if (cdevice !== undefined) out.device = cdevice;
  if (caccount !== undefined) out.account = caccount;
  if (o.seq !== undefined) out.seq = o.seq;
  if (o.lamport !== undefined) out.lamport = o.lamport;
  return out;
};
