/**
 * The hub's abuse limits on its storage: a room over its byte quota loses its oldest messages (never
 * its authority log) and keeps taking new ones; an object over the hub's size limit is refused; a
 * shared file that would take a room past its file quota is refused; a hub at its gossip backlog
 * limit ignores gossip (counted `busy`) and still gets everything by sync; a forged gossip object is weighed by its error code against its sender. PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { createParleyNode } from '@parley/net';
import { toHex } from '@parley/protocol';
import type { Hub, HubMetrics, RejectReason } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub } from './helpers.ts';

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: storage limits`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    const stops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const s of stops) await s().catch(() => undefined);
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
      // A gossip copy the hub stores behind its acknowledgements may land a moment later; its own
      // quota check follows it.
      await eventually('the room within its quota', async () => ((await hub.store?.usage(room))?.bytes ?? Infinity) <= QUOTA, 10_000);
      const held = (await hub.store?.range(room, general, { limit: 1000 }))?.map((o) => toHex(o.id)) ?? [];
      const kept = sent.map((id, i) => (held.includes(id) ? i : -1)).filter((i) => i >= 0);
      assert.ok(kept.length > 10 && kept.length < 150, `some evicted, some kept: ${kept.length}`);
      // Eviction goes by arrival (receivedAt, then id): objects that arrived in one PUT batch tie, so
      // within a batch it is not history order. Across arrivals it is: a later arrival is kept.
      // still taking new messages after evicting (eviction goes by arrival: the newest arrival stays)
      await new Promise((r) => setTimeout(r, 50));
      const later = toHex(await alice.send(room, general, 'after the quota'));
      await eventually('a new message is stored', async () => (await hub.store?.has([Buffer.from(later, 'hex')], room))?.[0] === true, 20_000);
      await eventually('still within the quota', async () => ((await hub.store?.usage(room))?.bytes ?? Infinity) <= QUOTA, 10_000);
      assert.equal((await hub.store?.authority(room))?.length, (await alice.store.authority(room)).length, 'the authority log is never evicted');
      assert.ok((rejected.get('quota') ?? 0) > 0, 'evictions counted');
      // over the size limit: a long message is refused by the hub (members still have it)
      const big = toHex(await alice.send(room, general, 'y'.repeat(5000)));
      await eventually('counted as too large', () => (rejected.get('too-large') ?? 0) > 0, 20_000);
      assert.equal((await hub.store?.has([Buffer.from(big, 'hex')], room))?.[0], false);
    });

    it('refuses a shared file that would take a room past its file quota, counted, and keeps taking files in other rooms', { timeout: 120_000 }, async () => {
      const rejected = new Map<RejectReason, number>();
      const metrics: HubMetrics = {
        stored() {},
        rejected: (r, n = 1) => rejected.set(r, (rejected.get(r) ?? 0) + n),
        syncSession() {},
        setPeers() {},
        setRooms() {},
      };
      const KB = 1024;
      const hub = await testHub(await backend.storage('file-quota'), { limits: { roomFileQuotaBytes: 100 * KB }, metrics });
      hubs.push(hub);
      const files = hub.store?.files;
      assert.ok(files !== undefined);
      const alice = await testClient('alice', { bootstrap: [hub.node.multiaddrs()[0] as string] });
      clients.push(alice);
      const open = async (name: string) => {
        const room = await alice.createRoom({ name, channels: ['general'], policy: { hubs: [hub.node.peerId], durability: 'replicated' } });
        await eventually('the hub holds the room', async () => ((await hub.store?.authority(room))?.length ?? 0) > 0, 30_000);
        return { room, general: alice.channels(room)[0]?.id as Uint8Array };
      };
      const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
      const a = await open('Files A');
      const first = await alice.sendFile(a.room, a.general, bytes(60 * KB, 1), { name: 'one.bin', type: 'application/octet-stream' });
      await eventually('the hub keeps the first file', async () => (await files.fileOfMessage(first)) !== undefined, 30_000);
      await alice.uploadFiles(a.room);
      const second = await alice.sendFile(a.room, a.general, bytes(60 * KB, 2), { name: 'two.bin', type: 'application/octet-stream' });
      // sendFile offers it to the hub at once (in the background): refused, counted.
      await eventually('the hub refused the second file, counted', () => (rejected.get('quota') ?? 0) >= 1, 30_000);
      assert.equal(await files.fileOfMessage(second), undefined, 'the hub holds nothing of it');
      // Offered again, the refusal reaches the sender as the quota.
      await eventually('a second offer is refused for the quota', () =>
        alice.uploadFiles(a.room).then(
          () => false,
          (e: unknown) => /quota/.test((e as Error).message),
        ),
      );
      assert.equal(await files.fileOfMessage(second), undefined);
      assert.equal(await files.roomBytes(a.room), 60 * KB);
      // The quota is per room: another room takes a file of the same size.
      const b = await open('Files B');
      const third = await alice.sendFile(b.room, b.general, bytes(60 * KB, 3), { name: 'three.bin', type: 'application/octet-stream' });
      await eventually("the hub keeps the other room's file", async () => (await files.fileOfMessage(third)) !== undefined, 30_000);
    });

    it('at its gossip backlog limit ignores gossip, counted busy, and still stores everything by catch-up sync', { timeout: 120_000 }, async () => {
      const rejected = new Map<RejectReason, number>();
      const metrics: HubMetrics = {
        stored() {},
        rejected: (r, n = 1) => rejected.set(r, (rejected.get(r) ?? 0) + n),
        syncSession() {},
        setPeers() {},
        setRooms() {},
      };
      // 0 in flight: every gossip object finds the hub "full", so only sync can bring it in.
      const hub = await testHub(await backend.storage('busy'), { limits: { maxGossipInFlight: 0 }, metrics });
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      const bob = await testClient('bob', { bootstrap: [addr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Busy', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub.pinRoom(room);
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send', () => bob.canSend(room, general));
      await eventually(
        'the hub follows the room',
        async () => (await hub.store?.authority(room))?.length === (await alice.store.authority(room)).length,
        30_000,
      );
      for (let i = 0; i < 5; i++) await alice.send(room, general, `a${i}`);
      for (let i = 0; i < 5; i++) await bob.send(room, general, `b${i}`);
      await eventually('the members have all 10', async () => (await alice.history(room, general, { limit: 100 })).length === 10);
      await eventually('the hub stored all 10 by catch-up', async () => (await hub.store?.range(room, general, { limit: 100 }))?.length === 10, 30_000);
      assert.ok((rejected.get('busy') ?? 0) > 0, `gossip refused as busy: ${rejected.get('busy') ?? 0}`);
    });

    it('weighs a gossip forgery by its error code: one forged signature costs the sender 25 points at the hub', { timeout: 120_000 }, async () => {
      const hub = await testHub(await backend.storage('forged-gossip'));
      hubs.push(hub);
      const addr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Forged gossip', channels: ['general'], policy: { hubs: [hub.node.peerId] } });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      const id = await alice.send(room, general, 'genuine');
      await eventually('the hub holds the room', async () => ((await hub.store?.authority(room))?.length ?? 0) > 0, 30_000);
      // A raw node (no validation of its own) publishes a copy of the message with its signature broken.
      const attacker = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
      stops.push(() => attacker.stop());
      await attacker.start();
      await attacker.dial(addr);
      const topic = attacker.joinChannel(room, general);
      await eventually('the attacker sees the hub on the topic', () => attacker.gossip.peers(topic).includes(hub.node.peerId), 20_000);
      const genuine = (await alice.store.get(id, room))?.bytes as Uint8Array;
      const forged = Uint8Array.from(genuine);
      forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0x01; // the last byte of the signature
      await attacker.publish(topic, forged);
      await eventually('the hub weighed the forgery', () => hub.node.penalties.score(attacker.peerId) >= 25, 20_000);
      assert.ok(hub.node.penalties.count(attacker.peerId, 'gossip-reject') === 1);
    });
  });
}
