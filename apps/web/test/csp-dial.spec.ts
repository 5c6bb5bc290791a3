/**
 * The browser node dials only what the page's Content-Security-Policy lets it reach: a WebSocket
 * only to a hub the CSP names (directly, or as the first hop of a circuit), and never a peer's own
 * ws/wss address; WebRTC addresses pass (they are signalled through an allowed relay).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contentSecurityPolicy, dialAllowed, wsOrigin } from '../src/lib/content-security-policy.ts';

const HUB = '/ip4/127.0.0.1/tcp/45123/ws/p2p/12D3KooWGgRfo6D1eEa3F12Y2y5qeiSb5982QVPEM9vQtEivCNnf';
const PEER = '12D3KooWMe2woySRFMSos6F62bQBHnwRSTWQ9U1MzoA7z5GQ7WQb';

test('a hub, a circuit through it and WebRTC pass; a peer’s own WebSocket does not', () => {
  const ok = dialAllowed([HUB, '/dns4/hub.example.org/tcp/443/wss/p2p/X']);
  assert.equal(ok(HUB), true);
  assert.equal(ok(`${HUB}/p2p-circuit/webrtc/p2p/${PEER}`), true);
  assert.equal(ok(`${HUB}/p2p-circuit/p2p/${PEER}`), true);
  assert.equal(ok('/dns4/hub.example.org/tcp/443/tls/ws/p2p/X'), true, 'tls/ws is the same origin as wss');
  assert.equal(ok(`/webrtc/p2p/${PEER}`), true);
  assert.equal(ok(`/ip4/127.0.0.1/tcp/46375/ws/p2p/${PEER}`), false, 'another port on the same host');
  assert.equal(ok(`/ip4/10.0.0.7/tcp/45123/ws/p2p/${PEER}`), false);
  assert.equal(ok('/dns4/hub.example.org/tcp/443/ws/p2p/X'), false, 'ws is not the wss origin');
  assert.equal(ok(`/ip4/127.0.0.1/tcp/46375/ws/p2p/${HUB.split('/').pop()}/p2p-circuit/p2p/${PEER}`), false, 'a circuit through an unnamed relay');
});

test('property: every WebSocket address allowed is an origin the CSP connect-src lists', () => {
  const host = fc.oneof(fc.constantFrom('127.0.0.1', '10.0.0.7', 'hub.example.org'));
  const scheme = fc.constantFrom('ws', 'wss', 'tls/ws');
  const addr = fc
    .tuple(
      fc.constantFrom('ip4', 'dns4'),
      host,
      fc.integer({ min: 1, max: 65535 }),
      scheme,
      fc.constantFrom('', `/p2p/${PEER}`, `/p2p/${PEER}/p2p-circuit/webrtc/p2p/${PEER}`),
    )
    .map(([k, h, port, sc, tail]) => `/${k}/${h}/tcp/${port}/${sc}${tail}`);
  fc.assert(
    fc.property(fc.array(addr, { maxLength: 3 }), addr, (hubs, a) => {
      const csp = contentSecurityPolicy('n', hubs);
      const connect = (/connect-src ([^;]*)/.exec(csp)?.[1] ?? '').split(' ');
      if (dialAllowed(hubs)(a)) assert.ok(connect.includes(wsOrigin(a) as string), `${a} allowed but not in ${connect.join(' ')}`);
    }),
    { numRuns: 500 },
  );
});
