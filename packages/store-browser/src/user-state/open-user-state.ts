/**
 * A person's own state persisted in this browser with y-indexeddb: every change (local, or applied
 * from another device) is written to IndexedDB as it happens, and opening restores it. The local
 * copy is not encrypted (like the object store, it is this browser's own); what leaves the device
 * is sealed (`onSealedUpdate`, `sealedState`).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { userStateDbName } from './sealed-update.ts';
import { documentOf, UserState, type UserStateOptions } from './user-state.ts';

export interface OpenUserStateOptions extends UserStateOptions {
  /** The IndexedDB database name (default: derived from the account, so accounts never share one). */
  readonly name?: string | undefined;
}

export interface PersistedUserState {
  readonly state: UserState;
  /** The IndexedDB database holding it. */
  readonly name: string;
  /** Resolves once every change so far is committed to IndexedDB. */
  flush(): Promise<void>;
  /** Flushes, stops persisting and frees the state. */
  close(): Promise<void>;
}

const UPDATES = 'updates';

/** Opens the account's state from IndexedDB (creating it on first use); resolves once it is loaded. */
export const openUserState = async (options: OpenUserStateOptions): Promise<PersistedUserState> => {
  const state = new UserState(options);
  const name = options.name ?? userStateDbName(options.accountSecret);
  const persistence = new IndexeddbPersistence(name, documentOf(state));
  await persistence.whenSynced;
  // A read-only transaction over `updates` starts only after the writes queued before it commit.
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      const db = persistence.db;
      if (db === null) return resolve();
      const tx = db.transaction(UPDATES, 'readonly');
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
  let closed = false;
  return {
    state,
    name,
    flush,
    async close() {
      if (closed) return;
      closed = true;
      await flush();
      await persistence.destroy();
      state.destroy();
    },
  };
};

/** Deletes the account's local state database (close it first). */
export const deleteUserState = (name: string, factory: IDBFactory = globalThis.indexedDB): Promise<void> =>
  new Promise((resolve, reject) => {
    const r = factory.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error(`IndexedDB ${name}: delete blocked by an open connection`));
  });
