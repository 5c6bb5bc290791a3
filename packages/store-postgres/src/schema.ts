/**
 * The Postgres schema (drizzle-orm). Ids, keys and frames are bytea; counters are bigint. Migrations
 * in ../migrations are generated from this file with `npm run generate -w packages/store-postgres`.
 *
 *   objects        one row per (room, id): frame bytes + indexed metadata + the id's four 64-bit
 *                  limbs (f0..f3), so a range fingerprint is a plain SUM over an index range
 *   room_usage     objects and bytes per room, kept in step by every write (quotas)
 *   channel_heads  per (room, channel, device): highest contiguous seq from 1 (have-vectors)
 *   outbox         what this device must re-offer until acknowledged, with its own copy of the object
 *   files, file_chunks  shared files: record + piece list, and encrypted chunks
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, pgTable, primaryKey, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';

/** bytea as a plain Uint8Array in both directions (postgres.js returns Buffers). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => {
    const out = new Uint8Array(v.length);
    out.set(v);
    return out;
  },
});

/** OBJECT_TYPES.ENVELOPE and AUTHORITY_ENTRY, inlined in SQL so partial indexes match. */
export const ENVELOPE_CODE = 0x20;
export const AUTHORITY_CODE = 0x10;

export const objects = pgTable(
  'objects',
  {
    room: bytea('room').notNull(),
    id: bytea('id').notNull(),
    type: smallint('type').notNull(),
    channel: bytea('channel'),
    device: bytea('device'),
    seq: bigint('seq', { mode: 'number' }),
    lamport: bigint('lamport', { mode: 'number' }),
    account: bytea('account'),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    f0: bigint('f0', { mode: 'bigint' }).notNull(),
    f1: bigint('f1', { mode: 'bigint' }).notNull(),
    f2: bigint('f2', { mode: 'bigint' }).notNull(),
    f3: bigint('f3', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'objects_pkey', columns: [t.room, t.id] }),
    index('objects_id_idx').on(t.id),
    // History paging and range reconciliation: (room, channel, lamport, id) over envelopes.
    index('objects_history_idx')
      .on(t.room, t.channel, t.lamport, t.id)
      .where(sql`type = ${sql.raw(String(ENVELOPE_CODE))}`),
    // Have-vectors and "what do I lack": one device's stream by seq.
    index('objects_stream_idx')
      .on(t.room, t.channel, t.device, t.seq)
      .where(sql`type = ${sql.raw(String(ENVELOPE_CODE))}`),
    index('objects_type_idx').on(t.room, t.type, t.id),
    index('objects_account_idx').on(t.room, t.account, t.type),
    // Eviction: oldest first.
    index('objects_received_idx').on(t.room, t.receivedAt, t.id),
  ],
);

export const roomUsage = pgTable('room_usage', {
  room: bytea('room').primaryKey(),
  count: bigint('count', { mode: 'number' }).notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
});

export const channelHeads = pgTable(
  'channel_heads',
  {
    room: bytea('room').notNull(),
    channel: bytea('channel').notNull(),
    device: bytea('device').notNull(),
    contiguous: bigint('contiguous', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'channel_heads_pkey', columns: [t.room, t.channel, t.device] })],
);

export const outbox = pgTable(
  'outbox',
  {
    id: bytea('id').primaryKey(),
    position: bigserial('position', { mode: 'number' }).notNull(),
    room: bytea('room').notNull(),
    type: smallint('type').notNull(),
    channel: bytea('channel'),
    device: bytea('device'),
    seq: bigint('seq', { mode: 'number' }),
    lamport: bigint('lamport', { mode: 'number' }),
    account: bytea('account'),
    bytes: bytea('bytes').notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    targets: text('targets').array(),
    acks: text('acks').array().notNull().default(sql`'{}'::text[]`),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull().default(0),
    lastAttemptAt: bigint('last_attempt_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('outbox_position_idx').on(t.position)],
);

/**
 * Shared files (PROTOCOL 12): one row per file with its verified piece list, and its encrypted chunks.
 * Ciphertext only; `message` finds the file of a deleted message.
 */
export const files = pgTable(
  'files',
  {
    id: bytea('id').primaryKey(),
    room: bytea('room').notNull(),
    channel: bytea('channel').notNull(),
    message: bytea('message').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    pieces: bytea('pieces').notNull(),
  },
  (t) => [index('files_message_idx').on(t.message), index('files_room_idx').on(t.room)],
);

export const fileChunks = pgTable(
  'file_chunks',
  {
    file: bytea('file').notNull(),
    idx: integer('idx').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ name: 'file_chunks_pkey', columns: [t.file, t.idx] })],
);
