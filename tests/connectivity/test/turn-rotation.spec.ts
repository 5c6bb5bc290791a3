/**
 * TURN credentials refused, and fresh ones from the hub: two relay-only Chromium pages running the
 * SDK chat over WebRTC through a real coturn with credentials a real hub process minted (600 s
 * lifetime, so the 80% refresh timer never fires during the test). Then the operator rotates the
 * secret, coturn first: the WebRTC connection dies with the old relay, coturn answers the old
 * credentials with 401, the climbing client asks its hub again at once (a refresh, not the timer),
 * gets the same secret's credentials, is refused again and falls back to the hub's circuit relay,
 * where chat goes on. Then the hub restarts with the new secret: both pages obtain fresh credentials
 * (HMAC under the new secret) as soon as they reconnect, the ladder climbs back, and chat flows over
 * TURN again (selected candidate pair relay on both sides).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bestPathByPeer } from '@parley/client';
import type { Browser, Page } from '@playwright/test';
import { launchChromium, type StaticServer } from '../../browser/index.ts';
import {
  type ChatPair,
  type Coturn,
  call,
  chatPair,
  closePages,
  eventually,
  exchange,
  freePort,
  type HubProcess,
  hmac,
  mountHealth,
  readHealth,
  removeDir,
  selectedPairs,
  servePage,
  startCoturn,
  startHub,
} from '../harness.ts';

const OLD = 'rotation-test-secret-one';
const NEW = 'rotation-test-secret-two';
const TTL_S = 600;
const RELAY_PORTS: [number, number] = [52000, 52999];

let server: StaticServer;
let browser: Browser;
let hub: HubProcess & { dir: string };
let turn: Coturn;
let port: number;

before(async () => {
  port = await freePort();
  turn = await startCoturn(OLD, port, RELAY_PORTS);
  server = await servePage();
  browser = await launchChromium();
  hub = await startHub({ turn: { secret: OLD, urls: [`turn:127.0.0.1:${port}?transport=udp`], ttlS: TTL_S } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await hub?.stop();
  if (hub !== undefined) removeDir(hub.dir);
  await turn?.stop();
});

const pages = (c: ChatPair): [Page, string, string][] => [
  [c.a, c.ids[1], 'A'],
  [c.b, c.ids[0], 'B'],
];

/** Both pages reach each other only through the TURN relay: client paths and the test's own stats agree. */
const assertTurn = async (c: ChatPair, phase: string): Promise<void> => {
  for (const [p, peer, name] of pages(c)) {
    const paths = await eventually(
      async () => {
        const ps = (await call(p, 'paths')).filter((x) => x.peer === peer);
        return ps.length > 0 && ps.every((x) => x.path === 'turn') && ps;
      },
      90_000,
      `${phase}: ${name} reaches its peer through TURN only`,
    );
    const pairs = await selectedPairs(p);
    const health = await eventually(
      async () => {
        const h = await readHealth(p);
        return h.turn === '1' && h;
      },
      15_000,
      `${phase}: ${name}'s health line counts its peer as reached through TURN`,
    );
    process.stdout.write(`# ${phase}, page ${name}: ${JSON.stringify(paths)} ${JSON.stringify(pairs)} ${health.text}\n`);
    assert.match(health.text, /1 peer: 1 via TURN relay/);
    assert.ok(pairs.length > 0, `${phase}: ${name} has a connected RTCPeerConnection`);
    for (const pair of pairs) {
      assert.equal(pair.policy, 'relay', `${phase}: ${name}: relay-only`);
      assert.equal(pair.local, 'relay', `${phase}: ${name}: its own candidate is the TURN relay`);
    }
  }
};

/** Every credential a page holds is coturn's HMAC of its username under `secret`, bound to the page's peer id. */
const credentialsUnder = async (p: Page, self: string, secret: string): Promise<{ username: string; credential: string }[] | false> => {
  const held = await call(p, 'turnCredentials');
  return held.length > 0 && held.every((c) => c.username.endsWith(`:${self}`) && c.credential === hmac(secret, c.username)) && held;
};

describe('TURN credentials refused after a secret rotation', () => {
  it('the client asks its hub again, falls back to the circuit relay meanwhile, and returns to TURN with fresh credentials', { timeout: 360_000 }, async () => {
    const c = await chatPair(browser, server.origin, hub.bootstrap, true, 'rotation');
    try {
      for (const p of [c.a, c.b]) await mountHealth(p, hub.bootstrap);
      await assertTurn(c, 'before');
      const [climber, climbed] = c.ids[0] < c.ids[1] ? [c.a, c.ids[1]] : [c.b, c.ids[0]];
      const oldCreds = [
        await eventually(() => credentialsUnder(c.a, c.ids[0], OLD), 10_000, 'A holds a credential'),
        await eventually(() => credentialsUnder(c.b, c.ids[1], OLD), 10_000, 'B holds a credential'),
      ];
      const oldNames = oldCreds.flat().map((x) => x.username);
      const refreshesBefore = await call(climber, 'turnRefreshes');

      // Rotation, coturn first: the relay restarts under the new secret, the hub still mints with the old one.
      const rotatedAt = Date.now();
      await turn.stop();
      turn = await startCoturn(NEW, port, RELAY_PORTS);
      const ladder = await eventually(
        async () => {
          const s = (await call(climber, 'ladder')).find((x) => x.peer === climbed);
          const turnFailures = s?.attempts.filter((x) => x.rung === 'turn' && !x.ok).length ?? 0;
          if (s !== undefined && !s.climbing && s.rung === 'circuit' && turnFailures >= 2) return s;
          throw new Error(
            `ladder ${JSON.stringify(s)}, paths ${JSON.stringify(await call(climber, 'paths'))}, pairs ${JSON.stringify(await selectedPairs(climber))}`,
          );
        },
        150_000,
        'the climbing page tried TURN, was refused, asked for new credentials, was refused again and fell back to the circuit relay',
      );
      process.stdout.write(`# rotated coturn: ladder ${JSON.stringify(ladder)} after ${Date.now() - rotatedAt} ms\n`);
      assert.ok((await call(climber, 'turnRefreshes')) > refreshesBefore, 'credentials were asked for again after the refusal');
      const refused = turn.logs();
      // coturn logs each credential it answers with 401 Unauthorized this way.
      const refusedOld = oldNames.filter((u) => refused.includes(`check_stun_auth: Cannot find credentials of user <${u}>`));
      assert.ok(refusedOld.length > 0, `coturn refused the credentials minted under the old secret (${oldNames.join(', ')}):\n${refused}`);
      for (const [p, peer, name] of pages(c)) {
        const ps = await call(p, 'paths');
        const best = bestPathByPeer(ps).get(peer);
        // A WebRTC connection whose ICE never completed may linger a moment ('webrtc', unconfirmed): it carries nothing.
        assert.ok(best?.path === 'circuit' && best.via === hub.peerId, `${name} is on the hub's circuit relay: ${JSON.stringify(ps)}`);
        assert.ok(!ps.some((x) => x.peer === peer && (x.path === 'turn' || x.path === 'direct')), `${name}: no working WebRTC connection`);
        await eventually(async () => (await readHealth(p)).circuit === '1', 15_000, `${name}'s health line says: via hub relay`);
      }
      await exchange(c, 'while TURN refuses');

      // The hub restarts with the new secret (same identity and port): fresh credentials at once, TURN again.
      const again = { dir: hub.dir, bootstrap: hub.bootstrap };
      await hub.stop();
      const hubAt = Date.now();
      hub = await startHub({ again, turn: { secret: NEW, urls: [`turn:127.0.0.1:${port}?transport=udp`], ttlS: TTL_S } });
      const fresh = [
        await eventually(() => credentialsUnder(c.a, c.ids[0], NEW), 60_000, 'A holds a credential under the new secret'),
        await eventually(() => credentialsUnder(c.b, c.ids[1], NEW), 60_000, 'B holds a credential under the new secret'),
      ];
      const tookMs = Date.now() - hubAt;
      process.stdout.write(`# fresh credentials ${tookMs} ms after the hub restarted: ${JSON.stringify(fresh.flat().map((x) => x.username))}\n`);
      assert.ok(tookMs < TTL_S * 800, 'fetched on reconnection, long before the 80% refresh timer');
      await assertTurn(c, 'after');
      await exchange(c, 'after the rotation');
    } finally {
      await closePages(c.a, c.b);
    }
  });
});
