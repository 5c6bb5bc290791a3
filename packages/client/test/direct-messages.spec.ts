/**
 * Direct messages between real clients on real libp2p nodes (PROTOCOL 13): both ways, to every
 * device of an account and to the sender's other device, kept across a restart (sessions and
 * conversation in the DirectStore), and not readable by a third member of the shared room.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { decodeDirectBox, directEntryFor, inboxChannel, openEnvelope, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { type DirectMessage, MemoryDirectStore, type ParleyClient, recoverIdentity, recoveryPhrase } from '../src/index.ts';
import { crypto, eventually, identity, seededRandom, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
});
const add = (c: ParleyClient): ParleyClient => {
  clients.push(c);
  return c;
};

const textsWith = async (c: ParleyClient, other: ParleyClient): Promise<string[]> => (await c.dmHistory(other.identity.account.publicKey)).map((m) => m.text);

test('two people, a second device and a bystander: DMs both ways, to every device, across a restart', { timeout: 240_000 }, async () => {
  const alice = add(await testClient('dm-alice'));
  const room = await alice.createRoom({ name: 'DM room' });
  const bobStore = new MemoryStore();
  const bobDms = new MemoryDirectStore();
  const bobId = identity('dm-bob');
  let bob = add(await testClient('dm-bob', { store: bobStore, directStore: bobDms, identity: bobId, bootstrap: alice.node.multiaddrs() }));
  const carol = add(await testClient('dm-carol', { bootstrap: alice.node.multiaddrs() }));
  await bob.join(alice.createInvite(room), { timeoutMs: 60_000 });
  await carol.join(alice.createInvite(room), { timeoutMs: 60_000 });
  const A = alice.identity.account.publicKey;
  const B = bob.identity.account.publicKey;
  await eventually('alice sees bob and carol as members', () => {
    const m = alice.members(room).map((x) => toHex(x.account));
    return m.includes(toHex(B)) && m.includes(toHex(carol.identity.account.publicKey)) && m;
  });
  assert.deepEqual(alice.dmRoom(B), room);

  const seen: DirectMessage[] = [];
  bob.on('dm', (m) => seen.push(m));
  const sent = await alice.sendDm(B, 'hello bob, only you can read this');
  assert.equal(sent.outgoing, true);
  await eventually('bob reads alice', async () => (await textsWith(bob, alice)).includes('hello bob, only you can read this'));
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]?.from, A);
  assert.equal(seen[0]?.id, sent.id, 'the same message id on both sides');
  await bob.sendDm(A, 'hi alice');
  await alice.sendDm(B, 'second from alice');
  await bob.sendDm(A, 'second from bob');
  await eventually('both hold the four messages', async () => (await textsWith(alice, bob)).length === 4 && (await textsWith(bob, alice)).length === 4);
  assert.deepEqual(await textsWith(alice, bob), await textsWith(bob, alice), 'one conversation, one order');

  // Carol is in the room and on the same gossip mesh, and holds no part of it.
  assert.deepEqual(await carol.dmHistory(A), []);
  assert.deepEqual(await carol.dmHistory(B), []);

  // Alice's second device: the same account recovered on a new device, certified into the room by its join.
  const alice2 = add(
    await testClient('dm-alice-2', {
      identity: recoverIdentity(recoveryPhrase(alice.identity), { displayName: 'alice 2', random: seededRandom('dm-alice-2-id'), crypto }),
      bootstrap: alice.node.multiaddrs(),
    }),
  );
  await alice2.join(alice.createInvite(room), { timeoutMs: 60_000 });
  await eventually('bob knows alice has two devices', () => bob.members(room).find((m) => toHex(m.account) === toHex(A))?.devices.length === 2);
  await bob.sendDm(A, 'to both of your devices');
  await eventually(
    'alice reads it on both devices',
    async () => (await textsWith(alice, bob)).includes('to both of your devices') && (await textsWith(alice2, bob)).includes('to both of your devices'),
  );
  await alice2.sendDm(B, 'from my second device');
  await eventually(
    'bob reads the second device, alice the copy',
    async () => (await textsWith(bob, alice)).includes('from my second device') && (await textsWith(alice, bob)).includes('from my second device'),
  );
  const copy = (await alice.dmHistory(B)).find((m) => m.text === 'from my second device');
  assert.equal(copy?.outgoing, true, "the second device's message shows as sent on the first");

  // What bob's store holds: ciphertext envelopes, one entry per device, none for carol.
  const stored = await bobStore.range(room, inboxChannel(room, B, crypto), { limit: 100 });
  assert.ok(stored.length >= 3);
  for (const o of stored) {
    const env = openEnvelope(o.bytes, crypto);
    const box = decodeDirectBox(env.body.ciphertext);
    assert.equal(directEntryFor(box, carol.identity.device.sign.publicKey), undefined);
    assert.ok(!Buffer.from(o.bytes).includes(Buffer.from('to both of your devices')));
  }
  assert.ok((await bob.dmHistory(A)).length >= 5);

  // Restart: bob's store and DirectStore survive; the conversation and the sessions go on.
  await bob.close();
  bob = add(await testClient('dm-bob', { store: bobStore, directStore: bobDms, identity: bobId, incarnation: 1, bootstrap: alice.node.multiaddrs() }));
  await bob.openRoom(room);
  assert.equal((await textsWith(bob, alice)).length, 6, 'the conversation is still there after the restart');
  const before = (await bobDms.sessions(toHex(alice.identity.device.sign.publicKey))).length;
  await alice.sendDm(B, 'after your restart');
  await eventually('bob reads it after the restart', async () => (await textsWith(bob, alice)).includes('after your restart'), 30_000);
  assert.equal((await bobDms.sessions(toHex(alice.identity.device.sign.publicKey))).length, before, 'the persisted session decrypted it (no new session)');
  await bob.sendDm(A, 'and my answer');
  await eventually('alice reads the answer after bob restarted', async () => (await textsWith(alice, bob)).includes('and my answer'));
});

test('two devices that start sessions with each other at once settle on one and lose nothing', { timeout: 120_000 }, async () => {
  const aliceDms = new MemoryDirectStore();
  const alice = add(await testClient('dm-race-alice', { directStore: aliceDms }));
  const room = await alice.createRoom({ name: 'DM race' });
  const bob = add(await testClient('dm-race-bob', { bootstrap: alice.node.multiaddrs() }));
  await bob.join(alice.createInvite(room), { timeoutMs: 60_000 });
  const A = alice.identity.account.publicKey;
  const B = bob.identity.account.publicKey;
  await eventually('alice knows bob', () => alice.dmRoom(B) !== undefined);
  // Both write first, before either has heard from the other: two sessions, one started by each.
  await Promise.all([alice.sendDm(B, 'alice first'), bob.sendDm(A, 'bob first')]);
  await eventually('both first messages arrive', async () => (await textsWith(alice, bob)).length === 2 && (await textsWith(bob, alice)).length === 2);
  for (let i = 0; i < 3; i++) {
    await alice.sendDm(B, `alice ${i}`);
    await bob.sendDm(A, `bob ${i}`);
  }
  await eventually('every message arrives on both sides', async () => (await textsWith(alice, bob)).length === 8 && (await textsWith(bob, alice)).length === 8);
  assert.deepEqual((await textsWith(alice, bob)).sort(), (await textsWith(bob, alice)).sort());
  assert.equal((await aliceDms.sessions(toHex(bob.identity.device.sign.publicKey))).length, 2, 'the race did happen: alice holds both sessions');
});
