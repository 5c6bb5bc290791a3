/**
 * Range-based reconciliation in SQL: a range's count and fingerprint is one aggregate over the
 * (room, channel, lamport, id) index range, summing the ids' four 64-bit limbs exactly (numeric);
 * a split numbers the range once (row_number) and aggregates per part.
 */
import { type Bounds, type Cursor, EMPTY_FINGERPRINT, type Fingerprint, fingerprintFromLimbSums, type RangeSummary } from '@parley/store';
import { asc, sql } from 'drizzle-orm';
import { big, bytesOf, type Executor, int, rowsOf } from './db.ts';
import { channelRange } from './rows.ts';
import { objects } from './schema.ts';

const limbSums = (r: Record<string, unknown>): [bigint, bigint, bigint, bigint] => [big(r.s0), big(r.s1), big(r.s2), big(r.s3)];

export const rangeFingerprint = async (db: Executor, room: Uint8Array, channel: Uint8Array, b: Bounds): Promise<Fingerprint> => {
  const [r] = await db
    .select({
      n: sql<unknown>`count(*)`,
      s0: sql<unknown>`sum(${objects.f0})::text`,
      s1: sql<unknown>`sum(${objects.f1})::text`,
      s2: sql<unknown>`sum(${objects.f2})::text`,
      s3: sql<unknown>`sum(${objects.f3})::text`,
    })
    .from(objects)
    .where(channelRange(room, channel, b));
  const n = int(r?.n);
  return n === 0 || r === undefined ? EMPTY_FINGERPRINT : fingerprintFromLimbSums(n, limbSums(r));
};

/** Parts as in splitStarts: item r (0-based) of n goes to part floor(r * k / n), k = min(parts, n). */
export const splitRange = async (db: Executor, room: Uint8Array, channel: Uint8Array, b: Bounds, parts: number): Promise<RangeSummary[]> => {
  const result = await db.execute(sql`
    with r as (
      select lamport, id, f0, f1, f2, f3,
             row_number() over (order by lamport, id) - 1 as rn,
             count(*) over () as n
      from ${objects} where ${channelRange(room, channel, b)}
    ),
    p as (
      select (rn * least(${parts}::int8, n)) / n as part, count(*) as n, min(rn) as first,
             sum(f0)::text as s0, sum(f1)::text as s1, sum(f2)::text as s2, sum(f3)::text as s3
      from r group by 1
    )
    select p.part, p.n, p.s0, p.s1, p.s2, p.s3, r.lamport, r.id
    from p join r on r.rn = p.first order by p.part`);
  const rows = rowsOf(result);
  if (rows.length === 0) return [{ lower: b.lower, upper: b.upper, ...EMPTY_FINGERPRINT }];
  const firsts: Cursor[] = rows.map((r) => ({ lamport: int(r.lamport), id: bytesOf(r.id) }));
  return rows.map((r, i) => ({
    lower: i === 0 ? b.lower : firsts[i],
    upper: i + 1 < rows.length ? firsts[i + 1] : b.upper,
    ...fingerprintFromLimbSums(int(r.n), limbSums(r)),
  }));
};

export const rangeCursors = async (db: Executor, room: Uint8Array, channel: Uint8Array, b: Bounds, limit: number): Promise<Cursor[]> => {
  const rows = await db
    .select({ lamport: objects.lamport, id: objects.id })
    .from(objects)
    .where(channelRange(room, channel, b))
    .orderBy(asc(objects.lamport), asc(objects.id))
    .limit(limit);
  return rows.map((r) => ({ lamport: r.lamport as number, id: r.id }));
};
