/**
 * ObjectStore over Postgres through drizzle-orm: one class for both drivers (postgres.js for a
 * server, PGlite embedded). Every write is one transaction; reads are single statements. Idempotent
 * operations are retried when their connection was lost (THREATS 31); ack and attempted are not.
 */
import { type HaveVector, OBJECT_TYPES, type ObjectTypeName } from '@parley/protocol';
import {
  type AckResult,
  type Bounds,
  type Cursor,
  checkAttempt,
  checkBy,
  checkChannel,
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
  type ObjectStore,
  type OutboxEntry,
  type PendingQuery,
  plainBytes,
  type RangeQuery,
  type RangeSummary,
  STORE_LIMITS,
  StoreClosedError,
  type StoredObject,
  type TypeQuery,
  type Usage,
} from '@parley/store';
import { readHaveVector } from './channel-heads.ts';
import { abandoned, isConnectionLoss } from './connection-loss.ts';
import type { Db, Tx } from './db.ts';
import { PostgresFileStore } from './file-store.ts';
import { addEntry, pendingEntries, recordAck, recordAttempt } from './outbox-queries.ts';
import { authorityOf, deviceSpan, getObject, hasIds, historyPage, objectsByType, usageOf } from './read-queries.ts';
import { rangeCursors, rangeFingerprint, splitRange } from './sync-queries.ts';
import { deleteObjects, evictOldest, insertObjects } from './write-path.ts';

/** Extra attempts of an idempotent operation whose connection was lost. */
const RETRIES_ON_LOSS = 2;

const copyCursor = (c: Cursor | undefined): Cursor | undefined => (c === undefined ? undefined : { lamport: c.lamport, id: plainBytes(c.id) });

export class PostgresStore implements ObjectStore {
  readonly #db: Db;
  readonly #release: (afterLoss: boolean) => Promise<void>;
  #closed = false;
  /** Whether a transaction was abandoned to a lost connection (see connection-loss.ts). */
  #lost = false;

  /**
   * Use openPostgresStore(). `release` frees the driver (a no-op for a client the caller owns);
   * `afterLoss` tells it a connection died mid-transaction, so it need not wait for that one to end.
   */
  constructor(db: Db, release: (afterLoss: boolean) => Promise<void>) {
    this.#db = db;
    this.#release = release;
  }

  /** The drizzle database, for tests and maintenance (VACUUM, metrics). */
  get db(): Db {
    return this.#db;
  }

  #files: PostgresFileStore | undefined;
  /** Shared files (PROTOCOL 12) in the same database. */
  get files(): PostgresFileStore {
    this.#files ??= new PostgresFileStore(this.#db);
    return this.#files;
  }

  #open(method: string): Db {
    if (this.#closed) throw new StoreClosedError(method);
    return this.#db;
  }

  /** Runs `fn` in one transaction; see connection-loss.ts for why a lost connection is not rethrown here. */
  #transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (tx) => {
      try {
        return await fn(tx);
      } catch (e) {
        if (!isConnectionLoss(e)) throw e;
        this.#lost = true;
        return abandoned<T>();
      }
    });
  }

  /**
   * Runs an idempotent operation, again if its connection was lost: the server rolled back whatever
   * it had begun, and postgres.js may fail the first query on a reconnected socket with the stale error.
   */
  async #retry<T>(method: string, fn: (db: Db) => Promise<T>): Promise<T> {
    const db = this.#open(method);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(db);
      } catch (e) {
        if (attempt >= RETRIES_ON_LOSS || this.#closed || !isConnectionLoss(e)) throw e;
      }
    }
  }

  async put(batch: readonly StoredObject[]): Promise<number> {
    this.#open('put');
    const checked = checkObjects(batch, STORE_LIMITS.maxBatch);
    if (checked.length === 0) return 0;
    return this.#retry('put', () => this.#transaction((tx) => insertObjects(tx, checked)));
  }

  async get(id: Uint8Array, room?: Uint8Array): Promise<StoredObject | undefined> {
    this.#open('get');
    const [i, r] = [checkId(id), checkOptRoom(room)];
    return this.#retry('get', (db) => getObject(db, i, r));
  }

  async has(ids: readonly Uint8Array[], room?: Uint8Array): Promise<boolean[]> {
    this.#open('has');
    const [checked, r] = [checkIds(ids), checkOptRoom(room)];
    return this.#retry('has', (db) => hasIds(db, checked, r));
  }

  async delete(ids: readonly Uint8Array[], room?: Uint8Array): Promise<number> {
    this.#open('delete');
    const [checked, r] = [checkIds(ids), checkOptRoom(room)];
    if (checked.length === 0) return 0;
    return this.#retry('delete', () => this.#transaction((tx) => deleteObjects(tx, checked, r)));
  }

  async authority(room: Uint8Array): Promise<StoredObject[]> {
    this.#open('authority');
    checkRoom(room);
    return this.#retry('authority', (db) => authorityOf(db, room));
  }

  async byType(room: Uint8Array, type: ObjectTypeName, query?: TypeQuery): Promise<StoredObject[]> {
    this.#open('byType');
    checkRoom(room);
    checkType(type);
    const q = checkTypeQuery(query);
    return this.#retry('byType', (db) => objectsByType(db, room, type, q));
  }

  async range(room: Uint8Array, channel: Uint8Array, query: RangeQuery): Promise<StoredObject[]> {
    this.#open('range');
    checkRoom(room);
    checkChannel(channel);
    const q = checkRangeQuery(query);
    return this.#retry('range', (db) => historyPage(db, room, channel, q));
  }

  async haveVector(room: Uint8Array, channel: Uint8Array): Promise<HaveVector> {
    this.#open('haveVector');
    checkRoom(room);
    checkChannel(channel);
    return this.#retry('haveVector', (db) => readHaveVector(db, room, channel));
  }

  async bySeq(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Promise<StoredObject[]> {
    this.#open('bySeq');
    checkRoom(room);
    checkChannel(channel);
    checkKey(device, 'device');
    const { from, to } = checkSeqRange(fromSeq, toSeq);
    return this.#retry('bySeq', (db) => deviceSpan(db, room, channel, device, from, to));
  }

  async fingerprint(room: Uint8Array, channel: Uint8Array, bounds?: Bounds): Promise<Fingerprint> {
    this.#open('fingerprint');
    checkRoom(room);
    checkChannel(channel);
    const b = checkRangeBounds(bounds);
    return this.#retry('fingerprint', (db) => rangeFingerprint(db, room, channel, b));
  }

  async split(room: Uint8Array, channel: Uint8Array, bounds: Bounds, parts: number): Promise<RangeSummary[]> {
    this.#open('split');
    checkRoom(room);
    checkChannel(channel);
    const [b, k] = [checkRangeBounds(bounds), checkParts(parts)];
    const out = await this.#retry('split', (db) => splitRange(db, room, channel, b, k));
    return out.map((s) => ({ ...s, lower: copyCursor(s.lower), upper: copyCursor(s.upper) }));
  }

  async rangeIds(room: Uint8Array, channel: Uint8Array, bounds: Bounds, limit: number): Promise<Cursor[]> {
    this.#open('rangeIds');
    checkRoom(room);
    checkChannel(channel);
    const [b, n] = [checkRangeBounds(bounds), checkLimit(limit, 'limit')];
    return this.#retry('rangeIds', (db) => rangeCursors(db, room, channel, b, n));
  }

  async usage(room: Uint8Array): Promise<Usage> {
    this.#open('usage');
    checkRoom(room);
    return this.#retry('usage', (db) => usageOf(db, room));
  }

  async evict(room: Uint8Array, maxBytes: number, options?: EvictOptions): Promise<Uint8Array[]> {
    this.#open('evict');
    checkRoom(room);
    const opts = checkEvictOptions(maxBytes, options);
    const codes = opts.types.map((t) => OBJECT_TYPES[t]);
    return this.#retry('evict', () => this.#transaction((tx) => evictOldest(tx, room, opts.maxBytes, codes)));
  }

  async enqueue(object: StoredObject, targets?: readonly string[]): Promise<boolean> {
    this.#open('enqueue');
    const [o, t] = [checkObject(object), checkTargets(targets)];
    return this.#retry('enqueue', () =>
      this.#transaction(async (tx) => {
        await insertObjects(tx, [o]);
        return addEntry(tx, o, t);
      }),
    );
  }

  async pending(query?: PendingQuery): Promise<OutboxEntry[]> {
    this.#open('pending');
    const q = checkPendingQuery(query);
    return this.#retry('pending', (db) => pendingEntries(db, q.dueAt, q.limit));
  }

  async attempted(id: Uint8Array, at: number, retryAt: number): Promise<boolean> {
    const db = this.#open('attempted');
    checkId(id);
    const a = checkAttempt(at, retryAt);
    return recordAttempt(db, id, a.at, a.retryAt);
  }

  async ack(id: Uint8Array, by: string): Promise<AckResult> {
    this.#open('ack');
    checkId(id);
    const who = checkBy(by);
    return this.#transaction((tx) => recordAck(tx, id, who));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#release(this.#lost);
  }
}
