/** The durable outbox in SQL: one row per pending object, with its own copy of the object. */
import { OBJECT_TYPES } from '@parley/protocol';
import type { AckResult, OutboxEntry, StoredObject } from '@parley/store';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from './db.ts';
import { fromRow } from './rows.ts';
import { outbox } from './schema.ts';

/** Adds an entry unless one is pending for the id; true if added. */
export const addEntry = async (tx: Executor, o: StoredObject, targets: string[] | undefined): Promise<boolean> => {
  const rows = await tx
    .insert(outbox)
    .values({
      id: o.id,
      room: o.room,
      type: OBJECT_TYPES[o.type],
      channel: o.channel ?? null,
      device: o.device ?? null,
      seq: o.seq ?? null,
      lamport: o.lamport ?? null,
      account: o.account ?? null,
      bytes: o.bytes,
      receivedAt: o.receivedAt,
      targets: targets ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return rows.length > 0;
};

export const pendingEntries = async (db: Executor, dueAt: number | undefined, limit: number): Promise<OutboxEntry[]> => {
  const rows = await db
    .select()
    .from(outbox)
    .where(dueAt === undefined ? undefined : lte(outbox.nextAttemptAt, dueAt))
    .orderBy(asc(outbox.position))
    .limit(limit);
  return rows.map((r) => ({
    object: fromRow(r),
    targets: r.targets ?? undefined,
    acks: r.acks,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastAttemptAt: r.lastAttemptAt ?? undefined,
  }));
};

export const recordAttempt = async (db: Executor, id: Uint8Array, at: number, retryAt: number): Promise<boolean> => {
  const rows = await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastAttemptAt: at, nextAttemptAt: retryAt })
    .where(eq(outbox.id, id))
    .returning({ id: outbox.id });
  return rows.length > 0;
};

/** Runs inside a transaction: the row is locked while the ack is judged. */
export const recordAck = async (tx: Tx, id: Uint8Array, by: string): Promise<AckResult> => {
  const [row] = await tx.select({ targets: outbox.targets, acks: outbox.acks }).from(outbox).where(eq(outbox.id, id)).for('update');
  if (row === undefined) return 'unknown';
  if (row.targets === null || row.targets.includes(by)) {
    await tx.delete(outbox).where(eq(outbox.id, id));
    return 'done';
  }
  if (!row.acks.includes(by))
    await tx
      .update(outbox)
      .set({ acks: [...row.acks, by] })
      .where(and(eq(outbox.id, id)));
  return 'recorded';
};
