/**
 * Raw IndexedDB with just enough promise around it: one promise per awaited request, a transaction
 * runner that aborts on any failure and maps quota failures to StoreQuotaError, and a synchronous
 * cursor walk (a cursor stays usable only inside its success event).
 */
import { isQuotaExceeded, StoreQuotaError } from '../quota-error.ts';

export const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

export interface TransactOptions {
  /** 'strict' flushes to disk before the call resolves: for what the UI will show as sent. */
  readonly durability?: IDBTransactionDurability;
}

/**
 * Runs `body` in one transaction and resolves once it has committed. If `body` throws or a request
 * fails, the transaction is aborted: the call writes all or nothing.
 */
export const transact = async <T>(
  db: IDBDatabase,
  method: string,
  stores: readonly string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => Promise<T>,
  options: TransactOptions = {},
): Promise<T> => {
  const tx = db.transaction(stores, mode, { durability: options.durability ?? 'default' });
  const done = new Promise<unknown>((resolve) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onabort = () => resolve(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
  });
  let result: T;
  try {
    result = await body(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborting: `done` tells why.
    }
    const why = await done;
    throw fail(method, isQuotaExceeded(why) ? why : e);
  }
  const why = await done;
  if (why !== undefined) throw fail(method, why);
  return result;
};

const fail = (method: string, e: unknown): unknown => (isQuotaExceeded(e) ? new StoreQuotaError(method, 'browser', e) : e);

/**
 * Walks a cursor. `visit` runs inside each success event and may issue requests or call
 * `cursor.delete()`; it returns false to stop, or a key to jump to (`continue(key)`).
 */
export const walk = <C extends IDBCursor>(r: IDBRequest<C | null>, visit: (cursor: C) => boolean | IDBValidKey | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const cursor = r.result;
      if (cursor === null) return resolve();
      let next: boolean | IDBValidKey | undefined;
      try {
        next = visit(cursor);
      } catch (e) {
        return reject(e);
      }
      if (next === false) return resolve();
      if (next === undefined || next === true) cursor.continue();
      else cursor.continue(next);
    };
  });

/** A binary key (ArrayBuffer, as IndexedDB returns it) as a plain Uint8Array. */
export const bytesOfKey = (k: unknown): Uint8Array => (k instanceof ArrayBuffer ? new Uint8Array(k) : new Uint8Array(k as Uint8Array));
