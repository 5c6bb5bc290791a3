/**
 * THREATS 31: a database connection that drops mid-transaction loses no committed data and leaves no
 * half-written batch, and the store carries on. The drop is made deterministic: a second session
 * holds an uncommitted row with the batch's last key, so the store's INSERT has written every other
 * row of the batch and waits on that key; then we terminate the waiting backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compare, toHex } from '@parley/protocol';
import type { StoredObject } from '@parley/store';
import { Fixtures } from '@parley/store/compliance';
import { sql } from 'drizzle-orm';
import postgres, { type ReservedSql, type Sql } from 'postgres';
import { rowsOf } from '../src/db.ts';
import { openPostgresStore, type PostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let db: TestDatabase;
let holder: Sql;
before(async () => {
  db = await createTestDatabase('drop');
  holder = postgres(db.url, { max: 2, onnotice: () => {} });
});
after(async () => {
  await holder?.end();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Terminates backends waiting on a lock (each retry of the put waits again): `times` of them, or
 * every one until `until` settles. Returns how many were terminated.
 */
const killWaiting = async (times: number, until?: Promise<unknown>): Promise<number> => {
  let settled = false;
  until?.then(
    () => (settled = true),
    () => (settled = true),
  );
  const killed = new Set<number>();
  for (let i = 0; until === undefined ? killed.size < times : !settled; i++) {
    if (i > 1000) throw new Error(`only ${killed.size} backends ever waited on the lock`);
    const rows = await db.admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${db.name} and wait_event_type = 'Lock'`;
    for (const { pid } of rows) {
      if (killed.has(pid)) continue;
      await db.admin`select pg_terminate_backend(${pid})`;
      killed.add(pid);
    }
    await sleep(10);
  }
  return killed.size;
};

/** Rows of the room that any other session can see: what is committed. */
const committedCount = async (room: Uint8Array): Promise<number> => {
  const [r] = await holder<{ n: number }[]>`select count(*)::int as n from objects where room = ${room}`;
  return r?.n ?? -1;
};

const state = async (s: PostgresStore, room: Uint8Array, ch: Uint8Array) => ({
  usage: await s.usage(room),
  have: await s.haveVector(room, ch),
  fp: toHex((await s.fingerprint(room, ch)).fingerprint),
});

interface Scene {
  store: PostgresStore;
  held: ReservedSql;
  room: Uint8Array;
  ch: Uint8Array;
  committed: StoredObject[];
  batch: StoredObject[];
}

/** A store with 50 committed envelopes, and a 300-envelope batch whose last key another session holds. */
const scene = async (seed: number): Promise<Scene> => {
  const store = await openPostgresStore({ driver: 'postgres', url: db.url, max: 1 });
  const f = new Fixtures(seed);
  const room = f.room();
  const ch = f.channel();
  const committed = f.history(room, ch, 50, 2);
  await store.put(committed);
  const batch = f.history(room, ch, 300, 3);
  const last = [...batch].sort((a, b) => compare(a.id, b.id)).at(-1) as StoredObject;
  const held = await holder.reserve();
  await held`begin`;
  await held`insert into objects (room, id, type, bytes, size, received_at, f0, f1, f2, f3)
             values (${room}, ${last.id}, 32, ${last.bytes}, ${last.bytes.length}, 0, 0, 0, 0, 0)`;
  return { store, held, room, ch, committed, batch };
};

describe('dropped connection (THREATS 31)', () => {
  it('a put whose connection drops mid-batch is retried whole on a fresh connection', async () => {
    const s = await scene(31);
    try {
      const put = s.store.put(s.batch);
      await killWaiting(1);
      assert.equal(await committedCount(s.room), s.committed.length, 'nothing of the cut-off batch is visible');
      await s.held`rollback`;
      assert.equal(await put, s.batch.length);
      const all = [...s.committed, ...s.batch];
      assert.deepEqual(await s.store.usage(s.room), { count: all.length, bytes: all.reduce((n, o) => n + o.bytes.length, 0) });
      assert.equal((await s.store.fingerprint(s.room, s.ch)).count, all.length);
      assert.deepEqual(
        Object.values(await s.store.haveVector(s.room, s.ch)).sort((x, y) => x - y),
        [25, 25, 100, 100, 100],
      );
    } finally {
      s.held.release();
      await s.store.close();
    }
  });

  it('a put that loses every connection fails, writes nothing, and the store keeps working', async () => {
    const s = await scene(32);
    try {
      const before = await state(s.store, s.room, s.ch);
      const put = s.store.put(s.batch);
      const rejected = assert.rejects(put, 'the put reports failure after its retries');
      assert.ok((await killWaiting(0, put)) >= 2, 'the put was retried after the first drop');
      await rejected;
      await s.held`rollback`;
      assert.deepEqual(await state(s.store, s.room, s.ch), before, 'nothing of the batch, everything committed before');
      assert.deepEqual(
        await s.store.has(s.batch.map((o) => o.id)),
        s.batch.map(() => false),
      );
      assert.equal(await s.store.put(s.batch), s.batch.length, 'the same batch goes through afterwards');
      assert.equal((await s.store.usage(s.room)).count, s.committed.length + s.batch.length);
    } finally {
      s.held.release();
      await s.store.close();
    }
  });

  it('an idle connection killed between calls is replaced transparently', async () => {
    const store = await openPostgresStore({ driver: 'postgres', url: db.url, max: 1 });
    try {
      const f = new Fixtures(33);
      const room = f.room();
      await store.put([f.other('PROFILE', room)]);
      const [mine] = await store.db.execute(sql`select pg_backend_pid() as pid`).then(rowsOf);
      await db.admin`select pg_terminate_backend(${Number(mine?.pid)})`;
      await sleep(50);
      assert.equal((await store.usage(room)).count, 1);
      assert.equal(await store.enqueue(f.other('INVITE_TOKEN', room)), true);
      assert.equal((await store.pending()).length, 1);
    } finally {
      await store.close();
    }
  });
});
