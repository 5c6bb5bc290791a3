/** Bounds on store queries, so that one call can never ask a hub for an unbounded answer. */
export const STORE_LIMITS = {
  /** Objects one `range`, `byType` or `rangeIds` call may return. */
  maxPage: 10_000,
  /** Parts one `split` call may cut a range into. */
  maxSplitParts: 1024,
  /** Objects one `put`, ids one `has` / `delete` call may carry. */
  maxBatch: 100_000,
} as const;
