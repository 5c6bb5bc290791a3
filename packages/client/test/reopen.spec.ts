/**
 * Reopening a room from the store (a reload) publishes nothing of its own: the stored epoch bundles
 * are taken in before any key work runs. Before, the key work that each stored authority entry set off
 * ran between them, found no bundle for the channels' current epochs yet, and sealed a competing one
 * to the readers at the epoch's trigger (for epoch 0, the founder alone): with a lower id it became
 * the canonical key, and members who joined later could not send until someone shared it.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MemoryStore } from '@parley/store';
import type { ParleyClient } from '../src/index.ts';
import { eventually, identity, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a client reopening its rooms from the store authors no epoch bundle, and a later member can still send', { timeout: 60_000 }, async () => {
  const aliceStore = new MemoryStore();
  const aliceId = identity('alice');
  const alice = await testClient('alice', { store: aliceStore, identity: aliceId });
  clients.push(alice);
  const room = await alice.createRoom({ name: 'Reopen', channels: ['general', 'books', 'films'] });
  const bob = await testClient('bob');
  clients.push(bob);
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  const channels = alice.channels(room).map((c) => c.id);
  await eventually('bob can send in every channel', () => channels.every((ch) => bob.canSend(room, ch)));
  const before = (await aliceStore.byType(room, 'EPOCH_BUNDLE')).length;
  await alice.close();

  const alice2 = await testClient('alice', { store: aliceStore, identity: aliceId, incarnation: 1 });
  clients.push(alice2);
  await alice2.openRoom(room);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal((await aliceStore.byType(room, 'EPOCH_BUNDLE')).length, before, 'no new epoch bundle after reopening');
  for (const ch of channels) assert.ok(alice2.canSend(room, ch), 'alice can send after reopening');
  for (const ch of channels) assert.ok(bob.canSend(room, ch), 'bob can still send');
});
