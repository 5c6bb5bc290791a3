/**
 * The hub seen from the attacker's side (its operator). Canary: messages carrying unique strings go
 * through the hub; every table of its database (rows as text, bytea as hex and raw), its database
 * files (PGlite's directory; Postgres's files of that database and its WAL) and its logs hold none
 * of them, while the same scan does find what the hub legitimately holds (room ids, frame bytes).
 * Forgery: the operator rewrites a stored message in the database; a joiner that syncs from the
 * hub rejects it (signature) and gets the genuine one from another member. Omission (THREATS 25):
 * the operator deletes the newest authority entry; a joiner meeting only the hub does not accept
 * the truncated log (nor join on it), and joins with the whole log once a member is online.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import { rowsOf } from '@parley/store-postgres';
import { sql } from 'drizzle-orm';
import { type Hub, pinoLog } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

const filesUnder = (dir: string): string[] => {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
};

/** Every row of every table in the hub's database, as text (bytea rendered as hex by Postgres). */
const dumpTables = async (hub: Hub): Promise<string> => {
  const db = hub.store?.db;
  assert.ok(db !== undefined);
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`)).map((r) => String(r.table_name));
  assert.ok(tables.includes('objects'), 'the scan sees the objects table');
  let text = '';
  for (const t of tables) for (const r of rowsOf(await db.execute(sql.raw(`select t::text as row from "${t}" t`)))) text += `${r.row}\n`;
  return text;
};

const hexOf = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}, from the attacker's side`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('canary: no message text in the database, its files or the logs', { timeout: 120_000 }, async () => {
      const storage = await backend.storage('canary');
      let logs = '';
      const sink = new Writable({
        write(chunk, _enc, done) {
          logs += chunk.toString();
          done();
        },
      });
      const hub = await testHub(storage, { log: pinoLog('debug', sink) });
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      const bob = await testClient('bob', { bootstrap: [addr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Canary room', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub.pinRoom(room);
      await eventually('hub serves the room', async () => (await hub.status()).rooms[0]?.objects ?? 0);
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send', () => bob.canSend(room, general));
      const canaries = Array.from({ length: 12 }, (_, i) => `CANARY-${process.pid}-${i}-${Math.random().toString(36).slice(2)}`);
      for (const [i, c] of canaries.entries()) await (i % 2 === 0 ? alice : bob).send(room, general, `secret ${c} end`);
      await eventually('hub holds every canary message', async () => (await hub.store?.range(room, general, { limit: 100 }))?.length === canaries.length);
      // Positive control: the canaries were really sent, readable by members.
      const read = (await alice.history(room, general, { limit: 100 })).map((m) => m.text ?? '');
      for (const c of canaries)
        assert.ok(
          read.some((t) => t.includes(c)),
          'a member reads the canary',
        );

      const tables = await dumpTables(hub);
      assert.ok(tables.includes(toHex(room)), 'control: the dump holds the room id (hex)');
      for (const c of canaries) {
        assert.ok(!tables.includes(c), 'no canary in any table as text');
        assert.ok(!tables.includes(hexOf(c)), 'no canary in any table as bytes');
      }
      let files: string[];
      if (storage.kind === 'pglite') {
        await hub.stop();
        files = filesUnder(storage.dataDir as string);
      } else {
        const db = hub.store?.db;
        assert.ok(db !== undefined);
        await db.execute(sql`checkpoint`);
        const dir = String(rowsOf(await db.execute(sql`show data_directory`))[0]?.data_directory);
        const oid = String(rowsOf(await db.execute(sql`select oid from pg_database where datname = current_database()`))[0]?.oid);
        files = [...filesUnder(join(dir, 'base', oid)), ...filesUnder(join(dir, 'pg_wal')).filter((f) => !f.includes('archive_status'))];
      }
      assert.ok(files.length > 3, `scanned ${files.length} database files`);
      const roomBytes = Buffer.from(room);
      let roomSeen = false;
      for (const f of files) {
        const bytes = readFileSync(f);
        if (bytes.includes(roomBytes)) roomSeen = true;
        for (const c of canaries) assert.ok(!bytes.includes(Buffer.from(c)), `no canary in ${f}`);
      }
      assert.ok(roomSeen, 'control: the room id is in the database files');
      assert.ok(logs.length > 0 && logs.includes('hub started'), 'control: logs were captured');
      for (const c of canaries) assert.ok(!logs.includes(c), 'no canary in the logs');
    });

    it('forgery: a message the operator rewrites is rejected by a joiner, who gets the genuine one elsewhere', { timeout: 120_000 }, async () => {
      const storage = await backend.storage('forge');
      const hub = await testHub(storage);
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice-f', { bootstrap: [addr] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Forge room', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub.pinRoom(room);
      await eventually('hub serves the room', async () => (await hub.status()).rooms[0]?.objects ?? 0);
      for (let i = 0; i < 5; i++) await alice.send(room, general, `genuine ${i}`);
      await eventually('hub holds 5 messages', async () => (await hub.store?.range(room, general, { limit: 100 }))?.length === 5);
      const victim = (await hub.store?.range(room, general, { limit: 100 }))?.[2];
      assert.ok(victim !== undefined);
      const forged = Buffer.from(victim.bytes);
      forged[forged.length - 80] = (forged[forged.length - 80] as number) ^ 0xff; // inside the ciphertext
      await hub.store?.db.execute(sql`update objects set bytes = ${forged} where id = ${Buffer.from(victim.id)}`);
      const stored = await hub.store?.get(victim.id, room);
      assert.notDeepEqual(stored?.bytes, victim.bytes, 'the database now serves the forged frame');

      // The joiner meets the forged copy first: only the hub is online.
      const invite = alice.createInvite(room);
      const aliceStore = alice.store;
      const aliceId = alice.identity;
      await alice.close();
      const carol = await testClient('carol-f', { bootstrap: [addr] });
      clients.push(carol);
      await carol.join(invite, { timeoutMs: 60_000 });
      await eventually('carol rejected the forged frame', () => (carol.ingest.rejections.get('ERR_SIGNATURE') ?? 0) >= 1, 30_000);
      const partial = (await carol.history(room, general, { limit: 100 })).map((m) => toHex(m.id));
      assert.ok(!partial.includes(toHex(victim.id)), 'the forged message is not in her history');
      // Another source comes online: she gets the genuine message from it.
      const alice2 = await testClient('alice-f', { bootstrap: [addr], identity: aliceId, store: aliceStore });
      clients.push(alice2);
      await alice2.openRoom(room);
      await alice2.node.dial(carol.node.multiaddrs()[0] as string);
      await eventually(
        'carol has all 5 genuine messages',
        async () => {
          const ids = (await carol.history(room, general, { limit: 100 })).map((m) => toHex(m.id));
          return ids.length === 5 && ids.includes(toHex(victim.id));
        },
        40_000,
      );
      const held = await carol.store.get(victim.id, room);
      assert.deepEqual(held?.bytes, victim.bytes, 'carol holds the genuine frame, not the forged one');
    });

    it('omission: a hub that withholds the newest authority entry cannot make a joiner accept the truncated log (THREATS 25)', {
      timeout: 180_000,
    }, async () => {
      const hub = await testHub(await backend.storage('omit'));
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice-o', { bootstrap: [addr] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Omission room', channels: ['general'], policy: { hubs: [hub.node.peerId] } });
      const plans = await alice.createChannel(room, 'plans');
      const full = (await alice.store.authority(room)).length;
      await eventually('the hub holds the whole log', async () => (await hub.store?.authority(room))?.length === full, 30_000);
      const invite = alice.createInvite(room);
      const aliceStore = alice.store;
      const aliceId = alice.identity;
      await alice.close();
      // The operator deletes the newest entry (the channel's creation) from the hub's database.
      const withheld = [...(await aliceStore.authority(room))].sort((a, b) => (b.lamport ?? 0) - (a.lamport ?? 0))[0];
      assert.ok(withheld !== undefined);
      await hub.store?.db.execute(sql`delete from objects where id = ${Buffer.from(withheld.id)}`);
      assert.equal((await hub.store?.authority(room))?.length, full - 1, 'the hub now serves the log without it');

      const carol = await testClient('carol-o', { bootstrap: [addr] });
      clients.push(carol);
      await assert.rejects(carol.join(invite, { timeoutMs: 8_000 }), /without 1 entry the invite names/);
      assert.deepEqual(carol.rooms().map(toHex), [], 'the failed join leaves no half-joined room');
      assert.ok((await carol.store.authority(room)).every((o) => toHex(o.id) !== toHex(withheld.id)));

      // A member comes online: carol joins, with the whole log.
      const alice2 = await testClient('alice-o', { bootstrap: [addr], identity: aliceId, store: aliceStore });
      clients.push(alice2);
      await alice2.openRoom(room);
      await alice2.node.dial(carol.node.multiaddrs()[0] as string);
      await carol.join(invite, { timeoutMs: 60_000 });
      assert.ok(
        carol.channels(room).some((c) => toHex(c.id) === toHex(plans)),
        'carol has the channel the hub withheld',
      );
      await eventually('carol can send in it', () => carol.canSend(room, plans), 30_000);
    });
  });
}
