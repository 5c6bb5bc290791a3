/**
 * Usage counters: { count, bytes } per room, and one for the whole store (the budget), kept in
 * step by every write. A missing counter means "unknown": whoever needs it next recounts it from
 * the `received` index keys ([room, receivedAt, id, size]), which needs no frame to be read. A
 * removal that meets the browser's quota drops counters instead of writing them (see `Bookkeeping`).
 */
import { toHex } from '@parley/protocol';
import type { Usage } from '@parley/store';
import { request, walk } from './request.ts';
import { bin, OBJECTS, prefixRange, ROOMS, type RoomRecord } from './schema.ts';

/** The key of the whole-store counter in ROOMS (room keys are binary, so a string cannot collide). */
export const TOTAL = 'total' as const;

/** A room id, or TOTAL. */
export type CounterKey = Uint8Array | typeof TOTAL;

const idbKey = (k: CounterKey): IDBValidKey => (k === TOTAL ? k : bin(k));

const recount = async (tx: IDBTransaction, key: CounterKey): Promise<Usage> => {
  let count = 0;
  let bytes = 0;
  const range = key === TOTAL ? null : prefixRange([key]);
  await walk(tx.objectStore(OBJECTS).index('received').openKeyCursor(range), (c) => {
    count++;
    bytes += (c.key as [unknown, unknown, unknown, number])[3];
    return undefined;
  });
  return { count, bytes };
};

/** A counter's value, recounted if it was dropped. Needs OBJECTS and ROOMS. */
export const usageOf = async (tx: IDBTransaction, key: CounterKey): Promise<Usage> =>
  ((await request(tx.objectStore(ROOMS).get(idbKey(key)))) as RoomRecord | undefined) ?? recount(tx, key);

const store = (tx: IDBTransaction, key: CounterKey, u: Usage): void => {
  const rooms = tx.objectStore(ROOMS);
  if (u.count === 0) rooms.delete(idbKey(key));
  else rooms.put({ count: u.count, bytes: u.bytes } satisfies RoomRecord, idbKey(key));
};

/**
 * How a transaction settles usage: 'update' writes the new counters; 'drop' deletes them, so the
 * transaction only deletes, which a browser over its quota still lets through.
 */
export type Bookkeeping = 'update' | 'drop';

interface Delta {
  readonly key: CounterKey;
  count: number;
  bytes: number;
}

/** Changes to usage, applied once at the end of a transaction, after its writes. */
export class UsageDeltas {
  readonly #byKey = new Map<string, Delta>();

  add(room: Uint8Array, count: number, bytes: number): void {
    for (const key of [room, TOTAL] as const) {
      const k = key === TOTAL ? TOTAL : toHex(key);
      let d = this.#byKey.get(k);
      if (d === undefined) this.#byKey.set(k, (d = { key, count: 0, bytes: 0 }));
      d.count += count;
      d.bytes += bytes;
    }
  }

  /** The rooms (not TOTAL) whose usage changes. */
  rooms(): Uint8Array[] {
    return [...this.#byKey.values()].flatMap((d) => (d.key === TOTAL || (d.count === 0 && d.bytes === 0) ? [] : [d.key]));
  }

  /** Settles the counters; returns the store's total usage afterwards ('update' only). */
  async apply(tx: IDBTransaction, bookkeeping: Bookkeeping = 'update'): Promise<Usage | undefined> {
    const deltas = [...this.#byKey.values()].filter((d) => d.count !== 0 || d.bytes !== 0);
    if (bookkeeping === 'drop') {
      for (const d of deltas) tx.objectStore(ROOMS).delete(idbKey(d.key));
      return undefined;
    }
    // A dropped counter is recounted here, after this transaction's own writes: no delta is added to it.
    const now = await Promise.all(
      deltas.map(async (d) => {
        const was = (await request(tx.objectStore(ROOMS).get(idbKey(d.key)))) as RoomRecord | undefined;
        return was === undefined ? recount(tx, d.key) : { count: was.count + d.count, bytes: was.bytes + d.bytes };
      }),
    );
    deltas.forEach((d, i) => {
      store(tx, d.key, now[i] as Usage);
    });
    return deltas.length === 0 ? usageOf(tx, TOTAL) : (now[deltas.findIndex((d) => d.key === TOTAL)] as Usage);
  }
}

/** Recounts and stores the counters these rooms and the total lack (after a 'drop'). Needs OBJECTS and ROOMS. */
export const restoreCounters = async (tx: IDBTransaction, rooms: readonly Uint8Array[]): Promise<void> => {
  for (const key of [...rooms, TOTAL] as CounterKey[]) {
    if ((await request(tx.objectStore(ROOMS).getKey(idbKey(key)))) === undefined) store(tx, key, await recount(tx, key));
  }
};
