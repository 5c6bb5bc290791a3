/**
 * Three peers in three processes on loopback: peer 1 creates a room and invites; peer 2 joins with
 * an invite that names peer 1; peer 3 gets an invite that names only peer 2 and must find the room's
 * other peers through the DHT. All three exchange messages and must end with the same history.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { eventually, type Msg, PeerProcess as Peer, type Started } from '../harness.ts';

const peers: Peer[] = [];
after(async () => {
  for (const p of peers) await p.call('close', {}, 5_000).catch(() => p.proc.kill());
});

test('three processes: create, invite, DHT join, everyone receives everything in the same order', { timeout: 88_000 }, async () => {
  const p1 = new Peer('peer1');
  const p2 = new Peer('peer2');
  const p3 = new Peer('peer3');
  peers.push(p1, p2, p3);
  const s1 = await p1.call<Started>('start', { name: 'one' });
  const s2 = await p2.call<Started>('start', { name: 'two' });
  const s3 = await p3.call<Started>('start', { name: 'three' });

  const { room, channel } = await p1.call<{ room: string; channel: string }>('createRoom', { name: 'Three' });
  const url2 = await p1.call<string>('invite', { room });
  await p2.call('join', { url: url2 });
  await eventually('peer2 holds the key', () => p2.call<boolean>('canSend', { room, channel }));

  // Peer 3's invite names only peer 2; peer 1 must come from the DHT.
  const url3 = await p1.call<string>('invite', { room, addrs: s2.addrs });
  // Peer 2 serves the whole log, so the join itself needs no DHT; the DHT still names peer 1 to peer 3.
  await p3.call('join', { url: url3 });
  await eventually('peer3 finds peer1 through the DHT', async () => (await p3.call<string[]>('findRoomPeers', { room })).includes(s1.peerId));
  await eventually('peer3 holds the key', () => p3.call<boolean>('canSend', { room, channel }));
  await eventually('all three are members everywhere', async () => {
    for (const p of [p1, p2, p3]) {
      const m = await p.call<string[]>('members', { room });
      if (![s1, s2, s3].every((s) => m.includes(s.account))) return false;
    }
    return true;
  });

  const sent: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const [i, p] of [p1, p2, p3].entries()) {
      const text = `r${round}-p${i + 1}`;
      await p.call('send', { room, channel, text });
      sent.push(text);
    }
  }
  const histories = await eventually(
    'every message at every peer',
    async () => {
      const hs = await Promise.all([p1, p2, p3].map((p) => p.call<Msg[]>('history', { room, channel })));
      return hs.every((h) => h.length === sent.length) ? hs : false;
    },
    45_000,
  );
  const [h1, h2, h3] = histories;
  assert.deepEqual(h2, h1, 'peer2 order equals peer1 order');
  assert.deepEqual(h3, h1, 'peer3 order equals peer1 order');
  assert.deepEqual([...(h1 ?? []).map((m) => m.text)].sort(), [...sent].sort(), 'every message decrypted everywhere');
  assert.ok(s3.peerId !== s1.peerId);
});
