/**
 * Typing and status signals through a hub: two members who refuse each other's direct connections
 * (each has blocked the other's peer id) and share only the hub still see each other typing and going
 * idle, because the hub relays signals that pass its checks. It stores none, and a stranger's signal is rejected there.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParleyClient, TypingEvent } from '@parley/client';
import { signTyping, toHex } from '@parley/protocol';
import type { Hub } from '../src/index.ts';
import { BACKENDS, crypto, eventually, testClient, testHub } from './helpers.ts';

/** Blocks `peer` at `c`'s node: enough weighed penalties that it hangs up and refuses the peer id. */
const refuse = (c: ParleyClient, peer: string) => {
  for (let i = 0; i < 4; i++) c.node.penalties.record(peer, 'gossip-reject', 'test: keep these two apart', 'ERR_SIGNATURE');
  assert.ok(c.node.penalties.isBlocked(peer));
};

for (const make of BACKENDS) {
  const backend = make();
  describe(`hub on ${backend.name}: typing and status relayed`, () => {
    const hubs: Hub[] = [];
    const clients: ParleyClient[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const h of hubs) await h.stop().catch(() => undefined);
      await backend.cleanup();
    });

    it('members connected only through the hub see each other typing and idle; nothing is stored; a stranger is rejected', { timeout: 120_000 }, async () => {
      const hub = await testHub(await backend.storage('typing'));
      hubs.push(hub);
      const hubAddr = hub.node.multiaddrs()[0] as string;
      const alice = await testClient('alice', { bootstrap: [hubAddr] });
      const bob = await testClient('bob', { bootstrap: [hubAddr] });
      clients.push(alice, bob);
      const room = await alice.createRoom({ name: 'Typing via hub', channels: ['general'] });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      await hub.pinRoom(room);
      await eventually('the hub serves the room', async () => (await hub.status()).rooms.some((r) => r.room === toHex(room) && r.objects > 0));
      await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
      await eventually('bob can send', () => bob.canSend(room, general));
      await eventually('the hub has bob in the room', async () => (await hub.status()).rooms.some((r) => r.room === toHex(room) && r.objects >= 4));

      refuse(alice, bob.node.peerId);
      refuse(bob, alice.node.peerId);
      await eventually('alice and bob are no longer connected', () =>
        alice.node.libp2p.getConnections().every((c) => c.remotePeer.toString() !== bob.node.peerId),
      );
      const objectsBefore = (await hub.status()).rooms.find((r) => r.room === toHex(room))?.objects;

      const seen: TypingEvent[] = [];
      alice.on('typing', (e) => seen.push(e));
      await eventually(
        'alice sees bob typing through the hub',
        async () => {
          await bob.typing(room, general);
          await new Promise((r) => setTimeout(r, 500));
          return seen.some((e) => toHex(e.account) === toHex(bob.identity.account.publicKey));
        },
        40_000,
      );
      assert.ok(
        alice.node.libp2p.getConnections().every((c) => c.remotePeer.toString() !== bob.node.peerId),
        'the signal came through the hub, not a direct connection',
      );
      // Status signals (PROTOCOL 5.8) take the same way: bob going idle reaches alice through the hub.
      bob.setStatus('idle');
      await eventually('alice sees bob idle through the hub', () => alice.memberStatuses(room).get(toHex(bob.identity.account.publicKey)) === 'idle', 20_000);
      assert.equal((await hub.status()).rooms.find((r) => r.room === toHex(room))?.objects, objectsBefore, 'the hub stored no typing or status signal');

      // A stranger's signal, published straight at the hub, is rejected there (and never reaches alice).
      const mallory = await testClient('mallory', { bootstrap: [hubAddr] });
      clients.push(mallory);
      const key = mallory.identity.device.sign;
      const rejectedBefore = hub.node.penalties.count(mallory.node.peerId, 'gossip-reject');
      mallory.node.gossip.join(`/parley/room/${toHex(room)}/typing`);
      const accountsBefore = seen.length;
      await eventually(
        'the hub rejects the stranger',
        async () => {
          // Signed afresh each time: gossipsub refuses to publish the same bytes twice.
          const forged = signTyping({ room, channel: general, device: key.publicKey, time: Date.now() }, key.secret, crypto);
          await mallory.node.publish(`/parley/room/${toHex(room)}/typing`, forged).catch(() => 0);
          await new Promise((r) => setTimeout(r, 500));
          return hub.node.penalties.count(mallory.node.peerId, 'gossip-reject') > rejectedBefore;
        },
        30_000,
      );
      assert.ok(
        seen.slice(accountsBefore).every((e) => toHex(e.account) !== toHex(mallory.identity.account.publicKey)),
        'alice never sees the stranger typing',
      );
    });
  });
}
