/**
 * What the connection-health line says, from connection paths as `client.connectionPaths()` gives
 * them: hubs are not counted as peers, each peer counts once by its best path (a working WebRTC path
 * before the hub's relay, the relay before an unconfirmed WebRTC attempt), and the words name each path.
 * The same words in a real page, for each real path, are checked by tests/connectivity.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionPath, PeerPath } from '@parley/client';
import fc from 'fast-check';
import { describeHealth, summarizeHealth } from '../src/lib/parley/health.ts';

const HUB = '12D3KooWHub';
const at = (peer: string, path: ConnectionPath): PeerPath => ({ peer, path, remoteAddr: `/x/${peer}` });
const opts = { online: true, relayOnly: false };

test('each peer counts once, by its best path; hubs are not peers', () => {
  const h = summarizeHealth(
    [
      at(HUB, 'websocket'),
      at('a', 'circuit'),
      at('a', 'turn'),
      at('b', 'circuit'),
      at('b', 'webrtc'),
      at('c', 'direct'),
      at('c', 'circuit'),
      at('d', 'webrtc'),
    ],
    [HUB],
    opts,
  );
  assert.deepEqual(
    { peers: h.peers, direct: h.direct, turn: h.turn, circuit: h.circuit, connecting: h.connecting, hub: h.hub },
    { peers: 4, direct: 1, turn: 1, circuit: 1, connecting: 1, hub: true },
  );
  assert.deepEqual(describeHealth(h), {
    state: 'ok',
    label: 'Hub reachable',
    detail: '4 peers: 1 direct, 1 via TURN relay, 1 via hub relay, 1 connecting',
  });
});

test('the words for a single path, no hub, and nobody', () => {
  assert.equal(describeHealth(summarizeHealth([at(HUB, 'websocket'), at('a', 'circuit')], [HUB], opts)).detail, '1 peer: 1 via hub relay');
  const noHub = describeHealth(summarizeHealth([at('a', 'turn')], [HUB], opts));
  assert.deepEqual([noHub.state, noHub.label, noHub.detail], ['peers', 'Hub unreachable', '1 peer: 1 via TURN relay']);
  const none = describeHealth(summarizeHealth([], [HUB], opts));
  assert.deepEqual([none.state, none.label, none.detail], ['offline', 'Offline', '0 peers']);
});

test('property: the per-path counts never exceed the peers, and every peer but a hub is counted', () => {
  const path = fc.constantFrom<ConnectionPath>('direct', 'turn', 'webrtc', 'circuit', 'websocket', 'other');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', HUB), path), { maxLength: 20 }), (rows) => {
      const h = summarizeHealth(
        rows.map(([p, x]) => at(p, x)),
        [HUB],
        opts,
      );
      assert.equal(h.peers, new Set(rows.map(([p]) => p).filter((p) => p !== HUB)).size);
      assert.ok(h.direct + h.turn + h.circuit + h.connecting <= h.peers);
      assert.equal(
        h.hub,
        rows.some(([p]) => p === HUB),
      );
    }),
  );
});
