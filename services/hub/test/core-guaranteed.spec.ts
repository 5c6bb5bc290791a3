/**
 * Pinning by policy and `guaranteed` durability: a room whose policy names the hub is taken on by
 * the hub when a member offers it the authority log (PUT); in a guaranteed channel a member's send
 * leaves its outbox only when the hub acknowledges it after commit, never on another member's word;
 * `strict` channels are never offered and never stored. PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import type { Hub } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: policy pins and guaranteed sends`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('the hub serves a room that pins it; guaranteed sends complete only on its acknowledgement', { timeout: 120_000 }, async () => {
      const hub = await testHub(await backend.storage('guaranteed'));
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      const bob = await testClient('bob', { bootstrap: [addr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({
        name: 'Guaranteed',
        channels: ['general', 'offrecord'],
        policy: { hubs: [hub.node.peerId], durability: 'guaranteed' },
      });
      const [general, offrecord] = alice.channels(room).map((c) => c.id) as [Uint8Array, Uint8Array];
      await alice.act(room, { kind: 'edit_channel', channel: offrecord, durability: 'strict' });
      await eventually('the hub took the room on by policy', async () =>
        (await hub.status()).rooms.find((r) => r.room === toHex(room))?.pinnedBy.includes('policy'),
      );
      const acked: string[] = [];
      alice.on('acked', (a) => acked.push(toHex(a.id)));
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push(toHex(await alice.send(room, general, `g${i}`)));
      await eventually(
        'every guaranteed send acknowledged by the hub',
        async () => sent.every((id) => acked.includes(id)) && (await alice.pendingCount()) === 0,
        30_000,
      );
      const held = new Set((await hub.store?.range(room, general, { limit: 100 }))?.map((o) => toHex(o.id)));
      for (const id of sent) assert.ok(held.has(id), 'an acknowledged message is in the hub database');

      // strict: offered to nobody's database but members'
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send in the strict channel', () => bob.canSend(room, offrecord));
      await bob.send(room, offrecord, 'off the record');
      await eventually('alice got it', async () => (await alice.history(room, offrecord, { limit: 10 })).length === 1);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await hub.store?.range(room, offrecord, { limit: 10 }))?.length, 0, 'the hub stored nothing of the strict channel');

      // hub down: guaranteed sends stay pending even though bob holds them
      await hub.stop();
      const late = await alice.send(room, general, 'while the hub is down');
      await eventually('bob has it', async () => (await bob.history(room, general, { limit: 100 })).some((m) => toHex(m.id) === toHex(late)));
      await alice.syncNow();
      assert.equal(await alice.pendingCount(), 1, "another member's copy does not complete a guaranteed send");
    });
  });
}
