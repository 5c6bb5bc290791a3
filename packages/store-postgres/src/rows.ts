/** StoredObject <-> objects row, and the SQL conditions of channel ranges. */
import { OBJECT_TYPES, type ObjectTypeName, typeName } from '@parley/protocol';
import { type Bounds, type Cursor, idLimbs, type StoredObject } from '@parley/store';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { ENVELOPE_CODE, objects } from './schema.ts';

export type ObjectRow = typeof objects.$inferSelect;
export type ObjectInsert = typeof objects.$inferInsert;

export const toRow = (o: StoredObject): ObjectInsert => {
  const [f0, f1, f2, f3] = idLimbs(o.id);
  return {
    room: o.room,
    id: o.id,
    type: OBJECT_TYPES[o.type],
    channel: o.channel ?? null,
    device: o.device ?? null,
    seq: o.seq ?? null,
    lamport: o.lamport ?? null,
    account: o.account ?? null,
    bytes: o.bytes,
    size: o.bytes.length,
    receivedAt: o.receivedAt,
    f0,
    f1,
    f2,
    f3,
  };
};

export const typeOf = (code: number): ObjectTypeName => {
  const t = typeName(code);
  if (t === undefined) throw new TypeError(`unknown type code ${code} in the database`);
  return t;
};

type ObjectColumns = Pick<ObjectRow, 'room' | 'id' | 'type' | 'channel' | 'device' | 'seq' | 'lamport' | 'account' | 'bytes' | 'receivedAt'>;

export const fromRow = (r: ObjectColumns): StoredObject => {
  const out: { -readonly [K in keyof StoredObject]: StoredObject[K] } = {
    id: r.id,
    type: typeOf(r.type),
    room: r.room,
    bytes: r.bytes,
    receivedAt: r.receivedAt,
  };
  if (r.channel !== null) out.channel = r.channel;
  if (r.device !== null) out.device = r.device;
  if (r.seq !== null) out.seq = r.seq;
  if (r.lamport !== null) out.lamport = r.lamport;
  if (r.account !== null) out.account = r.account;
  return out;
};

/** The columns fromRow needs, for `select(objectColumns)`. */
export const objectColumns = {
  room: objects.room,
  id: objects.id,
  type: objects.type,
  channel: objects.channel,
  device: objects.device,
  seq: objects.seq,
  lamport: objects.lamport,
  account: objects.account,
  bytes: objects.bytes,
  receivedAt: objects.receivedAt,
};

/** type = ENVELOPE, inlined so the partial indexes apply. */
export const isEnvelope = sql`${objects.type} = ${sql.raw(String(ENVELOPE_CODE))}`;

export const cursorAfter = (c: Cursor, inclusive: boolean): SQL =>
  inclusive ? sql`(${objects.lamport}, ${objects.id}) >= (${c.lamport}, ${c.id})` : sql`(${objects.lamport}, ${objects.id}) > (${c.lamport}, ${c.id})`;

export const cursorBefore = (c: Cursor): SQL => sql`(${objects.lamport}, ${objects.id}) < (${c.lamport}, ${c.id})`;

/** The envelopes of (room, channel) in [lower, upper). */
export const channelRange = (room: Uint8Array, channel: Uint8Array, b: Bounds): SQL =>
  and(
    eq(objects.room, room),
    eq(objects.channel, channel),
    isEnvelope,
    b.lower === undefined ? undefined : cursorAfter(b.lower, true),
    b.upper === undefined ? undefined : cursorBefore(b.upper),
  ) as SQL;
