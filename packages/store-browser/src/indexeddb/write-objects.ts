/**
 * The writes every mutating call shares, inside its transaction: add objects idempotently (within
 * the store's budget), and remove records; both settle the usage counters.
 */
import { toHex } from '@parley/protocol';
import type { StoredObject } from '@parley/store';
import { StoreQuotaError } from '../quota-error.ts';
import { request } from './request.ts';
import { compound, OBJECTS, type ObjectRecord, toRecord } from './schema.ts';
import { type Bookkeeping, UsageDeltas } from './usage-counters.ts';

/**
 * Adds the checked objects not yet held by (room, id); returns how many were new. If the store
 * then holds more than `maxBytes` of frames, throws StoreQuotaError (and the transaction aborts).
 * Needs OBJECTS and ROOMS.
 */
export const addObjects = async (tx: IDBTransaction, method: string, objects: readonly StoredObject[], maxBytes: number | undefined): Promise<number> => {
  const seen = new Set<string>();
  const unique = objects.filter((o) => {
    const k = toHex(o.room) + toHex(o.id);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const store = tx.objectStore(OBJECTS);
  const held = await Promise.all(unique.map((o) => request(store.getKey(compound(o.room, o.id)))));
  const deltas = new UsageDeltas();
  let added = 0;
  unique.forEach((o, i) => {
    if (held[i] !== undefined) return;
    // Not awaited: a failing add aborts the transaction, and transact() reports why.
    store.add(toRecord(o));
    deltas.add(o.room, 1, o.bytes.length);
    added++;
  });
  const total = await deltas.apply(tx);
  if (added > 0 && maxBytes !== undefined && total !== undefined && total.bytes > maxBytes) throw new StoreQuotaError(method, 'budget');
  return added;
};

/** Deletes these records and settles usage; returns the rooms they were in. Needs OBJECTS and ROOMS. */
export const removeRecords = async (tx: IDBTransaction, records: readonly ObjectRecord[], bookkeeping: Bookkeeping): Promise<Uint8Array[]> => {
  const store = tx.objectStore(OBJECTS);
  const deltas = new UsageDeltas();
  for (const r of records) {
    store.delete(compound(r.r, r.i));
    deltas.add(r.r, -1, -r.b.length);
  }
  await deltas.apply(tx, bookkeeping);
  return deltas.rooms();
};
