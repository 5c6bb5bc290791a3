import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { authorityTopic, channelTopic } from '@parley/net';
import { MemoryStore } from '@parley/store';
import type { ParleyClient } from '../src/index.ts';
import { eventually, identity, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('an envelope naming an unknown authority head is held, then accepted when the entry arrives', { timeout: 60_000 }, async () => {
  const alice = await testClient('alice');
  clients.push(alice);
  const bobStore = new MemoryStore();
  const bobId = identity('bob');
  const bob = await testClient('bob', { store: bobStore, identity: bobId });
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Held', channels: ['general'] });
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob holds the key', () => bob.canSend(room, alice.channels(room)[0]?.id as Uint8Array));
  await bob.close();

  // While bob is away: a new channel (entry + epoch-0 bundle sealed to bob too) and a message in it.
  const later = await alice.createChannel(room, 'later');
  await alice.send(room, later, 'in the new channel');
  const entry = (await alice.store.authority(room)).at(-1)?.bytes as Uint8Array;
  const bundle = (await alice.store.byType(room, 'EPOCH_BUNDLE', { channel: later }))[0]?.bytes as Uint8Array;
  const message = (await alice.store.range(room, later, { limit: 1 }))[0]?.bytes as Uint8Array;

  // Bob again, from his store, with no peers: the frames arrive out of order.
  const bob2 = await testClient('bob', { store: bobStore, identity: bobId, incarnation: 1 });
  clients.push(bob2);
  await bob2.openRoom(room);
  assert.equal(await bob2.verdict(channelTopic(room, later), message, 'x'), 'ignore', 'held: its head is unknown');
  assert.equal(await bob2.verdict(authorityTopic(room), bundle, 'x'), 'ignore', 'held: its trigger is unknown');
  assert.equal(await bob2.verdict(authorityTopic(room), entry, 'x'), 'accept');
  assert.ok(bob2.canSend(room, later), 'the held bundle was retried and opened');
  assert.deepEqual(await texts(bob2, room, later), ['in the new channel'], 'the held envelope was retried and stored');
  assert.equal(bob2.ingest.rejections.size, 0);
});
