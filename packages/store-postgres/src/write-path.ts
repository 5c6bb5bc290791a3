/**
 * The write path, always inside one transaction: insert or delete object rows, then bring
 * room_usage and channel_heads into step. Rows are written in (room, id) order and derived rows
 * are locked in key order, so concurrent writers cannot deadlock.
 */
import { compare, toHex } from '@parley/protocol';
import type { StoredObject } from '@parley/store';
import { and, asc, eq, inArray, notExists, sql } from 'drizzle-orm';
import { advanceHeads, retreatHeads, type StreamTouch } from './channel-heads.ts';
import { chunks, type Executor } from './db.ts';
import { toRow } from './rows.ts';
import { ENVELOPE_CODE, objects, outbox, roomUsage } from './schema.ts';

/** What a write changed, per row. */
interface Changed {
  readonly room: Uint8Array;
  readonly id: Uint8Array;
  readonly type: number;
  readonly channel: Uint8Array | null;
  readonly device: Uint8Array | null;
  readonly seq: number | null;
  readonly size: number;
}

const changedColumns = {
  room: objects.room,
  id: objects.id,
  type: objects.type,
  channel: objects.channel,
  device: objects.device,
  seq: objects.seq,
  size: objects.size,
};

/** 16 columns a row: 1000 rows stay well under the 65535-parameter limit. */
const ROWS_PER_STATEMENT = 1000;

const addUsage = async (tx: Executor, rows: readonly Changed[], sign: 1 | -1): Promise<void> => {
  const byRoom = new Map<string, { room: Uint8Array; count: number; bytes: number }>();
  for (const r of rows) {
    const k = toHex(r.room);
    const u = byRoom.get(k) ?? { room: r.room, count: 0, bytes: 0 };
    u.count += sign;
    u.bytes += sign * r.size;
    byRoom.set(k, u);
  }
  if (byRoom.size === 0) return;
  await tx
    .insert(roomUsage)
    .values([...byRoom.values()].sort((a, b) => compare(a.room, b.room)))
    .onConflictDoUpdate({
      target: roomUsage.room,
      set: { count: sql`${roomUsage.count} + excluded.count`, bytes: sql`${roomUsage.bytes} + excluded.bytes` },
    });
};

const touches = (rows: readonly Changed[]): StreamTouch[] =>
  rows
    .filter((r) => r.type === ENVELOPE_CODE && r.channel !== null && r.device !== null && r.seq !== null)
    .map((r) => ({ room: r.room, channel: r.channel as Uint8Array, device: r.device as Uint8Array, seq: r.seq as number }));

/** Inserts checked objects (duplicates skipped); returns how many were new. */
export const insertObjects = async (tx: Executor, batch: readonly StoredObject[]): Promise<number> => {
  const seen = new Set<string>();
  const unique = [...batch]
    .sort((a, b) => compare(a.room, b.room) || compare(a.id, b.id))
    .filter((o) => {
      const k = toHex(o.room) + toHex(o.id);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const added: Changed[] = [];
  for (const part of chunks(unique, ROWS_PER_STATEMENT)) {
    added.push(...(await tx.insert(objects).values(part.map(toRow)).onConflictDoNothing().returning(changedColumns)));
  }
  await addUsage(tx, added, 1);
  await advanceHeads(tx, touches(added));
  return added.length;
};

/** Deletes ids (in `room` only if given); returns the distinct ids removed. */
export const deleteObjects = async (tx: Executor, ids: readonly Uint8Array[], room?: Uint8Array): Promise<number> => {
  const sorted = [...ids].sort(compare);
  const removed: Changed[] = [];
  for (const part of chunks(sorted, ROWS_PER_STATEMENT)) {
    const where = room === undefined ? inArray(objects.id, part) : and(eq(objects.room, room), inArray(objects.id, part));
    removed.push(...(await tx.delete(objects).where(where).returning(changedColumns)));
  }
  await addUsage(tx, removed, -1);
  await retreatHeads(tx, touches(removed));
  return new Set(removed.map((r) => toHex(r.id))).size;
};

/** Candidates fetched per eviction round. */
const EVICT_BATCH = 500;

/**
 * Deletes the room's oldest objects of the given type codes (never one pending in the outbox) until
 * its bytes are at most `maxBytes`. The room's usage row is locked first: evictions of one room take turns.
 */
export const evictOldest = async (tx: Executor, room: Uint8Array, maxBytes: number, codes: readonly number[]): Promise<Uint8Array[]> => {
  const [u] = await tx.select({ bytes: roomUsage.bytes }).from(roomUsage).where(eq(roomUsage.room, room)).for('update');
  let excess = (u?.bytes ?? 0) - maxBytes;
  const evicted: Uint8Array[] = [];
  while (excess > 0) {
    const rows = await tx
      .select({ id: objects.id, size: objects.size })
      .from(objects)
      .where(
        and(
          eq(objects.room, room),
          inArray(objects.type, [...codes]),
          notExists(tx.select({ one: sql`1` }).from(outbox).where(sql`${outbox.id} = ${objects.id}`)),
        ),
      )
      .orderBy(asc(objects.receivedAt), asc(objects.id))
      .limit(EVICT_BATCH);
    const take: Uint8Array[] = [];
    for (const r of rows) {
      if (excess <= 0) break;
      take.push(r.id);
      excess -= r.size;
    }
    if (take.length === 0) break;
    await deleteObjects(tx, take, room);
    evicted.push(...take);
  }
  return evicted;
};
