/** Single-statement reads over checked arguments. */
import { OBJECT_TYPES, type ObjectTypeName, toHex } from '@parley/protocol';
import type { CheckedRange, CheckedTypeQuery, StoredObject, Usage } from '@parley/store';
import { and, asc, between, desc, eq, gt, inArray } from 'drizzle-orm';
import { chunks, type Executor } from './db.ts';
import { cursorAfter, cursorBefore, fromRow, isEnvelope, objectColumns } from './rows.ts';
import { AUTHORITY_CODE, objects, roomUsage } from './schema.ts';

export const getObject = async (db: Executor, id: Uint8Array, room: Uint8Array | undefined): Promise<StoredObject | undefined> => {
  const [row] = await db
    .select(objectColumns)
    .from(objects)
    .where(and(eq(objects.id, id), room === undefined ? undefined : eq(objects.room, room)))
    .orderBy(asc(objects.room))
    .limit(1);
  return row === undefined ? undefined : fromRow(row);
};

export const hasIds = async (db: Executor, ids: readonly Uint8Array[], room: Uint8Array | undefined): Promise<boolean[]> => {
  const held = new Set<string>();
  for (const part of chunks(ids, 1000)) {
    const rows = await db
      .selectDistinct({ id: objects.id })
      .from(objects)
      .where(and(inArray(objects.id, part), room === undefined ? undefined : eq(objects.room, room)));
    for (const r of rows) held.add(toHex(r.id));
  }
  return ids.map((id) => held.has(toHex(id)));
};

export const authorityOf = async (db: Executor, room: Uint8Array): Promise<StoredObject[]> => {
  const rows = await db
    .select(objectColumns)
    .from(objects)
    .where(and(eq(objects.room, room), eq(objects.type, AUTHORITY_CODE)))
    .orderBy(asc(objects.lamport), asc(objects.id));
  return rows.map(fromRow);
};

export const objectsByType = async (db: Executor, room: Uint8Array, type: ObjectTypeName, q: CheckedTypeQuery): Promise<StoredObject[]> => {
  const rows = await db
    .select(objectColumns)
    .from(objects)
    .where(
      and(
        eq(objects.room, room),
        eq(objects.type, OBJECT_TYPES[type]),
        q.account === undefined ? undefined : eq(objects.account, q.account),
        q.channel === undefined ? undefined : eq(objects.channel, q.channel),
        q.afterId === undefined ? undefined : gt(objects.id, q.afterId),
      ),
    )
    .orderBy(asc(objects.id))
    .limit(q.limit);
  return rows.map(fromRow);
};

export const historyPage = async (db: Executor, room: Uint8Array, channel: Uint8Array, q: CheckedRange): Promise<StoredObject[]> => {
  const dir = q.order === 'asc' ? asc : desc;
  const rows = await db
    .select(objectColumns)
    .from(objects)
    .where(
      and(
        eq(objects.room, room),
        eq(objects.channel, channel),
        isEnvelope,
        q.after === undefined ? undefined : cursorAfter(q.after, false),
        q.before === undefined ? undefined : cursorBefore(q.before),
      ),
    )
    .orderBy(dir(objects.lamport), dir(objects.id))
    .limit(q.limit);
  return rows.map(fromRow);
};

export const deviceSpan = async (
  db: Executor,
  room: Uint8Array,
  channel: Uint8Array,
  device: Uint8Array,
  from: number,
  to: number,
): Promise<StoredObject[]> => {
  if (from > to) return [];
  const rows = await db
    .select(objectColumns)
    .from(objects)
    .where(and(eq(objects.room, room), eq(objects.channel, channel), eq(objects.device, device), isEnvelope, between(objects.seq, from, to)))
    .orderBy(asc(objects.seq), asc(objects.id));
  return rows.map(fromRow);
};

export const usageOf = async (db: Executor, room: Uint8Array): Promise<Usage> => {
  const [row] = await db.select({ count: roomUsage.count, bytes: roomUsage.bytes }).from(roomUsage).where(eq(roomUsage.room, room));
  return { count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
};
