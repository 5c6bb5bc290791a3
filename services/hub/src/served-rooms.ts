/**
 * Which rooms this hub serves and why, kept across restarts: a table the hub owns in its own
 * database (`hub_served_rooms`), or memory when storage is off. `policy` means the room's authority
 * log names this hub in its pinned hubs; `operator` means an operator pinned it (admin API / CLI).
 */
import { fromHex, toHex } from '@parley/protocol';
import { type PostgresStore, rowsOf } from '@parley/store-postgres';
import { sql } from 'drizzle-orm';

export type PinReason = 'policy' | 'operator';

export interface ServedRoomsTable {
  list(): Promise<Map<string, Set<PinReason>>>;
  add(room: Uint8Array, reason: PinReason): Promise<void>;
  remove(room: Uint8Array, reason: PinReason): Promise<void>;
}

export const sqlServedRooms = async (store: PostgresStore): Promise<ServedRoomsTable> => {
  const db = store.db;
  await db.execute(sql`CREATE TABLE IF NOT EXISTS hub_served_rooms (
    room text NOT NULL,
    reason text NOT NULL CHECK (reason IN ('policy', 'operator')),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room, reason))`);
  return {
    async list() {
      const out = new Map<string, Set<PinReason>>();
      for (const r of rowsOf(await db.execute(sql`SELECT room, reason FROM hub_served_rooms`))) {
        const room = String(r.room);
        fromHex(room, 'hub_served_rooms.room');
        let set = out.get(room);
        if (set === undefined) out.set(room, (set = new Set()));
        set.add(r.reason as PinReason);
      }
      return out;
    },
    async add(room, reason) {
      await db.execute(sql`INSERT INTO hub_served_rooms (room, reason) VALUES (${toHex(room)}, ${reason}) ON CONFLICT DO NOTHING`);
    },
    async remove(room, reason) {
      await db.execute(sql`DELETE FROM hub_served_rooms WHERE room = ${toHex(room)} AND reason = ${reason}`);
    },
  };
};

export const memoryServedRooms = (): ServedRoomsTable => {
  const m = new Map<string, Set<PinReason>>();
  return {
    async list() {
      return new Map([...m].map(([k, v]) => [k, new Set(v)]));
    },
    async add(room, reason) {
      const k = toHex(room);
      let set = m.get(k);
      if (set === undefined) m.set(k, (set = new Set()));
      set.add(reason);
    },
    async remove(room, reason) {
      const k = toHex(room);
      m.get(k)?.delete(reason);
      if (m.get(k)?.size === 0) m.delete(k);
    },
  };
};
