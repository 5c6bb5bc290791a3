/**
 * Gossip across a connection switch, in Node with real WebRTC: B and C meet through hub A's circuit
 * relay, join a room topic, then C dials B's `/p2p-circuit/webrtc` address and the relayed connection
 * is reset after gossip moved to WebRTC (as a relay's limit or a lost hub ends it). Both must still know each other on the topic
 * and hear each other both ways: gossipsub forgot a peer whose old inbound stream ended with an error
 * although it was still connected, and C then published nothing to B (src/gossip-streams.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { multiaddr } from '@multiformats/multiaddr';
import type { ParleyNode } from '../src/index.ts';
import { eventually, testNode, testRoom } from './helpers.ts';

const { room } = testRoom('gossip-switch');
let hub: ParleyNode;
let b: ParleyNode;
let c: ParleyNode;

before(async () => {
  hub = await testNode('switch-hub', { relayServer: true });
  await hub.start();
  const rtc = {
    bootstrap: hub.multiaddrs(),
    webrtc: true,
    iceServers: [],
    listen: ['/p2p-circuit', '/webrtc'],
    verify: { gossip: () => 'accept' as const },
  };
  b = await testNode('switch-b', rtc);
  c = await testNode('switch-c', rtc);
  await Promise.all([b.start(), c.start()]);
});

after(async () => {
  await Promise.allSettled([hub?.stop(), b?.stop(), c?.stop()]);
});

/** Distinct signed frames (gossip drops a repeated one as seen). */
let n = 0;
const frames = (k: number): Uint8Array[] => Array.from({ length: k }, () => testRoom(`switch-frame-${n++}`).genesis.bytes);

const heard = (node: ParleyNode): Set<string> => {
  const got = new Set<string>();
  node.onMessage((m) => got.add(Buffer.from(m.data).toString('base64')));
  return got;
};

/** `from` publishes `k` frames; all must reach `to`'s `got` within 10 s. */
const allArrive = async (from: ParleyNode, topic: string, got: Set<string>, k: number, what: string): Promise<void> => {
  const sent = frames(k);
  for (const f of sent) await from.publish(topic, f);
  const missed = () => sent.filter((f) => !got.has(Buffer.from(f).toString('base64'))).length;
  await eventually(() => missed() === 0, 10_000, 50).catch(() => assert.fail(`${what}: ${missed()} of ${k} frames never arrived`));
};

describe('gossip across a relayed-to-WebRTC switch (Node)', () => {
  it('after the relayed connection is reset, B and C still know each other and hear each other both ways', async () => {
    const circuit = await eventually(() => b.multiaddrs().find((m) => m.includes('/p2p-circuit/p2p/')));
    await c.libp2p.dial(multiaddr(circuit));
    const topic = b.joinRoom(room);
    assert.equal(c.joinRoom(room), topic);
    const atB = heard(b);
    const atC = heard(c);
    await eventually(() => b.gossip.peers(topic).includes(c.peerId) && c.gossip.peers(topic).includes(b.peerId), 20_000);
    await allArrive(b, topic, atC, 3, 'B to C over the relay');
    await allArrive(c, topic, atB, 3, 'C to B over the relay');

    const rtc = await eventually(() => b.multiaddrs().find((m) => m.includes('/p2p-circuit/webrtc/')));
    // A WebRTC handshake on a loaded machine can overrun libp2p's 6 s per-address dial limit: retry.
    const direct = await eventually(() => c.libp2p.dial(multiaddr(rtc), { signal: AbortSignal.timeout(20_000) }), 40_000);
    assert.equal(direct.limits, undefined, 'a direct WebRTC connection');
    // Both gossip streams move to the direct connection first (the keeper does it as it opens); the
    // old ones are left on the relayed connection, to end in errors when it is reset.
    await eventually(() => {
      const ways = direct.streams.filter((x) => x.protocol?.startsWith('/meshsub/')).map((x) => x.direction);
      return ways.includes('inbound') && ways.includes('outbound');
    }, 10_000);
    const relayed = c.libp2p.getConnections(b.libp2p.peerId).filter((x) => x.limits != null);
    assert.ok(relayed.length > 0, 'the relayed connection is still there');
    for (const x of relayed) x.abort(new Error('relayed connection reset (test)'));

    // Past the keeper's 2 s sweep: whatever it repairs, it has repaired.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.ok(
      b.libp2p.getConnections(c.libp2p.peerId).every((x) => x.limits == null && x.status === 'open'),
      'only the direct connection is left',
    );
    assert.ok(c.gossip.peers(topic).includes(b.peerId), 'C still counts B on the topic');
    assert.ok(b.gossip.peers(topic).includes(c.peerId), 'B still counts C on the topic');
    await allArrive(b, topic, atC, 10, 'B to C after the switch');
    await allArrive(c, topic, atB, 10, 'C to B after the switch');
  });
});
