/**
 * A channel's history over the `history` and `seq` indexes: paging, have-vectors, seq spans and
 * the store side of range-based set reconciliation. Each function runs inside a read transaction
 * and takes arguments already checked.
 */
import { type HaveVector, toHex } from '@parley/protocol';
import {
  type Bounds,
  type CheckedRange,
  type Cursor,
  compareCursors,
  EMPTY_FINGERPRINT,
  type Fingerprint,
  fingerprintOf,
  type RangeSummary,
  type StoredObject,
  splitStarts,
} from '@parley/store';
import { bytesOfKey, request, walk } from './request.ts';
import { compound, fromRecord, OBJECTS, type ObjectRecord, prefixRange, TOP } from './schema.ts';

const key = (room: Uint8Array, channel: Uint8Array, c: Cursor): IDBValidKey[] => compound(room, channel, c.lamport, c.id);

/** The history index range strictly after `after` / before `before` (exclusive), or undefined if empty. */
const openRange = (room: Uint8Array, channel: Uint8Array, after: Cursor | undefined, before: Cursor | undefined): IDBKeyRange | undefined => {
  if (after !== undefined && before !== undefined && compareCursors(after, before) >= 0) return undefined;
  return IDBKeyRange.bound(
    after === undefined ? compound(room, channel) : key(room, channel, after),
    before === undefined ? compound(room, channel, TOP) : key(room, channel, before),
    after !== undefined,
    before !== undefined,
  );
};

/** The history index range of [lower, upper), or undefined if empty. */
const halfOpen = (room: Uint8Array, channel: Uint8Array, b: Bounds): IDBKeyRange | undefined => {
  if (b.lower !== undefined && b.upper !== undefined && compareCursors(b.lower, b.upper) >= 0) return undefined;
  return IDBKeyRange.bound(
    b.lower === undefined ? compound(room, channel) : key(room, channel, b.lower),
    b.upper === undefined ? compound(room, channel, TOP) : key(room, channel, b.upper),
    false,
    b.upper !== undefined,
  );
};

const history = (tx: IDBTransaction): IDBIndex => tx.objectStore(OBJECTS).index('history');

export const rangePage = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array, q: CheckedRange): Promise<StoredObject[]> => {
  const range = openRange(room, channel, q.after, q.before);
  if (range === undefined) return [];
  if (q.order === 'asc') return ((await request(history(tx).getAll(range, q.limit))) as ObjectRecord[]).map(fromRecord);
  const out: StoredObject[] = [];
  await walk(history(tx).openCursor(range, 'prev'), (c) => {
    out.push(fromRecord(c.value as ObjectRecord));
    return out.length < q.limit;
  });
  return out;
};

export const haveVector = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array): Promise<HaveVector> => {
  const out: HaveVector = {};
  let device: string | undefined;
  let n = 0;
  // Keys come ordered by (device, seq, id); a gap ends a device, so jump to the next one.
  await walk(
    tx
      .objectStore(OBJECTS)
      .index('seq')
      .openKeyCursor(prefixRange([room, channel])),
    (c) => {
      const [, , d, seq] = c.key as [unknown, unknown, ArrayBuffer, number];
      const hex = toHex(bytesOfKey(d));
      if (hex !== device) [device, n] = [hex, 0];
      if (seq === n + 1) n = seq;
      if (n > 0) out[hex] = n;
      return seq > n ? compound(room, channel, d, TOP) : undefined;
    },
  );
  return out;
};

export const bySeq = async (
  tx: IDBTransaction,
  room: Uint8Array,
  channel: Uint8Array,
  device: Uint8Array,
  from: number,
  to: number,
): Promise<StoredObject[]> => {
  if (from > to) return [];
  const range = IDBKeyRange.bound(compound(room, channel, device, from), compound(room, channel, device, to, TOP));
  return ((await request(tx.objectStore(OBJECTS).index('seq').getAll(range))) as ObjectRecord[]).map(fromRecord);
};

/** The ids of [lower, upper), in (lamport, id) order: primary keys are [room, id]. */
const idsIn = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array, b: Bounds): Promise<Uint8Array[]> => {
  const range = halfOpen(room, channel, b);
  if (range === undefined) return [];
  const keys = (await request(history(tx).getAllKeys(range))) as [ArrayBuffer, ArrayBuffer][];
  return keys.map((k) => bytesOfKey(k[1]));
};

export const fingerprint = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array, b: Bounds): Promise<Fingerprint> => {
  const ids = await idsIn(tx, room, channel, b);
  return ids.length === 0 ? EMPTY_FINGERPRINT : fingerprintOf(ids);
};

export const split = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array, b: Bounds, parts: number): Promise<RangeSummary[]> => {
  const ids = await idsIn(tx, room, channel, b);
  const starts = splitStarts(ids.length, parts);
  if (starts.length === 0) return [{ lower: b.lower, upper: b.upper, ...EMPTY_FINGERPRINT }];
  // Each inner boundary is the cursor of a part's first object: fetch its lamport.
  const store = tx.objectStore(OBJECTS);
  const firsts = await Promise.all(starts.slice(1).map((s) => request(store.get(compound(room, ids[s] as Uint8Array)) as IDBRequest<ObjectRecord>)));
  const cursorAt = (i: number): Cursor => {
    const r = firsts[i - 1] as ObjectRecord;
    return { lamport: r.l as number, id: r.i };
  };
  return starts.map((s, i) => {
    const next = starts[i + 1];
    return {
      lower: i === 0 ? b.lower : cursorAt(i),
      upper: next === undefined ? b.upper : cursorAt(i + 1),
      ...fingerprintOf(ids.slice(s, next)),
    };
  });
};

export const rangeIds = async (tx: IDBTransaction, room: Uint8Array, channel: Uint8Array, b: Bounds, limit: number): Promise<Cursor[]> => {
  const range = halfOpen(room, channel, b);
  if (range === undefined) return [];
  const keys: Cursor[] = [];
  await walk(history(tx).openKeyCursor(range), (c) => {
    const [, , lamport, id] = c.key as [unknown, unknown, number, ArrayBuffer];
    keys.push({ lamport, id: bytesOfKey(id) });
    return keys.length < limit;
  });
  return keys;
};
