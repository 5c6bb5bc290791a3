/** What each group of compliance tests is given: a way to open a fresh, empty store. */
import type { ObjectStore } from '../object-store.ts';

/**
 * Opens a new, empty store. The suite holds at most one store at a time and closes it at the end
 * of each test, so a factory may reuse one database and empty it on every call.
 */
export type StoreFactory = () => Promise<ObjectStore>;

export interface ComplianceOptions {
  /** Objects in the large-batch and reconciliation tests (default 2000). */
  readonly largeBatch?: number;
}

export interface SuiteContext {
  readonly largeBatch: number;
  /** Runs `fn` with a fresh store and closes the store afterwards. */
  with(fn: (store: ObjectStore) => Promise<void>): Promise<void>;
}

export const suiteContext = (factory: StoreFactory, options: ComplianceOptions = {}): SuiteContext => ({
  largeBatch: options.largeBatch ?? 2000,
  async with(fn) {
    const store = await factory();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  },
});
