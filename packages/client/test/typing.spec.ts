import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { statusTopic, typingTopic } from '@parley/net';
import { signStatus, signTyping, toHex } from '@parley/protocol';
import type { ParleyClient, TypingEvent } from '../src/index.ts';
import { crypto, eventually, identity, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('typing: a member sees the other typing; a stranger, a stale or a foreign-room signal is refused; nothing is stored; after a ban, typing and status signed before it are dropped quietly, after it refused', {
  timeout: 80_000,
}, async () => {
  const alice = await testClient('typ-alice');
  clients.push(alice);
  const bob = await testClient('typ-bob');
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Typing', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob holds the key', () => bob.canSend(room, general));
  const seen: TypingEvent[] = [];
  alice.on('typing', (e) => seen.push(e));
  const storedBefore = (await alice.store.range(room, general, { limit: 1000 })).length;
  // Gossip needs both subscribed to the typing topic: repeat as a person typing would.
  await eventually(
    'alice sees bob typing',
    async () => {
      await bob.typing(room, general);
      return seen.some((e) => toHex(e.account) === toHex(bob.identity.account.publicKey) && toHex(e.channel) === toHex(general));
    },
    30_000,
    500,
  );
  assert.equal((await alice.store.range(room, general, { limit: 1000 })).length, storedBefore, 'a typing signal is not stored');

  const topic = typingTopic(room);
  const bobDevice = bob.identity.device.sign;
  const now = Date.now();
  // A device that is no member of the room.
  const stranger = identity('typ-stranger').device.sign;
  const foreign = signTyping({ room, channel: general, device: stranger.publicKey, time: now }, stranger.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, foreign, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  // Bob's own device, but a minute old.
  const stale = signTyping({ room, channel: general, device: bobDevice.publicKey, time: now - 60_000 }, bobDevice.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, stale, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  // Signed for another room, sent on this room's topic.
  const elsewhere = signTyping({ room: new Uint8Array(32).fill(7), channel: general, device: bobDevice.publicKey, time: now }, bobDevice.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, elsewhere, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  // Garbage: a typed decode error.
  const junk = await alice.gossipOutcome(topic, new Uint8Array([1, 2, 3]), 'x');
  assert.equal(typeof junk === 'object' && junk.verdict, 'reject');
  // A valid one is accepted (and its event emitted).
  const ok = signTyping({ room, channel: general, device: bobDevice.publicKey, time: now }, bobDevice.secret, crypto);
  assert.equal(await alice.gossipOutcome(topic, ok, 'x'), 'accept');

  // The ban: a typing or status signal bob signed before it, reaching alice only after it (queued,
  // or relayed while valid), is dropped without blaming the relay; one signed after is refused.
  const banAt = Date.now();
  await alice.ban(room, bob.identity.account.publicKey);
  const status = statusTopic(room);
  const typed = (time: number) => signTyping({ room, channel: general, device: bobDevice.publicKey, time }, bobDevice.secret, crypto);
  const said = (time: number) => signStatus({ room, device: bobDevice.publicKey, time, status: 'online' }, bobDevice.secret, crypto);
  assert.equal(await alice.gossipOutcome(topic, typed(banAt - 1_000), 'relay'), 'ignore', 'typing signed before the ban');
  assert.equal(await alice.gossipOutcome(status, said(banAt - 1_000), 'relay'), 'ignore', 'status signed before the ban');
  const late = Date.now() + 1_000;
  assert.deepEqual(await alice.gossipOutcome(topic, typed(late), 'relay'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' }, 'typing signed after the ban');
  assert.deepEqual(await alice.gossipOutcome(status, said(late), 'relay'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' }, 'status signed after the ban');
});
