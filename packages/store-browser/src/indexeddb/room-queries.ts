/**
 * Lookups by id and by room over the `objects` store: get / has / the copies to delete, the
 * authority log, objects by type, and what eviction takes. Each runs inside the caller's
 * transaction on checked arguments.
 */
import { compare, type ObjectTypeName, toHex } from '@parley/protocol';
import type { CheckedTypeQuery, StoredObject } from '@parley/store';
import { pendingIds } from './outbox.ts';
import { request, walk } from './request.ts';
import { bin, compound, fromRecord, type KeyPart, OBJECTS, type ObjectRecord, prefixRange, TOP } from './schema.ts';
import { usageOf } from './usage-counters.ts';

/** The object in `room`, or (no room) its copy with the lowest primary key: the bytewise-lowest room. */
export const getRecord = (tx: IDBTransaction, id: Uint8Array, room: Uint8Array | undefined): Promise<ObjectRecord | undefined> => {
  const store = tx.objectStore(OBJECTS);
  return request((room === undefined ? store.index('id').get(bin(id)) : store.get(compound(room, id))) as IDBRequest<ObjectRecord | undefined>);
};

export const holds = async (tx: IDBTransaction, ids: readonly Uint8Array[], room: Uint8Array | undefined): Promise<boolean[]> => {
  const store = tx.objectStore(OBJECTS);
  const keys = await Promise.all(ids.map((id) => request(room === undefined ? store.index('id').getKey(bin(id)) : store.getKey(compound(room, id)))));
  return keys.map((k) => k !== undefined);
};

/** For each id, its copies (in `room` only, if given). */
export const copiesOf = (tx: IDBTransaction, ids: readonly Uint8Array[], room: Uint8Array | undefined): Promise<ObjectRecord[][]> => {
  const store = tx.objectStore(OBJECTS);
  return Promise.all(
    ids.map(async (id) => {
      if (room === undefined) return (await request(store.index('id').getAll(bin(id)))) as ObjectRecord[];
      const r = (await request(store.get(compound(room, id)))) as ObjectRecord | undefined;
      return r === undefined ? [] : [r];
    }),
  );
};

export const authorityLog = async (tx: IDBTransaction, room: Uint8Array): Promise<StoredObject[]> =>
  (
    (await request(
      tx
        .objectStore(OBJECTS)
        .index('authority')
        .getAll(prefixRange([room])),
    )) as ObjectRecord[]
  ).map(fromRecord);

export const objectsByType = async (tx: IDBTransaction, room: Uint8Array, type: ObjectTypeName, q: CheckedTypeQuery): Promise<StoredObject[]> => {
  const [index, prefix]: [string, KeyPart[]] =
    q.account !== undefined
      ? ['typeAccount', [room, type, q.account]]
      : q.channel !== undefined
        ? ['typeChannel', [room, type, q.channel]]
        : ['type', [room, type]];
  const lower = q.afterId === undefined ? compound(...prefix) : compound(...prefix, q.afterId);
  const range = IDBKeyRange.bound(lower, compound(...prefix, TOP), q.afterId !== undefined);
  const source = tx.objectStore(OBJECTS).index(index);
  if (q.account === undefined || q.channel === undefined) return ((await request(source.getAll(range, q.limit))) as ObjectRecord[]).map(fromRecord);
  // Both filters: walk the account's objects of this type and keep the channel's.
  const want = q.channel;
  const out: StoredObject[] = [];
  await walk(source.openCursor(range), (c) => {
    const r = c.value as ObjectRecord;
    if (r.c !== undefined && compare(r.c, want) === 0) out.push(fromRecord(r));
    return out.length < q.limit;
  });
  return out;
};

/**
 * What `evict` takes: the room's oldest objects (by receivedAt, then id) of the given types, never
 * one pending in the outbox, until the room's bytes are at most `maxBytes`. Needs OBJECTS, ROOMS, OUTBOX.
 */
export const oldestEvictable = async (tx: IDBTransaction, room: Uint8Array, maxBytes: number, types: readonly ObjectTypeName[]): Promise<ObjectRecord[]> => {
  let { bytes } = await usageOf(tx, room);
  if (bytes <= maxBytes) return [];
  const pending = await pendingIds(tx);
  const out: ObjectRecord[] = [];
  await walk(
    tx
      .objectStore(OBJECTS)
      .index('received')
      .openCursor(prefixRange([room])),
    (c) => {
      const r = c.value as ObjectRecord;
      if (types.includes(r.t) && !pending.has(toHex(r.i))) {
        out.push(r);
        bytes -= r.b.length;
      }
      return bytes > maxBytes;
    },
  );
  return out;
};
