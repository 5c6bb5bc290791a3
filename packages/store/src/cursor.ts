/**
 * Positions in a channel's history. History is ordered by (lamport, id), a total order every peer
 * computes alike, so a cursor is just that pair; ranges of it are what paging and range-based set
 * reconciliation talk about.
 */
import { compare } from '@parley/protocol';
import { InvalidArgumentError } from './errors.ts';

export const OBJECT_ID_BYTES = 32;

export interface Cursor {
  readonly lamport: number;
  readonly id: Uint8Array;
}

/** A half-open range [lower, upper) of cursors; an absent bound is open-ended. */
export interface Bounds {
  readonly lower?: Cursor | undefined;
  readonly upper?: Cursor | undefined;
}

/** Order by (lamport, id), bytewise on id. */
export const compareCursors = (a: Cursor, b: Cursor): number => a.lamport - b.lamport || compare(a.id, b.id);

export const isBytes = (v: unknown, length?: number): v is Uint8Array => v instanceof Uint8Array && (length === undefined || v.length === length);

export const checkBytes = (v: unknown, field: string, length: number): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new InvalidArgumentError(field, 'expected a Uint8Array');
  if (v.length !== length) throw new InvalidArgumentError(field, `expected ${length} bytes, got ${v.length}`);
  return v;
};

export const checkCounter = (v: unknown, field: string, min = 0): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new InvalidArgumentError(field, `expected a safe integer >= ${min}`);
  return v;
};

export const checkCursor = (c: unknown, field: string): Cursor => {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError(field, 'expected { lamport, id }');
  const { lamport, id } = c as Cursor;
  return { lamport: checkCounter(lamport, `${field}.lamport`), id: checkBytes(id, `${field}.id`, OBJECT_ID_BYTES) };
};

export const checkBounds = (b: Bounds | undefined, field: string): Bounds => {
  if (b === undefined) return {};
  return {
    lower: b.lower === undefined ? undefined : checkCursor(b.lower, `${field}.lower`),
    upper: b.upper === undefined ? undefined : checkCursor(b.upper, `${field}.upper`),
  };
};

/** Whether `c` lies in [lower, upper). */
export const inBounds = (c: Cursor, b: Bounds): boolean =>
  (b.lower === undefined || compareCursors(c, b.lower) >= 0) && (b.upper === undefined || compareCursors(c, b.upper) < 0);
