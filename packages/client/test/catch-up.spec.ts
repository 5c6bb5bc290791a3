import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import type { ParleyClient, ProgressEvent } from '../src/index.ts';
import { eventually, identity, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a peer offline during 50 messages catches up on restart, reporting progress out of 50; its offline send is delivered from the outbox', {
  timeout: 85_000,
}, async () => {
  const alice = await testClient('alice');
  clients.push(alice);
  const bobStore = new MemoryStore();
  const bobId = identity('bob');
  const bob = await testClient('bob', { store: bobStore, identity: bobId });
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Catch-up', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob holds the key', () => bob.canSend(room, general));
  await alice.send(room, general, 'm0');
  await eventually('bob has m0', async () => (await texts(bob, room, general)).length === 1);

  await bob.close(); // node stopped
  for (let i = 1; i <= 50; i++) await alice.send(room, general, `m${i}`);

  const bob2 = await testClient('bob', { store: bobStore, identity: bobId, incarnation: 1 });
  clients.push(bob2);
  await bob2.openRoom(room);
  assert.equal((await texts(bob2, room, general)).length, 1, 'offline: only what the store held');
  const offline = await bob2.send(room, general, 'written offline');
  // (Bob's profile may wait there too, until a peer is seen to hold it.)
  assert.equal((await bobStore.pending()).filter((e) => e.object.type === 'ENVELOPE').length, 1, 'the offline message waits in the outbox');

  const progress: ProgressEvent[] = [];
  bob2.on('progress', (e) => progress.push(e));
  await bob2.node.dial(alice.node.multiaddrs()[0] as string);
  await eventually('bob caught up with all 51 + his own', async () => (await texts(bob2, room, general)).length === 52, 40_000);
  await eventually('alice has the offline message', async () => (await texts(alice, room, general)).includes('written offline'), 30_000);
  const a = await alice.history(room, general, { limit: 100 });
  const b = await bob2.history(room, general, { limit: 100 });
  assert.deepEqual(
    b.map((m) => [toHex(m.id), m.text]),
    a.map((m) => [toHex(m.id), m.text]),
  );
  assert.ok(a.some((m) => toHex(m.id) === toHex(offline)));
  // Progress: known before the first fetch (0 of 50), never backwards, ending at 50 of 50.
  const fromAlice = progress.filter((e) => e.peer === alice.node.peerId && toHex(e.room) === toHex(room));
  assert.deepEqual(fromAlice[0] && { done: fromAlice[0].done, total: fromAlice[0].total }, { done: 0, total: 50 });
  assert.equal(fromAlice.at(-1)?.done, 50);
  for (let i = 1; i < fromAlice.length && fromAlice[i]?.total === 50; i++) assert.ok((fromAlice[i]?.done ?? 0) >= (fromAlice[i - 1]?.done ?? 0));
  await eventually('bob outbox acknowledged', async () => (await bob2.pendingCount()) === 0, 20_000);
  // paging
  const last10 = await bob2.history(room, general, { limit: 10 });
  const before = await bob2.history(room, general, { limit: 10, before: last10[0]?.id as Uint8Array });
  assert.equal(before.length, 10);
  assert.equal(toHex(b[b.length - 20]?.id as Uint8Array), toHex(before[0]?.id as Uint8Array));
});
