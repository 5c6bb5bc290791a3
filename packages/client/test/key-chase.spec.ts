/**
 * A joiner whose gossip never brings the members' key shares (a device reaching the room through a
 * hub alone waits a heartbeat or more to be in the topic's mesh; here the only member's publishes are
 * dropped outright) still reads the room within seconds: after the join it asks the peers it synced
 * from again (key-chase.ts) instead of waiting for the periodic sync (a minute here).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { encodeInviteUrl } from '@parley/protocol';
import type { ParleyClient } from '../src/index.ts';
import { eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a joiner that gossip does not reach gets its keys by asking again, within seconds', { timeout: 90_000 }, async () => {
  // carol makes an open room and leaves it to alice: nobody is first in line to share keys with a
  // token-less joiner, so alice shares after her random delay (1-2 s), long after bob's join is done.
  const carol = await testClient('chase-carol');
  const alice = await testClient('chase-alice', { keyDelayMs: 500 });
  clients.push(carol, alice);
  const room = await carol.createRoom({ name: 'Chase' });
  await carol.setJoinMode(room, 'open');
  const general = carol.channels(room)[0]?.id as Uint8Array;
  await alice.join(carol.createInvite(room), { timeoutMs: 30_000 });
  await eventually('alice holds the key', () => alice.canSend(room, general));
  await carol.send(room, general, 'hello from before');
  await eventually('alice has the message', async () => (await alice.history(room, general)).some((m) => m.text === 'hello from before'));
  await carol.close();

  // From here nothing alice publishes goes out on gossip; her store still answers syncs.
  alice.node.publish = async () => 0;
  const bob = await testClient('chase-bob', { syncIntervalMs: 60_000 });
  clients.push(bob);
  const t0 = Date.now();
  await bob.join(encodeInviteUrl({ room, addrs: alice.node.multiaddrs(), name: 'Chase' }, 'https://parley.chat'), { timeoutMs: 30_000 });
  assert.equal(bob.canSend(room, general), false, 'no key yet when the join returns');
  await eventually('bob reads the room', async () => (await bob.history(room, general)).some((m) => m.text === 'hello from before'), 9_000, 100);
  assert.ok(bob.canSend(room, general));
  process.stdout.write(`# bob read the room ${Date.now() - t0} ms after starting to join\n`);
});
