/**
 * The IndexedDB layout of the object store. IndexedDB compares binary keys bytewise and arrays
 * element by element, so compound indexes give exactly the orders the store promises:
 *
 *   objects   key [room, id]; one record per (room, id), frame bytes plus metadata
 *     id         id                        get / has / delete without a room (lowest room first)
 *     history    [room, hc, lamport, id]   a channel's ENVELOPEs by (lamport, id): range, fingerprint, split
 *     seq        [room, hc, device, seq, id]  have-vectors and bySeq
 *     type       [room, type, id]          byType
 *     typeAccount [room, type, account, id], typeChannel [room, type, channel, id]
 *     authority  [room, al, id]            the authority log by (lamport, id)
 *     received   [room, receivedAt, id, size]  eviction, oldest first; usage recounts
 *   rooms     key room; { count, bytes }, kept in step by every write (usage without a scan). A
 *             missing record means "unknown": the next reader recounts from the `received` keys.
 *   outbox    key q (auto-increment: enqueue order); index id (unique)
 *
 * A browser over its quota refuses every transaction that writes anything, even a counter, but
 * still runs transactions that only delete; so a delete or eviction that meets the quota drops the
 * room's counter instead of updating it (see UsageDeltas), and usage is recounted when next needed.
 *
 * `hc` (channel) and `al` (lamport) are set only on ENVELOPEs and AUTHORITY_ENTRYs respectively: a
 * record whose key path is missing is left out of an index, so those indexes hold only their type.
 */
import type { ObjectTypeName } from '@parley/protocol';
import type { StoredObject } from '@parley/store';

export const SCHEMA_VERSION = 1;
export const OBJECTS = 'objects';
export const ROOMS = 'rooms';
export const OUTBOX = 'outbox';

export interface ObjectRecord {
  readonly r: Uint8Array;
  readonly i: Uint8Array;
  readonly t: ObjectTypeName;
  readonly c?: Uint8Array;
  readonly d?: Uint8Array;
  readonly s?: number;
  readonly l?: number;
  readonly a?: Uint8Array;
  readonly b: Uint8Array;
  readonly at: number;
  /** The frame's size in bytes, in the `received` index key so usage can be recounted from keys alone. */
  readonly z: number;
  /** The channel, on ENVELOPEs only. */
  readonly hc?: Uint8Array;
  /** The lamport clock, on AUTHORITY_ENTRYs only. */
  readonly al?: number;
}

export interface RoomRecord {
  readonly count: number;
  readonly bytes: number;
}

export interface OutboxRecord {
  readonly q?: number;
  readonly i: Uint8Array;
  readonly o: ObjectRecord;
  readonly targets: string[] | undefined;
  readonly acks: string[];
  readonly attempts: number;
  readonly next: number;
  readonly last: number | undefined;
}

/** A part of an IndexedDB key. */
export type KeyPart = Uint8Array | number | string | IDBValidKey;

/**
 * IndexedDB takes any Uint8Array as a binary key (compared bytewise); the DOM typings accept only
 * views over an ArrayBuffer. Everything keyed here is a checked plain copy or a caller's id.
 */
export const bin = (b: Uint8Array): IDBValidKey => b as Uint8Array<ArrayBuffer>;

/** A compound key. */
export const compound = (...parts: readonly KeyPart[]): IDBValidKey[] => parts as IDBValidKey[];

/** An upper bound above every array key that extends a prefix (arrays sort after every other key type). */
export const TOP: IDBValidKey = [];

/** Every key of an index that starts with `prefix`. */
export const prefixRange = (prefix: readonly KeyPart[]): IDBKeyRange => IDBKeyRange.bound(compound(...prefix), compound(...prefix, TOP));

/** A record for a checked object (fresh plain byte arrays; absent fields omitted). */
export const toRecord = (o: StoredObject): ObjectRecord => {
  const rec: { -readonly [K in keyof ObjectRecord]: ObjectRecord[K] } = { r: o.room, i: o.id, t: o.type, b: o.bytes, at: o.receivedAt, z: o.bytes.length };
  if (o.channel !== undefined) rec.c = o.channel;
  if (o.device !== undefined) rec.d = o.device;
  if (o.seq !== undefined) rec.s = o.seq;
  if (o.lamport !== undefined) rec.l = o.lamport;
  if (o.account !== undefined) rec.a = o.account;
  if (o.type === 'ENVELOPE') rec.hc = o.channel;
  if (o.type === 'AUTHORITY_ENTRY') rec.al = o.lamport;
  return rec;
};

export const fromRecord = (r: ObjectRecord): StoredObject => {
  const o: { -readonly [K in keyof StoredObject]: StoredObject[K] } = { id: r.i, type: r.t, room: r.r, bytes: r.b, receivedAt: r.at };
  if (r.c !== undefined) o.channel = r.c;
  if (r.d !== undefined) o.device = r.d;
  if (r.s !== undefined) o.seq = r.s;
  if (r.l !== undefined) o.lamport = r.l;
  if (r.a !== undefined) o.account = r.a;
  return o;
};

const upgrade = (db: IDBDatabase): void => {
  const objects = db.createObjectStore(OBJECTS, { keyPath: ['r', 'i'] });
  objects.createIndex('id', 'i');
  objects.createIndex('history', ['r', 'hc', 'l', 'i']);
  objects.createIndex('seq', ['r', 'hc', 'd', 's', 'i']);
  objects.createIndex('type', ['r', 't', 'i']);
  objects.createIndex('typeAccount', ['r', 't', 'a', 'i']);
  objects.createIndex('typeChannel', ['r', 't', 'c', 'i']);
  objects.createIndex('authority', ['r', 'al', 'i']);
  objects.createIndex('received', ['r', 'at', 'i', 'z']);
  db.createObjectStore(ROOMS);
  const outbox = db.createObjectStore(OUTBOX, { keyPath: 'q', autoIncrement: true });
  outbox.createIndex('id', 'i', { unique: true });
};

/** Opens (creating or upgrading) the database `name`. */
export const openDatabase = (factory: IDBFactory, name: string): Promise<IDBDatabase> =>
  new Promise((resolve, reject) => {
    const r = factory.open(name, SCHEMA_VERSION);
    r.onupgradeneeded = (ev) => {
      if (ev.oldVersion < 1) upgrade(r.result);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error(`IndexedDB ${name}: the upgrade is blocked by another tab holding an older version open`));
  });
