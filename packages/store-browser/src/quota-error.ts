/**
 * A write that does not fit (THREATS 30): either the browser's storage quota for this site is
 * exhausted ('browser'), or the write would take the store over the budget it was opened with
 * ('budget'). The transaction is aborted, so nothing of the call was written and everything
 * committed before it is still there; the caller frees room (`evict`) and tries again.
 */
export type QuotaReason = 'browser' | 'budget';

export class StoreQuotaError extends Error {
  readonly code = 'ERR_STORE_QUOTA';
  /** The store method whose write did not fit, e.g. `put`. */
  readonly field: string;
  readonly reason: QuotaReason;
  constructor(method: string, reason: QuotaReason, cause?: unknown) {
    const what = reason === 'browser' ? "the browser's storage quota for this site is exhausted" : "the write would exceed the store's byte budget";
    super(`${method}: ${what}; nothing of this call was written`, { cause });
    this.name = 'StoreQuotaError';
    this.field = method;
    this.reason = reason;
  }
}

/** Whether `e` is IndexedDB's own quota failure (a DOMException named QuotaExceededError). */
export const isQuotaExceeded = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'QuotaExceededError';
