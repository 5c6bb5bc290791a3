/**
 * The fallback ladder in real Chromium pages running the SDK, against a real parley-hub process
 * (bootstrap, circuit relay, no storage: the hub serves no room, so chat between the pages can only
 * flow over their own connection) and, for TURN, a real coturn. Each case: A creates a room, B joins
 * by invite (meeting A through the hub's relay), both send, both receive; then what each page's
 * client reports (`connectionPaths`, `ladder`) is checked against the selected candidate pairs the
 * test reads itself from every RTCPeerConnection.
 * - neither page relay-only, no TURN: the first rung, direct WebRTC, is taken (host candidates).
 * - both relay-only, no TURN anywhere (direct WebRTC impossible): messages flow over the hub's
 *   circuit relay, and both clients say so (path `circuit` via the hub).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bestPathByPeer } from '@parley/client';
import type { Browser } from '@playwright/test';
import { launchChromium, type StaticServer } from '../../browser/index.ts';
import { call, chatPair, closePages, eventually, type HubProcess, mountHealth, readHealth, removeDir, selectedPairs, servePage, startHub } from '../harness.ts';

let server: StaticServer;
let browser: Browser;
let hub: HubProcess & { dir: string };

before(async () => {
  server = await servePage();
  browser = await launchChromium();
  hub = await startHub();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await hub?.stop();
  if (hub !== undefined) removeDir(hub.dir);
});

const pair = (relayOnly: boolean, tag: string) => chatPair(browser, server.origin, hub.bootstrap, relayOnly, tag);

describe('the fallback ladder', () => {
  it('takes direct WebRTC when it works (the first rung)', { timeout: 150_000 }, async () => {
    const { a, b, ids } = await pair(false, 'direct');
    try {
      for (const [p, peer, name] of [
        [a, ids[1], 'A'],
        [b, ids[0], 'B'],
      ] as const) {
        const paths = await eventually(
          async () => {
            const ps = (await call(p, 'paths')).filter((x) => x.peer === peer);
            if (bestPathByPeer(ps).get(peer)?.path === 'direct' && !ps.some((x) => x.path === 'circuit' || x.path === 'turn')) return ps;
            throw new Error(`paths ${JSON.stringify(ps)}; ladders A ${JSON.stringify(await call(a, 'ladder'))} B ${JSON.stringify(await call(b, 'ladder'))}`);
          },
          // A first direct attempt can miss its bound on a loaded machine; the ladder climbs again after 30 s.
          120_000,
          `${name} reaches its peer by direct WebRTC (the relayed connection closed)`,
        );
        process.stdout.write(`# direct, page ${name}: ${JSON.stringify(paths)}\n`);
        const pairs = await selectedPairs(p);
        assert.ok(pairs.length > 0, `${name}: a connected RTCPeerConnection`);
        for (const pair of pairs) assert.ok(pair.local !== 'relay' && pair.remote !== 'relay', `${name}: no relay candidate selected: ${JSON.stringify(pair)}`);
        await mountHealth(p, hub.bootstrap);
        const health = await eventually(
          async () => {
            const h = await readHealth(p);
            return h.direct === '1' && h;
          },
          15_000,
          `${name}'s health line counts its peer as direct`,
        );
        assert.match(health.text, /Hub reachable · 1 peer: 1 direct/);
      }
      const climber = ids[0] < ids[1] ? a : b;
      // The ladder's own bookkeeping ends a moment after the connection is up (its dial resolves after the upgrade).
      const state = await eventually(
        async () => {
          const s = (await call(climber, 'ladder'))[0];
          if (s !== undefined && !s.climbing) return s;
          throw new Error(`ladder ${JSON.stringify(s)}`);
        },
        30_000,
        'the climbing side settles',
      );
      process.stdout.write(`# direct, ladder: ${JSON.stringify(state)}\n`);
      assert.equal(state?.rung, 'direct');
      assert.ok(state !== undefined && state.attempts.length > 0, 'the ladder climbed');
      assert.deepEqual(
        state.attempts.map((x) => x.rung).filter((r) => r === 'turn'),
        [],
        'no TURN rung (none offered)',
      );
      const last = state.attempts.at(-1);
      assert.deepEqual([last?.rung, last?.ok], ['direct', true], 'the first rung, direct WebRTC, is the one taken');
    } finally {
      await closePages(a, b);
    }
  });

  it('with both pages relay-only and no TURN, chat flows through the hub’s circuit relay and the clients say so', { timeout: 150_000 }, async () => {
    const { a, b, ids } = await pair(true, 'circuit');
    try {
      for (const [p, peer, name] of [
        [a, ids[1], 'A'],
        [b, ids[0], 'B'],
      ] as const) {
        const paths = (await call(p, 'paths')).filter((x) => x.peer === peer);
        process.stdout.write(
          `# circuit, page ${name}: ${JSON.stringify(paths)} ${JSON.stringify(await call(p, 'ladder'))} ${JSON.stringify(await selectedPairs(p))}\n`,
        );
        assert.ok(paths.length > 0, `${name} has a connection to its peer`);
        const best = bestPathByPeer(paths).get(peer);
        assert.equal(best?.path, 'circuit', `${name}: the best path to its peer`);
        assert.equal(best?.via, hub.peerId, `${name}: relayed by the hub`);
        // A WebRTC attempt may leave an unconfirmed ('webrtc') connection a moment; none works.
        assert.ok(!paths.some((x) => x.path === 'turn' || x.path === 'direct'), `${name}: no working WebRTC connection`);
        assert.deepEqual(await selectedPairs(p), [], `${name}: no WebRTC connection came up`);
        await mountHealth(p, hub.bootstrap);
        const health = await eventually(
          async () => {
            const h = await readHealth(p);
            return h.circuit === '1' && h;
          },
          15_000,
          `${name}'s health line counts its peer as reached through the hub's relay`,
        );
        process.stdout.write(`# circuit, page ${name} health line: ${JSON.stringify(health)}\n`);
        assert.equal(health.hub, 'true');
        assert.match(health.text, /Hub reachable · 1 peer: 1 via hub relay/);
        const hubPath = (await call(p, 'paths')).find((x) => x.peer === hub.peerId);
        assert.equal(hubPath?.path, 'websocket', `${name} reaches the hub over a WebSocket`);
      }
      const climber = ids[0] < ids[1] ? a : b;
      const state = (await call(climber, 'ladder')).find((s) => s.peer === (climber === a ? ids[1] : ids[0]));
      process.stdout.write(`# circuit, ladder: ${JSON.stringify(state)}\n`);
      assert.equal(state?.rung, 'circuit');
      assert.ok(
        state?.attempts.every((x) => x.rung === 'circuit'),
        'relay-only without TURN: neither WebRTC rung is tried',
      );
    } finally {
      await closePages(a, b);
    }
  });
});
