/**
 * Member status (PROTOCOL 5.8) between two real clients on loopback libp2p nodes: a joiner sees who
 * is here within seconds (announce on joining, newcomers answered); idle, invisible and back; a
 * silent device drops to offline after the time-to-live; closing says offline at once; strangers,
 * stale, foreign-room and banned devices' signals are refused. Nothing is stored.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { statusTopic } from '@parley/net';
import { type MemberStatus, signStatus, toHex } from '@parley/protocol';
import type { ParleyClient, StatusEvent } from '../src/index.ts';
import { StatusBook } from '../src/index.ts';
import { crypto, eventually, identity, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

const TTL = 4_000;

test('status: online on joining, idle, invisible, back, expiry, offline on close; forged signals refused', { timeout: 90_000 }, async () => {
  const alice = await testClient('st-alice', { status: { ttlMs: TTL, repeatMs: 60_000 } });
  clients.push(alice);
  const bob = await testClient('st-bob', { status: { ttlMs: TTL, repeatMs: 60_000 } });
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Status', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  const bobHex = toHex(bob.identity.account.publicKey);
  const aliceHex = toHex(alice.identity.account.publicKey);
  const events: StatusEvent[] = [];
  alice.on('status', (e) => events.push(e));
  const statusAtAlice = (): MemberStatus => alice.memberStatuses(room).get(bobHex) ?? 'offline';

  const storedBefore = (await alice.store.range(room, general, { limit: 1000 })).length;
  const t0 = Date.now();
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  // Repeats are a minute apart here: what arrives comes from joining and answering newcomers.
  await eventually('alice sees bob online', () => statusAtAlice() === 'online', 15_000, 100);
  await eventually('bob sees alice online', () => bob.memberStatuses(room).get(aliceHex) === 'online', 15_000, 100);
  console.log(`# both online ${Date.now() - t0} ms after bob began joining`);
  assert.ok(events.some((e) => toHex(e.account) === bobHex && e.status === 'online'));
  assert.equal(alice.memberStatuses(room).has(aliceHex), false, 'this device is not counted');

  bob.setStatus('idle');
  await eventually('alice sees bob idle', () => statusAtAlice() === 'idle', 10_000, 100);
  bob.setStatus('invisible');
  await eventually('alice sees bob offline (invisible)', () => statusAtAlice() === 'offline', 10_000, 100);
  assert.equal(bob.status, 'invisible');
  bob.setStatus('online');
  await eventually('alice sees bob online again', () => statusAtAlice() === 'online', 10_000, 100);

  // A signal from bob's device while bob says nothing more: online until the time-to-live passes.
  bob.setStatus('invisible');
  await eventually('offline again', () => statusAtAlice() === 'offline', 10_000, 100);
  const topic = statusTopic(room);
  const dev = bob.identity.device.sign;
  const one = signStatus({ room, device: dev.publicKey, time: Date.now(), status: 'online' }, dev.secret, crypto);
  assert.equal(await alice.gossipOutcome(topic, one, 'x'), 'accept');
  assert.equal(statusAtAlice(), 'online');
  const heard = Date.now();
  await eventually('the silent device expires', () => statusAtAlice() === 'offline', TTL + 3_000, 100);
  assert.ok(Date.now() - heard >= TTL - 200, `expired after ${Date.now() - heard} ms`);

  // Refusals: a stranger's device, a stale signal, one signed for another room, garbage.
  const now = Date.now();
  const stranger = identity('st-stranger').device.sign;
  const foreign = signStatus({ room, device: stranger.publicKey, time: now, status: 'online' }, stranger.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, foreign, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  const stale = signStatus({ room, device: dev.publicKey, time: now - 60_000, status: 'online' }, dev.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, stale, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  const elsewhere = signStatus({ room: new Uint8Array(32).fill(7), device: dev.publicKey, time: now, status: 'online' }, dev.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, elsewhere, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  const junk = await alice.gossipOutcome(topic, new Uint8Array([1, 2, 3]), 'x');
  assert.equal(typeof junk === 'object' && junk.verdict, 'reject');
  assert.equal(statusAtAlice(), 'offline', 'no refused signal counted');

  // Closing says offline at once, long before the time-to-live.
  bob.setStatus('online');
  await eventually('online before closing', () => statusAtAlice() === 'online', 10_000, 100);
  const closing = Date.now();
  await bob.close();
  await eventually('alice sees bob offline after close', () => statusAtAlice() === 'offline', TTL - 500, 50);
  console.log(`# offline ${Date.now() - closing} ms after bob closed (time-to-live ${TTL} ms)`);

  // Banned: bob's device no longer speaks for a member.
  await alice.ban(room, bob.identity.account.publicKey, { reason: 'test' });
  const late = signStatus({ room, device: dev.publicKey, time: Date.now(), status: 'online' }, dev.secret, crypto);
  assert.deepEqual(await alice.gossipOutcome(topic, late, 'x'), { verdict: 'reject', code: 'ERR_UNAUTHORIZED' });
  assert.equal((await alice.store.range(room, general, { limit: 1000 })).length, storedBefore, 'no status signal stored');
});

test('StatusBook: any online device makes the account online; idle only when all fresh ones are idle; offline and silence count for nothing', () => {
  const b = new StatusBook(1000);
  assert.deepEqual(b.record('r', 'a', 'd1', 'idle', 0), { before: 'offline', after: 'idle', newcomer: true });
  assert.deepEqual(b.record('r', 'a', 'd2', 'online', 10), { before: 'idle', after: 'online', newcomer: true });
  assert.deepEqual(b.record('r', 'a', 'd2', 'online', 20), { before: 'online', after: 'online', newcomer: false });
  assert.deepEqual(b.record('r', 'a', 'd2', 'offline', 30), { before: 'online', after: 'idle', newcomer: false });
  assert.equal(b.of('r', 500).get('a'), 'idle');
  assert.equal(b.of('r', 1001).get('a'), undefined, 'd1 silent past the time-to-live');
  assert.equal(b.record('r', 'a', 'd2', 'online', 1100).newcomer, true, 'back after saying offline');
  b.forget('r');
  assert.equal(b.of('r', 1100).size, 0);
});
