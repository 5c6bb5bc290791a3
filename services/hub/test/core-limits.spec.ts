/**
 * The hub's abuse limits on its storage: a room over its byte quota loses its oldest messages (never
 * its authority log) and keeps taking new ones; an object over the hub's size limit is refused.
 * PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import type { Hub, HubMetrics, RejectReason } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: storage limits`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('evicts the oldest messages beyond the room quota and refuses objects over the size limit', { timeout: 120_000 }, async () => {
      const rejected = new Map<RejectReason, number>();
      const metrics: HubMetrics = {
        stored() {},
        rejected: (r, n = 1) => rejected.set(r, (rejected.get(r) ?? 0) + n),
        syncSession() {},
        setPeers() {},
        setRooms() {},
      };
      const QUOTA = 40_000;
      const hub = await testHub(await backend.storage('limits'), { limits: { roomQuotaBytes: QUOTA, maxObjectBytes: 4000 }, metrics });
      hubs.push(hub);
      const alice = await testClient('alice', { bootstrap: [hub.node.multiaddrs()[0] as string] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Quota', channels: ['general'], policy: { hubs: [hub.node.peerId], durability: 'replicated' } });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      const sent: string[] = [];
      for (let i = 0; i < 150; i++) sent.push(toHex(await alice.send(room, general, `message ${i} ${'x'.repeat(200)}`)));
      await eventually('the hub took all 150 (its acknowledgements emptied the outbox)', async () => (await alice.pendingCount()) === 0, 60_000);
      const u = await hub.store?.usage(room);
      assert.ok(u !== undefined && u.bytes <= QUOTA, `room within its quota: ${u?.bytes} bytes`);
      const held = (await hub.store?.range(room, general, { limit: 1000 }))?.map((o) => toHex(o.id)) ?? [];
      const kept = sent.map((id, i) => (held.includes(id) ? i : -1)).filter((i) => i >= 0);
      assert.ok(kept.length > 10 && kept.length < 150, `some evicted, some kept: ${kept.length}`);
      // Eviction goes by arrival (receivedAt, then id): objects that arrived in one PUT batch tie, so
      // within a batch it is not history order. Across arrivals it is: a later arrival is kept.
      // still taking new messages after evicting (eviction goes by arrival: the newest arrival stays)
      await new Promise((r) => setTimeout(r, 50));
      const later = toHex(await alice.send(room, general, 'after the quota'));
      await eventually('a new message is stored', async () => (await hub.store?.has([Buffer.from(later, 'hex')], room))?.[0] === true, 20_000);
      assert.ok(((await hub.store?.usage(room))?.bytes ?? 0) <= QUOTA, 'still within the quota');
      assert.equal((await hub.store?.authority(room))?.length, (await alice.store.authority(room)).length, 'the authority log is never evicted');
      assert.ok((rejected.get('quota') ?? 0) > 0, 'evictions counted');
      // over the size limit: a long message is refused by the hub (members still have it)
      const big = toHex(await alice.send(room, general, 'y'.repeat(5000)));
      await eventually('counted as too large', () => (rejected.get('too-large') ?? 0) > 0, 20_000);
      assert.equal((await hub.store?.has([Buffer.from(big, 'hex')], room))?.[0], false);
    });
  });
}
