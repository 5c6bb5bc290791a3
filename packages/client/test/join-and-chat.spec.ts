import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { signProfile, toHex } from '@parley/protocol';
import { loadIdentity, type ParleyClient, serializeIdentity } from '../src/index.ts';
import { crypto, eventually, identity, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('identity round-trips through serializeIdentity / loadIdentity', () => {
  const id = identity('zed');
  const back = loadIdentity(serializeIdentity(id), crypto);
  assert.equal(toHex(back.account.publicKey), toHex(id.account.publicKey));
  assert.equal(toHex(back.cert.id), toHex(id.cert.id));
  assert.equal(back.profile.body.displayName, 'zed');
  assert.throws(() => loadIdentity('{"v":2}', crypto), /unknown version/);
});

test('create room -> invite -> join -> both send and receive -> equal history', { timeout: 80_000 }, async () => {
  const alice = await testClient('alice');
  clients.push(alice);
  const bob = await testClient('bob');
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Book club', channels: ['general', 'random'] });
  const channels = alice.channels(room);
  assert.deepEqual(channels.map((c) => c.name).sort(), ['general', 'random']);
  const general = channels.find((c) => c.name === 'general')?.id as Uint8Array;
  assert.ok(alice.canSend(room, general), 'the creator publishes epoch 0 at once');
  const url = alice.createInvite(room, { maxUses: 5 });
  assert.match(url, /^https:\/\/parley\.chat\/join#/);

  const steps: string[] = [];
  const joined = await bob.join(url, { timeoutMs: 40_000, onStep: (s) => steps.push(s) });
  assert.equal(toHex(joined.room), toHex(room));
  // Where the join was, told in order, once each.
  assert.deepEqual(steps, ['invite-dialled', 'authority', 'joined', 'history']);
  await eventually('bob is a member on alice', () => alice.members(room).some((m) => toHex(m.account) === toHex(bob.identity.account.publicKey)));
  await eventually('bob holds the channel key (KEY_SHARE)', () => bob.canSend(room, general));
  // Profiles: each member publishes its signed name and colour into the room; the other shows it.
  await eventually(
    'each sees the other by name',
    () =>
      alice.profile(room, bob.identity.account.publicKey)?.displayName === 'bob' &&
      bob.profile(room, alice.identity.account.publicKey)?.displayName === 'alice',
  );
  // A profile for alice's account signed by bob's device is refused; a stranger's is ignored (not a member).
  const forged = signProfile(
    { ...alice.identity.profile.body, signer: bob.identity.device.sign.publicKey, displayName: 'alice (really bob)', version: Date.now() + 1 },
    bob.identity.device.sign.secret,
    crypto,
  );
  assert.equal(await alice.ingest.frame(forged.bytes, 'test', { room }), 'reject');
  assert.equal(alice.profile(room, alice.identity.account.publicKey)?.displayName, 'alice');
  const stranger = identity('stranger');
  assert.equal(await alice.ingest.frame(stranger.profile.bytes, 'test', { room }), 'ignore');

  const received: string[] = [];
  bob.on('message', (m) => {
    if (!m.local && m.text !== undefined) received.push(m.text);
  });
  // Each replies after seeing the previous message, so the causal (Lamport) order is the send order.
  const first = await alice.send(room, general, 'hello from alice');
  await eventually('bob has the first', async () => (await texts(bob, room, general)).length === 1);
  await bob.send(room, general, 'hello from bob', { replyTo: first });
  await eventually('alice has the reply', async () => (await texts(alice, room, general)).length === 2);
  await alice.send(room, general, 'second from alice');
  await eventually('both see three messages', async () => (await texts(alice, room, general)).length === 3 && (await texts(bob, room, general)).length === 3);
  const a = await alice.history(room, general);
  const b = await bob.history(room, general);
  assert.deepEqual(
    a.map((m) => [toHex(m.id), m.text]),
    b.map((m) => [toHex(m.id), m.text]),
  );
  assert.deepEqual(
    a.map((m) => m.text),
    ['hello from alice', 'hello from bob', 'second from alice'],
  );
  assert.equal(toHex(a[1]?.replyTo ?? new Uint8Array()), toHex(first));
  await eventually('bob received alice messages as events', () => received.length >= 2);

  // edit and react converge too
  await alice.edit(room, general, first, 'hello (edited)');
  await bob.react(room, general, first, '👍');
  await eventually('edit and reaction on both sides', async () => {
    for (const c of [alice, bob]) {
      const m = (await c.history(room, general))[0];
      if (m?.text !== 'hello (edited)' || m.reactions.length !== 1) return false;
    }
    return true;
  });
  await eventually('outboxes drain (peers acknowledged)', async () => (await alice.pendingCount()) === 0 && (await bob.pendingCount()) === 0);
});
