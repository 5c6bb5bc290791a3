/** The drizzle database both drivers give us, and helpers that paper over their result shapes. */

import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

/** Rows of a raw `execute`: postgres.js returns an array, PGlite `{ rows }`. */
export const rowsOf = (result: unknown): Record<string, unknown>[] => {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const rows = (result as { rows?: unknown }).rows;
  if (Array.isArray(rows)) return rows as Record<string, unknown>[];
  throw new TypeError('unexpected query result shape');
};

/** An integer column of a raw row (int8 arrives as string, number or bigint by driver). */
export const int = (v: unknown): number => Number(v ?? 0);
/** An exact integer (SUM of bigint arrives as numeric text). */
export const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)));
/** A bytea of a raw row as a plain Uint8Array. */
export const bytesOf = (v: unknown): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new TypeError('expected bytea');
  const out = new Uint8Array(v.length);
  out.set(v);
  return out;
};

/** Splits a list into chunks, so no statement exceeds Postgres's 65535 parameters. */
export const chunks = <T>(xs: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};
