/**
 * ObjectStore over IndexedDB: what a browser peer keeps across reloads. Every call checks its
 * arguments (the shared checks of @parley/store) before opening a transaction, and every call is
 * one transaction, so a batch is written entirely or not at all. When the origin's storage quota
 * is exhausted the call rejects with StoreQuotaError and nothing of it is written.
 */
import { type HaveVector, type ObjectTypeName, toHex } from '@parley/protocol';
import {
  type AckResult,
  type Bounds,
  type Cursor,
  checkAttempt,
  checkBy,
  checkChannel,
  checkCounter,
  checkEvictOptions,
  checkId,
  checkIds,
  checkKey,
  checkLimit,
  checkObject,
  checkObjects,
  checkOptRoom,
  checkParts,
  checkPendingQuery,
  checkRangeBounds,
  checkRangeQuery,
  checkRoom,
  checkSeqRange,
  checkTargets,
  checkType,
  checkTypeQuery,
  type EvictOptions,
  type Fingerprint,
  InvalidArgumentError,
  type ObjectStore,
  type OutboxEntry,
  type PendingQuery,
  type RangeQuery,
  type RangeSummary,
  STORE_LIMITS,
  StoreClosedError,
  type StoredObject,
  type TypeQuery,
  type Usage,
} from '@parley/store';
import { StoreQuotaError } from '../quota-error.ts';
import * as channel from './channel-queries.ts';
import { addEntry, pendingEntries, recordAck, recordAttempt } from './outbox.ts';
import { type TransactOptions, transact } from './request.ts';
import { authorityLog, copiesOf, getRecord, holds, objectsByType, oldestEvictable } from './room-queries.ts';
import { fromRecord, OBJECTS, OUTBOX, openDatabase, ROOMS } from './schema.ts';
import { type Bookkeeping, restoreCounters, TOTAL, usageOf } from './usage-counters.ts';
import { addObjects, removeRecords } from './write-objects.ts';

export interface IndexedDbStoreOptions {
  /** The database name; one store per name (e.g. one per account on a shared browser). */
  readonly name: string;
  /**
   * A budget for the frame bytes held, all rooms together: a put or enqueue that would go over it
   * rejects with StoreQuotaError (reason 'budget') and writes nothing. Set it well below the
   * browser's quota (navigator.storage.estimate()): indexes and keys take about 1 KiB per object
   * on top of its frame, and a browser over its quota refuses every write, even a counter.
   */
  readonly maxBytes?: number | undefined;
  /** The IndexedDB factory (default: globalThis.indexedDB). */
  readonly indexedDB?: IDBFactory;
}

export class IndexedDbStore implements ObjectStore {
  readonly #db: IDBDatabase;
  readonly #maxBytes: number | undefined;
  #closed = false;

  private constructor(db: IDBDatabase, maxBytes: number | undefined) {
    this.#db = db;
    this.#maxBytes = maxBytes;
    // Another tab upgrading the schema: let it, and fail our later calls rather than block it.
    db.onversionchange = () => {
      this.#closed = true;
      db.close();
    };
    db.onclose = () => {
      this.#closed = true;
    };
  }

  /** Opens (creating if needed) the store named `options.name`. */
  static async open(options: IndexedDbStoreOptions): Promise<IndexedDbStore> {
    if (typeof options?.name !== 'string' || options.name.length === 0) throw new InvalidArgumentError('options.name', 'expected a non-empty string');
    if (options.maxBytes !== undefined) checkCounter(options.maxBytes, 'options.maxBytes');
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (factory === undefined) throw new Error('IndexedDB is not available here (pass options.indexedDB)');
    return new IndexedDbStore(await openDatabase(factory, options.name), options.maxBytes);
  }

  #tx<T>(method: string, stores: readonly string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => Promise<T>, o?: TransactOptions): Promise<T> {
    return transact(this.#db, method, stores, mode, body, o);
  }

  /**
   * Runs a removal with usage updated in the same transaction. A browser over its quota refuses
   * that (the counter update is a write), so then it runs again deleting only, dropping the counters
   * of the rooms it touched, and restores them in a second transaction if the browser allows.
   */
  async #removing<T>(
    method: string,
    stores: readonly string[],
    body: (tx: IDBTransaction, bookkeeping: Bookkeeping) => Promise<{ value: T; rooms: readonly Uint8Array[] }>,
  ): Promise<T> {
    try {
      return (await this.#tx(method, stores, 'readwrite', (tx) => body(tx, 'update'))).value;
    } catch (e) {
      if (!(e instanceof StoreQuotaError)) throw e;
    }
    const { value, rooms } = await this.#tx(method, stores, 'readwrite', (tx) => body(tx, 'drop'));
    await this.#tx(method, [OBJECTS, ROOMS], 'readwrite', (tx) => restoreCounters(tx, rooms)).catch(() => {
      // Still over quota: the counters stay dropped and are recounted when next read or written.
    });
    return value;
  }

  #open(method: string): void {
    if (this.#closed) throw new StoreClosedError(method);
  }

  async put(objects: readonly StoredObject[]): Promise<number> {
    this.#open('put');
    const checked = checkObjects(objects, STORE_LIMITS.maxBatch);
    if (checked.length === 0) return 0;
    return this.#tx('put', [OBJECTS, ROOMS], 'readwrite', (tx) => addObjects(tx, 'put', checked, this.#maxBytes));
  }

  async get(id: Uint8Array, room?: Uint8Array): Promise<StoredObject | undefined> {
    this.#open('get');
    checkId(id);
    const scope = checkOptRoom(room);
    const rec = await this.#tx('get', [OBJECTS], 'readonly', (tx) => getRecord(tx, id, scope));
    return rec === undefined ? undefined : fromRecord(rec);
  }

  async has(ids: readonly Uint8Array[], room?: Uint8Array): Promise<boolean[]> {
    this.#open('has');
    const checked = checkIds(ids);
    const scope = checkOptRoom(room);
    if (checked.length === 0) return [];
    return this.#tx('has', [OBJECTS], 'readonly', (tx) => holds(tx, checked, scope));
  }

  async delete(ids: readonly Uint8Array[], room?: Uint8Array): Promise<number> {
    this.#open('delete');
    const checked = checkIds(ids);
    const scope = checkOptRoom(room);
    const unique = [...new Map(checked.map((id) => [toHex(id), id])).values()];
    if (unique.length === 0) return 0;
    return this.#removing('delete', [OBJECTS, ROOMS], async (tx, bookkeeping) => {
      const found = await copiesOf(tx, unique, scope);
      const rooms = await removeRecords(tx, found.flat(), bookkeeping);
      return { value: found.filter((copies) => copies.length > 0).length, rooms };
    });
  }

  async authority(room: Uint8Array): Promise<StoredObject[]> {
    this.#open('authority');
    checkRoom(room);
    return this.#tx('authority', [OBJECTS], 'readonly', (tx) => authorityLog(tx, room));
  }

  async byType(room: Uint8Array, type: ObjectTypeName, query?: TypeQuery): Promise<StoredObject[]> {
    this.#open('byType');
    checkRoom(room);
    checkType(type);
    const q = checkTypeQuery(query);
    return this.#tx('byType', [OBJECTS], 'readonly', (tx) => objectsByType(tx, room, type, q));
  }

  async range(room: Uint8Array, ch: Uint8Array, query: RangeQuery): Promise<StoredObject[]> {
    this.#open('range');
    checkRoom(room);
    checkChannel(ch);
    const q = checkRangeQuery(query);
    return this.#tx('range', [OBJECTS], 'readonly', (tx) => channel.rangePage(tx, room, ch, q));
  }

  async haveVector(room: Uint8Array, ch: Uint8Array): Promise<HaveVector> {
    this.#open('haveVector');
    checkRoom(room);
    checkChannel(ch);
    return this.#tx('haveVector', [OBJECTS], 'readonly', (tx) => channel.haveVector(tx, room, ch));
  }

  async bySeq(room: Uint8Array, ch: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Promise<StoredObject[]> {
    this.#open('bySeq');
    checkRoom(room);
    checkChannel(ch);
    checkKey(device, 'device');
    const { from, to } = checkSeqRange(fromSeq, toSeq);
    return this.#tx('bySeq', [OBJECTS], 'readonly', (tx) => channel.bySeq(tx, room, ch, device, from, to));
  }

  async fingerprint(room: Uint8Array, ch: Uint8Array, bounds?: Bounds): Promise<Fingerprint> {
    this.#open('fingerprint');
    checkRoom(room);
    checkChannel(ch);
    const b = checkRangeBounds(bounds);
    return this.#tx('fingerprint', [OBJECTS], 'readonly', (tx) => channel.fingerprint(tx, room, ch, b));
  }

  async split(room: Uint8Array, ch: Uint8Array, bounds: Bounds, parts: number): Promise<RangeSummary[]> {
    this.#open('split');
    checkRoom(room);
    checkChannel(ch);
    const b = checkRangeBounds(bounds);
    const k = checkParts(parts);
    return this.#tx('split', [OBJECTS], 'readonly', (tx) => channel.split(tx, room, ch, b, k));
  }

  async rangeIds(room: Uint8Array, ch: Uint8Array, bounds: Bounds, limit: number): Promise<Cursor[]> {
    this.#open('rangeIds');
    checkRoom(room);
    checkChannel(ch);
    const b = checkRangeBounds(bounds);
    const n = checkLimit(limit, 'limit');
    return this.#tx('rangeIds', [OBJECTS], 'readonly', (tx) => channel.rangeIds(tx, room, ch, b, n));
  }

  async usage(room: Uint8Array): Promise<Usage> {
    this.#open('usage');
    checkRoom(room);
    return this.#tx('usage', [OBJECTS, ROOMS], 'readonly', (tx) => usageOf(tx, room));
  }

  /** Objects and frame bytes held across all rooms: what `maxBytes` limits. */
  async totalUsage(): Promise<Usage> {
    this.#open('totalUsage');
    return this.#tx('totalUsage', [OBJECTS, ROOMS], 'readonly', (tx) => usageOf(tx, TOTAL));
  }

  async evict(room: Uint8Array, maxBytes: number, options?: EvictOptions): Promise<Uint8Array[]> {
    this.#open('evict');
    checkRoom(room);
    const opts = checkEvictOptions(maxBytes, options);
    return this.#removing('evict', [OBJECTS, ROOMS, OUTBOX], async (tx, bookkeeping) => {
      const evicted = await oldestEvictable(tx, room, opts.maxBytes, opts.types);
      return { value: evicted.map((r) => r.i), rooms: await removeRecords(tx, evicted, bookkeeping) };
    });
  }

  async enqueue(object: StoredObject, targets?: readonly string[]): Promise<boolean> {
    this.#open('enqueue');
    const o = checkObject(object);
    const t = checkTargets(targets);
    // 'strict': once this resolves, the UI may show the message as sent, so it must be on disk.
    return this.#tx(
      'enqueue',
      [OBJECTS, ROOMS, OUTBOX],
      'readwrite',
      async (tx) => {
        await addObjects(tx, 'enqueue', [o], this.#maxBytes);
        return addEntry(tx, o, t);
      },
      { durability: 'strict' },
    );
  }

  async pending(query?: PendingQuery): Promise<OutboxEntry[]> {
    this.#open('pending');
    const q = checkPendingQuery(query);
    return this.#tx('pending', [OUTBOX], 'readonly', (tx) => pendingEntries(tx, q.dueAt, q.limit));
  }

  async attempted(id: Uint8Array, at: number, retryAt: number): Promise<boolean> {
    this.#open('attempted');
    checkId(id);
    const a = checkAttempt(at, retryAt);
    return this.#tx('attempted', [OUTBOX], 'readwrite', (tx) => recordAttempt(tx, id, a.at, a.retryAt));
  }

  async ack(id: Uint8Array, by: string): Promise<AckResult> {
    this.#open('ack');
    checkId(id);
    const who = checkBy(by);
    return this.#tx('ack', [OUTBOX], 'readwrite', (tx) => recordAck(tx, id, who));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** Opens (creating if needed) an IndexedDB object store. */
export const openIndexedDbStore = (options: IndexedDbStoreOptions): Promise<IndexedDbStore> => IndexedDbStore.open(options);

/** Deletes the database behind a store (close the store first). */
export const deleteIndexedDbStore = (name: string, factory: IDBFactory = globalThis.indexedDB): Promise<void> =>
  new Promise((resolve, reject) => {
    const r = factory.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error(`IndexedDB ${name}: delete blocked by an open connection`));
  });
