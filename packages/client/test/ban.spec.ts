import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import type { ParleyClient, RejectEvent } from '../src/index.ts';
import { eventually, identity, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a ban rotates the channel key and the banned member can no longer send', { timeout: 85_000 }, async () => {
  const alice = await testClient('alice');
  clients.push(alice);
  const bobStore = new MemoryStore();
  const bobId = identity('bob');
  const bob = await testClient('bob', { store: bobStore, identity: bobId });
  clients.push(bob);
  const carol = await testClient('carol');
  clients.push(carol);
  const room = await alice.createRoom({ name: 'Moderated', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await carol.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob and carol hold keys', () => bob.canSend(room, general) && carol.canSend(room, general));

  await bob.send(room, general, 'before the ban');
  await eventually('alice has bob message', async () => (await texts(alice, room, general)).includes('before the ban'));

  // Bob goes offline; alice bans him meanwhile.
  await bob.close();
  const rejects: RejectEvent[] = [];
  alice.on('reject', (r) => rejects.push(r));
  await alice.ban(room, bobId.account.publicKey, { reason: 'spam' });
  const st = alice.state(room);
  assert.equal(st.epochAt(general, st.length - 1), 1, 'the ban started epoch 1');
  assert.ok(alice.canSend(room, general), 'alice published epoch 1 at once');
  assert.ok(
    st.banned().some((a) => toHex(a) === toHex(bobId.account.publicKey)),
    'bob is banned',
  );

  // Bob, still unaware (offline, same store), writes a message: durable in his outbox.
  const bob2 = await testClient('bob', { store: bobStore, identity: bobId, incarnation: 1 });
  clients.push(bob2);
  await bob2.openRoom(room);
  await bob2.send(room, general, 'after the ban');
  assert.ok((await bob2.pendingCount()) >= 1);

  // Back online: alice pulls his envelope by sync and rejects it (seq above the ban's cut-off).
  await bob2.node.dial(alice.node.multiaddrs()[0] as string);
  await eventually('alice rejected the post-ban envelope', () => rejects.some((r) => r.type === 'ENVELOPE' && r.code === 'ERR_CUTOFF'), 40_000);
  assert.ok(!(await texts(alice, room, general)).includes('after the ban'));
  await eventually('bob learns of the ban', () => bob2.state(room).banned().length === 1, 30_000);
  await assert.rejects(() => bob2.send(room, general, 'again'), /no key|may not/);

  // Carol gets the epoch-1 key (sealed to the remaining readers); bob cannot read what follows.
  await eventually('carol holds epoch 1', () => carol.state(room).epochAt(general, carol.state(room).length - 1) === 1 && carol.canSend(room, general), 30_000);
  await carol.send(room, general, 'secret after the ban');
  await eventually('alice reads carol', async () => (await texts(alice, room, general)).includes('secret after the ban'));
  assert.ok(!(await texts(bob2, room, general)).includes('secret after the ban'));
});
