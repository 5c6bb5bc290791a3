/**
 * Which rooms a hub stores: a room whose policy does not name the hub is not stored, even when its
 * members use the hub as their bootstrap and relay peer; once an operator pins it, the hub pulls
 * it from the members and stores it. PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import type { Hub } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: rooms it does not serve`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('stores nothing of a room that does not pin it, until an operator pins it', { timeout: 120_000 }, async () => {
      const hub = await testHub(await backend.storage('unpinned'));
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      const bob = await testClient('bob', { bootstrap: [addr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Not pinned', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send', () => bob.canSend(room, general));
      for (let i = 0; i < 5; i++) await alice.send(room, general, `a${i}`);
      for (let i = 0; i < 5; i++) await bob.send(room, general, `b${i}`);
      await eventually('bob has all 10', async () => (await bob.history(room, general, { limit: 100 })).length === 10);
      // give the hub's periodic catch-up (1 s in tests) a few rounds to do the wrong thing
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual((await hub.status()).rooms, [], 'the hub serves no room');
      assert.deepEqual(await hub.store?.usage(room), { count: 0, bytes: 0 }, 'the hub stored nothing of it');

      await hub.pinRoom(room);
      await eventually(
        'the operator pin makes the hub pull the room',
        async () => (await hub.store?.range(room, general, { limit: 100 }))?.length === 10,
        30_000,
      );
      assert.equal((await hub.store?.authority(room))?.length, (await alice.store.authority(room)).length, 'and its whole authority log');
      assert.deepEqual(
        (await hub.status()).rooms.map((r) => [r.room, r.pinnedBy]),
        [[toHex(room), ['operator']]],
      );
    });
  });
}
