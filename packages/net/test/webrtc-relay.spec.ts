/**
 * The browser's path, run in Node: B and C reserve circuit-relay slots on hub A, C dials B's
 * `/p2p-circuit/webrtc` address (signalling through the relay), and the result is a direct,
 * unlimited WebRTC connection on which the sync protocol runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { multiaddr } from '@multiformats/multiaddr';
import type { ParleyNode } from '../src/index.ts';
import { eventually, MemorySource, testNode, testRoom } from './helpers.ts';

const { room, genesis } = testRoom('webrtc');
let hub: ParleyNode;
let b: ParleyNode;
let c: ParleyNode;

before(async () => {
  hub = await testNode('hub', { relayServer: true });
  await hub.start();
  const source = new MemorySource();
  source.addAuthority(room, genesis.bytes);
  // No public STUN servers: there is no network to reach them, and looking them up only costs time.
  const rtc = { bootstrap: hub.multiaddrs(), webrtc: true, iceServers: [], listen: ['/p2p-circuit', '/webrtc'] };
  b = await testNode('rtc-b', { ...rtc, sync: { source } });
  c = await testNode('rtc-c', rtc);
  await Promise.all([b.start(), c.start()]);
});

after(async () => {
  await Promise.allSettled([hub?.stop(), b?.stop(), c?.stop()]);
});

describe('circuit relay v2 + WebRTC (Node)', () => {
  it('B gets a relayed WebRTC address; C dials it and syncs over a direct connection', async () => {
    const addr = await eventually(() => b.multiaddrs().find((m) => m.includes('/p2p-circuit/webrtc/')));
    // A WebRTC handshake on a loaded machine can overrun libp2p's 6 s per-address dial limit: retry.
    const conn = await eventually(() => c.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(20_000) }), 40_000);
    assert.ok(conn.remoteAddr.toString().includes('/webrtc'));
    assert.equal(conn.limits, undefined, 'a direct WebRTC connection, not a limited relay one');
    const frames = await c.getAuthority(b.peerId, room);
    assert.deepEqual(frames, [genesis.bytes]);
  });
});
