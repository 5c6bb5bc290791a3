/**
 * Voice signalling over the room's gossip (PROTOCOL 11.1) between real libp2p nodes: a member's
 * signals reach the other; a stranger connected to them and on the channel's topic
 * who is not a member is never heard; after a ban the banned member's signals are rejected
 * (ERR_UNAUTHORIZED) and the channel's voice key moves to the new epoch, which the banned device lacks.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { channelTopic } from '@parley/net';
import { signVoiceSignal, toHex, type VoiceSignal } from '@parley/protocol';
import type { ParleyClient, RejectEvent } from '../src/index.ts';
import { VoiceLink } from '../src/index.ts';
import { crypto, eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('voice signals travel between members only, and a ban moves voice to a new key epoch', { timeout: 85_000 }, async () => {
  const alice = await testClient('v-alice');
  const bob = await testClient('v-bob');
  const eve = await testClient('v-eve');
  clients.push(alice, bob, eve);
  const room = await alice.createRoom({ name: 'Voice room', channels: ['general'] });
  const lounge = await alice.createChannel(room, 'Lounge', { kind: 'voice' });
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  assert.throws(() => new VoiceLink(alice, room, alice.channels(room)[0]?.id as Uint8Array), /not a voice channel/);
  const a = new VoiceLink(alice, room, lounge);
  await eventually('bob sees the voice channel', () => bob.channels(room).some((c) => toHex(c.id) === toHex(lounge)));
  const b = new VoiceLink(bob, room, lounge);
  const heardByAlice: VoiceSignal[] = [];
  const heardByBob: VoiceSignal[] = [];
  a.onSignal((s) => heardByAlice.push(s));
  b.onSignal((s) => heardByBob.push(s));
  await eventually('both hold the epoch key', () => a.key(a.epoch()) !== undefined && b.key(b.epoch()) !== undefined);
  assert.deepEqual(a.key(0), b.key(0), 'both derive the same voice key');

  await eventually(
    'bob join reaches alice',
    async () => {
      await b.send({ kind: 'join', uploadKbps: 3000, uptimeMs: 0, flags: 0 });
      return heardByAlice.some((s) => s.kind === 'join' && toHex(s.session) === toHex(b.session));
    },
    20_000,
    500,
  );
  await a.send({ kind: 'offer', target: b.device, targetSession: b.session, payload: 'v=0\r\ns=-\r\n' });
  await eventually('alice offer reaches bob', () => heardByBob.some((s) => s.kind === 'offer' && s.payload === 'v=0\r\ns=-\r\n'));

  // Eve is connected to alice and on the topic, but no member: her signals go nowhere.
  await eve.node.dial(alice.node.multiaddrs()[0] as string);
  const topic = channelTopic(room, lounge);
  eve.node.gossip.join(topic);
  const forged: VoiceSignal = {
    kind: 'join',
    device: eve.identity.device.sign.publicKey,
    account: eve.identity.account.publicKey,
    room,
    channel: lounge,
    session: new Uint8Array(8).fill(9),
    seq: 1,
    time: Date.now(),
    uploadKbps: 9000,
    uptimeMs: 0,
    flags: 0,
  };
  for (let i = 0; i < 5; i++) {
    await eve.node.publish(topic, signVoiceSignal({ ...forged, seq: i + 1, time: Date.now() }, eve.identity.device.sign.secret, crypto).bytes);
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(!heardByAlice.some((s) => toHex(s.account) === toHex(eve.identity.account.publicKey)), 'alice never acts on a stranger');

  // The ban: bob's next signal is rejected; the voice key moves to epoch 1, which only alice holds.
  const rejects: RejectEvent[] = [];
  alice.on('reject', (r) => rejects.push(r));
  const banAt = Date.now();
  await alice.ban(room, bob.identity.account.publicKey);
  const epoch = a.epoch();
  assert.equal(epoch, 1);
  assert.ok(a.key(1) !== undefined);
  assert.notDeepEqual(a.key(1), a.key(0));
  await eventually(
    'bob signal after the ban is rejected',
    async () => {
      await b.send({ kind: 'announce', uploadKbps: 3000, uptimeMs: 1000, flags: 0 });
      return rejects.some((r) => r.type === 'VOICE_SIGNAL' && r.code === 'ERR_UNAUTHORIZED');
    },
    20_000,
    500,
  );
  // One bob signed before the ban that reaches alice only now (a relay forwarded it while it was
  // valid) is dropped without blaming that relay; one signed after the ban is rejected.
  const bobSignal = (seq: number, time: number): Uint8Array =>
    signVoiceSignal(
      {
        kind: 'announce',
        device: bob.identity.device.sign.publicKey,
        account: bob.identity.account.publicKey,
        room,
        channel: lounge,
        session: b.session,
        seq,
        time,
        uploadKbps: 3000,
        uptimeMs: 0,
        flags: 0,
      },
      bob.identity.device.sign.secret,
      crypto,
    ).bytes;
  assert.equal(await alice.ingest.frame(bobSignal(900, banAt - 1_000), 'a-relay', { room }), 'ignore', 'signed before the ban: dropped, no blame');
  assert.equal(await alice.ingest.frame(bobSignal(901, Date.now() + 1_000), 'a-relay', { room }), 'reject', 'signed after the ban: rejected');
  await eventually('bob learns of the ban', () => bob.state(room).banned().length === 1, 20_000);
  assert.equal(b.key(1), undefined, 'the banned device holds no key for the new epoch');
});
