/**
 * A hub keeps a room alive while every member is offline: two members chat through a hub that an
 * operator pinned the room to, both leave, and a third joins by invite with only the hub online and
 * gets the whole authority log and history, verified by its own ingest path. A hub restarted on the
 * same storage still serves it. Both on PGlite (on disk) and on the machine's Postgres.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import type { Hub } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: a room outlives its members`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('two members chat and leave; a third joins with only the hub online and gets everything, verified', { timeout: 120_000 }, async () => {
      const storage = await backend.storage('offline');
      const hub = await testHub(storage);
      hubs.push(hub);
      const hubAddr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [hubAddr] });
      const bob = await testClient('bob', { bootstrap: [hubAddr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Hub room', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub.pinRoom(room);
      await eventually('the hub serves the room', async () => (await hub.status()).rooms.some((r) => r.room === toHex(room) && r.objects > 0));
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send', () => bob.canSend(room, general));
      for (let i = 0; i < 10; i++) await alice.send(room, general, `from alice ${i}`);
      for (let i = 0; i < 10; i++) await bob.send(room, general, `from bob ${i}`);
      const expected = async (c: ParleyClient) => (await c.history(room, general, { limit: 1000 })).map((m) => toHex(m.id));
      await eventually('alice has all 20', async () => (await expected(alice)).length === 20);
      const ids = await expected(alice);
      await eventually(
        'the hub holds all 20',
        async () => (await hub.store?.haveVector(room, general)) !== undefined && (await hub.store?.range(room, general, { limit: 1000 }))?.length === 20,
      );
      const authority = (await alice.store.authority(room)).map((o) => toHex(o.id)).sort();
      const invite = alice.createInvite(room);
      await alice.close();
      await bob.close();

      const carol = await testClient('carol', { bootstrap: [hubAddr] });
      clients.push(carol);
      const joined = await carol.join(invite, { timeoutMs: 60_000 });
      assert.deepEqual(joined.syncedFrom, [hub.node.peerId], 'only the hub served the room');
      await eventually('carol has the history', async () => (await expected(carol)).length === 20, 30_000);
      assert.deepEqual(await expected(carol), ids, 'same messages, same order');
      const carolAuthority = (await carol.store.authority(room)).map((o) => toHex(o.id));
      for (const id of authority) assert.ok(carolAuthority.includes(id), 'every authority entry the members had');
      assert.equal(carol.ingest.rejections.size, 0, 'nothing the hub served was rejected');
    });

    it('a hub restarted on the same storage keeps serving the room', { timeout: 90_000 }, async () => {
      const storage = await backend.storage('restart');
      const seed = new Uint8Array(32).fill(7);
      const hub1 = await testHub(storage, { identitySeed: seed });
      const hubAddr = hub1.node.multiaddrs()[0] as string;
      const alice = await testClient('alice2', { bootstrap: [hubAddr] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Restart', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub1.pinRoom(room);
      await eventually('the hub has the room', async () => (await hub1.status()).rooms[0]?.objects ?? 0);
      for (let i = 0; i < 5; i++) await alice.send(room, general, `m${i}`);
      await eventually('the hub holds 5 messages', async () => (await hub1.store?.range(room, general, { limit: 100 }))?.length === 5);
      const invite = alice.createInvite(room);
      await alice.close();
      await hub1.stop();

      const hub2 = await testHub(storage, { identitySeed: seed });
      hubs.push(hub2);
      assert.deepEqual(
        (await hub2.status()).rooms.map((r) => [r.room, r.pinnedBy]),
        [[toHex(room), ['operator']]],
      );
      const dave = await testClient('dave', { bootstrap: [hub2.node.multiaddrs()[0] as string] });
      clients.push(dave);
      await dave.join(invite, { timeoutMs: 60_000 });
      await eventually('dave has the 5 messages', async () => (await dave.history(room, general, { limit: 100 })).length === 5, 30_000);
    });
  });
}
