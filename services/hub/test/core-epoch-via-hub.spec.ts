/**
 * A new key epoch reaches a member who shares only a hub with its author, by the periodic sync alone:
 * the owner makes a channel private and then lets Bob in (SET_CHANNEL_ACL twice, each a new epoch),
 * but nothing the owner publishes goes out on gossip and the two refuse each other's direct
 * connections. The owner's outbox push puts the entry, the EPOCH bundle and the message at the hub;
 * Bob's catch-up with the hub (every 5 s, the web client's period) brings them, and he reads the
 * message within two sync periods. A browser that reaches the room through a hub alone relies on
 * exactly this when gossip misses a bundle.
 *
 * The second case adds a peer whose sync answers never come (a connection that died without
 * closing): each request to it waits the sync timeout (30 s), and a catch-up that got the log asks
 * once per channel. Its catch-ups must not hold up the ones with the hub: before the periodic
 * catch-ups ran side by side, Bob read the message 35 s after the ACL change here (12 s allowed).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { ROLE_MOD, toHex } from '@parley/protocol';
import type { Hub } from '../src/index.ts';
import { BACKENDS, eventually, testClient, testHub, texts } from './helpers.ts';

/** Blocks `peer` at `c`'s node: enough weighed penalties that it hangs up and refuses the peer id. */
const refuse = (c: ParleyClient, peer: string) => {
  for (let i = 0; i < 4; i++) c.node.penalties.record(peer, 'gossip-reject', 'test: keep these two apart', 'ERR_SIGNATURE');
  assert.ok(c.node.penalties.isBlocked(peer));
};

const SYNC_MS = 5_000;
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: a new epoch by sync alone`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    const nodes: ParleyNode[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const n of nodes) await n.stop().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    /** Alice's room pinned by a fresh hub, Bob a member, #staff private to moderators; the two apart, Alice's gossip off. */
    const setup = async (label: string) => {
      const hub = await testHub(await backend.storage(label));
      hubs.push(hub);
      const hubAddr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [hubAddr], syncIntervalMs: SYNC_MS });
      // Bob publishes no competing bundle of his own in the time measured.
      const bob = await testClient('bob', { bootstrap: [hubAddr], syncIntervalMs: SYNC_MS, keyDelayMs: 60_000 });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Epochs via hub', channels: ['general'], policy: { hubs: [hub.node.peerId] } });
      await hub.pinRoom(room);
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      const staff = await alice.createChannel(room, 'staff');
      await eventually('bob holds the key of #staff', () => bob.canSend(room, staff));
      await alice.setChannelAcl(room, staff, { read: [ROLE_MOD], send: [ROLE_MOD], accounts: [] });
      await eventually(
        'bob applies the ACL',
        () =>
          bob
            .state(room)
            .channels()
            .find((c) => toHex(c.id) === toHex(staff))?.acl !== undefined,
      );
      refuse(alice, bob.node.peerId);
      refuse(bob, alice.node.peerId);
      await eventually('alice and bob are no longer connected', () =>
        bob.node.libp2p.getConnections().every((c) => c.remotePeer.toString() !== alice.node.peerId),
      );
      // From here nothing alice publishes goes out on gossip: only her push to the hub carries it.
      alice.node.publish = async () => 0;
      return { hub, alice, bob, room, staff };
    };

    /** Alice lets Bob into #staff (a new epoch) and writes there; resolves with how long until Bob reads it. */
    const letBobIn = async (alice: ParleyClient, bob: ParleyClient, room: Uint8Array, staff: Uint8Array): Promise<number> => {
      const t0 = Date.now();
      await alice.setChannelAcl(room, staff, { read: [ROLE_MOD], send: [ROLE_MOD], accounts: [bob.identity.account.publicKey] });
      await alice.send(room, staff, 'for the staff only');
      await eventually(
        'bob reads the message of the new epoch',
        async () => (await texts(bob, room, staff)).includes('for the staff only'),
        2 * SYNC_MS + 2_000,
      );
      assert.ok(
        bob.node.libp2p.getConnections().every((c) => c.remotePeer.toString() !== alice.node.peerId),
        'it came through the hub, not a direct connection',
      );
      return Date.now() - t0;
    };

    it('a member who shares only the hub with the owner reads the first message of a new epoch within two sync periods', { timeout: 120_000 }, async () => {
      const { alice, bob, room, staff } = await setup('epoch');
      const took = await letBobIn(alice, bob, room, staff);
      process.stdout.write(`# ${backend.name}: bob read the new epoch's first message ${took} ms after the ACL change (sync every ${SYNC_MS} ms)\n`);
    });

    it('so does he while another peer never answers his sync requests', { timeout: 180_000 }, async () => {
      const { hub, alice, bob, room, staff } = await setup('epoch-stalled');
      // A peer whose sync answers never come: each catch-up with it waits the whole sync timeout.
      const silent = await createParleyNode({
        listen: ['/ip4/127.0.0.1/tcp/0/ws'],
        testMode: true,
        dhtMode: 'client',
        sync: { source: { authority: () => never(), have: () => never(), range: () => never() } },
      });
      nodes.push(silent);
      await silent.start();
      await bob.node.dial(silent.multiaddrs()[0] as string);
      // A sync period in, Bob's catch-up with the silent peer is waiting; act right after his next one with the hub.
      await new Promise((r) => setTimeout(r, SYNC_MS + 1_000));
      await new Promise<void>((resolve) => {
        const off = bob.on('sync', (e) => {
          if (e.peer !== hub.node.peerId) return;
          off();
          resolve();
        });
      });
      assert.ok(
        bob.node.libp2p.getConnections().some((c) => c.remotePeer.toString() === silent.peerId),
        'the silent peer is still connected',
      );
      const took = await letBobIn(alice, bob, room, staff);
      process.stdout.write(`# ${backend.name}: with a silent peer, bob read the new epoch's first message ${took} ms after the ACL change\n`);
    });
  });
}
