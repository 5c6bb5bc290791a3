/**
 * The durable outbox in IndexedDB: one record per pending object, in enqueue order (an
 * auto-increment key), each holding its own copy of the object so that delete() and evict() never
 * lose it. Functions run inside the caller's transaction, on checked arguments.
 */
import { toHex } from '@parley/protocol';
import type { AckResult, OutboxEntry, StoredObject } from '@parley/store';
import { bytesOfKey, request, walk } from './request.ts';
import { bin, fromRecord, OUTBOX, type OutboxRecord, toRecord } from './schema.ts';

const byId = (tx: IDBTransaction, id: Uint8Array): Promise<OutboxRecord | undefined> =>
  request(tx.objectStore(OUTBOX).index('id').get(bin(id)) as IDBRequest<OutboxRecord | undefined>);

const toEntry = (r: OutboxRecord): OutboxEntry => ({
  object: fromRecord(r.o),
  targets: r.targets,
  acks: r.acks,
  attempts: r.attempts,
  nextAttemptAt: r.next,
  lastAttemptAt: r.last,
});

/** Adds an entry unless one is pending for this id; true if added. */
export const addEntry = async (tx: IDBTransaction, object: StoredObject, targets: string[] | undefined): Promise<boolean> => {
  if ((await byId(tx, object.id)) !== undefined) return false;
  const rec: OutboxRecord = { i: object.id, o: toRecord(object), targets, acks: [], attempts: 0, next: 0, last: undefined };
  await request(tx.objectStore(OUTBOX).add(rec));
  return true;
};

export const pendingEntries = async (tx: IDBTransaction, dueAt: number | undefined, limit: number): Promise<OutboxEntry[]> => {
  const store = tx.objectStore(OUTBOX);
  if (dueAt === undefined) return ((await request(store.getAll(null, limit))) as OutboxRecord[]).map(toEntry);
  const out: OutboxEntry[] = [];
  await walk(store.openCursor(), (c) => {
    const r = c.value as OutboxRecord;
    if (r.next <= dueAt) out.push(toEntry(r));
    return out.length < limit;
  });
  return out;
};

export const recordAttempt = async (tx: IDBTransaction, id: Uint8Array, at: number, retryAt: number): Promise<boolean> => {
  const r = await byId(tx, id);
  if (r === undefined) return false;
  await request(tx.objectStore(OUTBOX).put({ ...r, attempts: r.attempts + 1, last: at, next: retryAt }));
  return true;
};

export const recordAck = async (tx: IDBTransaction, id: Uint8Array, by: string): Promise<AckResult> => {
  const r = await byId(tx, id);
  if (r === undefined) return 'unknown';
  const store = tx.objectStore(OUTBOX);
  if (r.targets === undefined || r.targets.includes(by)) {
    await request(store.delete(r.q as number));
    return 'done';
  }
  if (!r.acks.includes(by)) await request(store.put({ ...r, acks: [...r.acks, by] }));
  return 'recorded';
};

/** Hex ids of every pending entry (eviction must not take them). */
export const pendingIds = async (tx: IDBTransaction): Promise<Set<string>> => {
  const out = new Set<string>();
  await walk(tx.objectStore(OUTBOX).index('id').openKeyCursor(), (c) => {
    out.add(toHex(bytesOfKey(c.key)));
    return undefined;
  });
  return out;
};
