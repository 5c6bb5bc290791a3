/**
 * Argument checks shared by every adapter, so that the same bad call fails the same way everywhere
 * (InvalidArgumentError naming the argument), before any adapter touches its storage.
 */
import { CHANNEL_ID_BYTES, type ObjectTypeName } from '@parley/protocol';
import { type Bounds, checkBounds, checkBytes, checkCounter, checkCursor, OBJECT_ID_BYTES } from './cursor.ts';
import { InvalidArgumentError } from './errors.ts';
import type { EvictOptions, PendingQuery, RangeQuery, TypeQuery } from './object-store.ts';
import { STORE_LIMITS } from './store-limits.ts';
import { isObjectType, KEY_BYTES, ROOM_ID_BYTES } from './stored-object.ts';

export const checkRoom = (room: Uint8Array, field = 'room'): Uint8Array => checkBytes(room, field, ROOM_ID_BYTES);
export const checkChannel = (channel: Uint8Array, field = 'channel'): Uint8Array => checkBytes(channel, field, CHANNEL_ID_BYTES);
export const checkId = (id: Uint8Array, field = 'id'): Uint8Array => checkBytes(id, field, OBJECT_ID_BYTES);
export const checkKey = (key: Uint8Array, field: string): Uint8Array => checkBytes(key, field, KEY_BYTES);
export const checkOptRoom = (room: Uint8Array | undefined): Uint8Array | undefined => (room === undefined ? undefined : checkRoom(room));

export const checkIds = (ids: readonly Uint8Array[], field = 'ids'): Uint8Array[] => {
  if (!Array.isArray(ids)) throw new InvalidArgumentError(field, 'expected an array');
  if (ids.length > STORE_LIMITS.maxBatch) throw new InvalidArgumentError(field, `${ids.length} ids exceed the batch limit ${STORE_LIMITS.maxBatch}`);
  return ids.map((id, i) => checkId(id, `${field}[${i}]`));
};

export const checkLimit = (limit: unknown, field: string, fallback?: number): number => {
  if (limit === undefined && fallback !== undefined) return fallback;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > STORE_LIMITS.maxPage) {
    throw new InvalidArgumentError(field, `expected an integer in 1..${STORE_LIMITS.maxPage}`);
  }
  return limit;
};

export const checkType = (type: ObjectTypeName, field = 'type'): ObjectTypeName => {
  if (!isObjectType(type)) throw new InvalidArgumentError(field, `unknown object type ${String(type)}`);
  return type;
};

export interface CheckedRange {
  readonly after: RangeQuery['after'];
  readonly before: RangeQuery['before'];
  readonly limit: number;
  readonly order: 'asc' | 'desc';
}

export const checkRangeQuery = (q: RangeQuery): CheckedRange => {
  if (typeof q !== 'object' || q === null) throw new InvalidArgumentError('query', 'expected { limit, after?, before?, order? }');
  if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') throw new InvalidArgumentError('query.order', "expected 'asc' or 'desc'");
  return {
    after: q.after === undefined ? undefined : checkCursor(q.after, 'query.after'),
    before: q.before === undefined ? undefined : checkCursor(q.before, 'query.before'),
    limit: checkLimit(q.limit, 'query.limit'),
    order: q.order ?? 'asc',
  };
};

export interface CheckedTypeQuery {
  readonly account: Uint8Array | undefined;
  readonly channel: Uint8Array | undefined;
  readonly afterId: Uint8Array | undefined;
  readonly limit: number;
}

export const checkTypeQuery = (q: TypeQuery | undefined): CheckedTypeQuery => ({
  account: q?.account === undefined ? undefined : checkKey(q.account, 'query.account'),
  channel: q?.channel === undefined ? undefined : checkChannel(q.channel, 'query.channel'),
  afterId: q?.afterId === undefined ? undefined : checkId(q.afterId, 'query.afterId'),
  limit: checkLimit(q?.limit, 'query.limit', STORE_LIMITS.maxPage),
});

export const checkSeqRange = (fromSeq: number, toSeq: number): { from: number; to: number } => ({
  from: checkCounter(fromSeq, 'fromSeq'),
  to: checkCounter(toSeq, 'toSeq'),
});

export const checkParts = (parts: number): number => {
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > STORE_LIMITS.maxSplitParts) {
    throw new InvalidArgumentError('parts', `expected an integer in 1..${STORE_LIMITS.maxSplitParts}`);
  }
  return parts;
};

export const checkRangeBounds = (bounds: Bounds | undefined): Bounds => checkBounds(bounds, 'bounds');

export const checkEvictOptions = (maxBytes: number, options: EvictOptions | undefined): { maxBytes: number; types: ObjectTypeName[] } => ({
  maxBytes: checkCounter(maxBytes, 'maxBytes'),
  types: options?.types === undefined ? ['ENVELOPE'] : [...new Set(options.types.map((t, i) => checkType(t, `options.types[${i}]`)))],
});

const checkName = (s: unknown, field: string): string => {
  if (typeof s !== 'string' || s.length === 0 || s.length > 256) throw new InvalidArgumentError(field, 'expected a non-empty string of at most 256 characters');
  return s;
};

export const checkTargets = (targets: readonly string[] | undefined): string[] | undefined => {
  if (targets === undefined) return undefined;
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > 64) throw new InvalidArgumentError('targets', 'expected 1..64 names');
  return [...new Set(targets.map((t, i) => checkName(t, `targets[${i}]`)))];
};

export const checkBy = (by: string): string => checkName(by, 'by');

export const checkPendingQuery = (q: PendingQuery | undefined): { dueAt: number | undefined; limit: number } => ({
  dueAt: q?.dueAt === undefined ? undefined : checkCounter(q.dueAt, 'query.dueAt'),
  limit: checkLimit(q?.limit, 'query.limit', STORE_LIMITS.maxPage),
});

export const checkAttempt = (at: number, retryAt: number): { at: number; retryAt: number } => ({
  at: checkCounter(at, 'at'),
  retryAt: checkCounter(retryAt, 'retryAt'),
});

/**
 * How `split` cuts `n` ordered items into at most `parts` parts: item r (0-based) goes to part
 * floor(r * k / n) with k = min(parts, n); part b starts at item ceil(b * n / k). Shared so that
 * every adapter cuts alike (SQL computes the same integer division).
 */
export const splitStarts = (n: number, parts: number): number[] => {
  const k = Math.min(parts, n);
  return Array.from({ length: k }, (_, b) => Math.floor((b * n + k - 1) / k));
};
