/**
 * Relay-only WebRTC in a real Chromium through a real coturn on 127.0.0.1 (shared-secret mode, a
 * credential minted as a hub mints it): two pages whose every peer connection has
 * `iceTransportPolicy: 'relay'` connect through a Node circuit relay, upgrade to /webrtc, and
 * gossip over it; getStats shows the selected candidate pair is `relay` on both sides, so neither
 * page learns the other's address. Once with TURN over UDP, once over TCP. Chromium and coturn
 * must be installed (.ci/run installs both); this file fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, launchChromium, type StaticServer, startStaticServer } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import type { ParleyNode } from '../../src/index.ts';
import { eventually, testNode } from '../helpers.ts';
import { call, gossipAll } from './pages.ts';

const SECRET = 'relay-only-browser-test-secret';

interface Pair {
  local: string;
  remote: string;
  relayProtocol: string;
  policy: string;
}

/** In the page: the selected candidate pair of every connected RTCPeerConnection (recorded by the init script). */
const selectedPairs = (page: Page): Promise<Pair[]> =>
  page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const out: Pair[] = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      const byId = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        byId.set(s.id as string, s);
      });
      const transport = [...byId.values()].find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
      const pair = transport === undefined ? undefined : byId.get(transport.selectedCandidatePairId as string);
      if (pair === undefined) continue;
      const local = byId.get(pair.localCandidateId as string) ?? {};
      const remote = byId.get(pair.remoteCandidateId as string) ?? {};
      out.push({
        local: String(local.candidateType),
        remote: String(remote.candidateType),
        relayProtocol: String(local.relayProtocol ?? ''),
        policy: pc.getConfiguration().iceTransportPolicy ?? 'all',
      });
    }
    return out;
  });

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

const which = (bin: string): string => {
  try {
    return execFileSync('which', [bin]).toString().trim();
  } catch {
    throw new Error(`${bin} is not installed: this suite needs coturn (apt-get install coturn; .ci/run does it)`);
  }
};

/** A credential as the hub mints it: username `<expiry>:<name>`, password base64(HMAC-SHA1(secret, username)). */
const credential = (name: string): { username: string; credential: string } => {
  const username = `${Math.floor(Date.now() / 1000) + 600}:${name}`;
  return { username, credential: createHmac('sha1', SECRET).update(username).digest('base64') };
};

let relay: ParleyNode;
let server: StaticServer;
let browser: Browser;
let turn: ChildProcess;
let turnPort: number;

before(async () => {
  turnPort = await freePort();
  turn = spawn(
    which('turnserver'),
    [
      '-n',
      '--listening-ip=127.0.0.1',
      `--listening-port=${turnPort}`,
      '--relay-ip=127.0.0.1',
      '--min-port=51000',
      '--max-port=51999',
      '--use-auth-secret',
      `--static-auth-secret=${SECRET}`,
      '--realm=parley.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`turnserver did not start: ${out}`)), 20_000);
    turn.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Relay ports initialization done')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const js = await bundleForBrowser(fileURLToPath(new URL('./net.browser.ts', import.meta.url)));
  server = await startStaticServer({
    '/index.html': { body: '<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/net.js"></script></body></html>' },
    '/net.js': { body: js },
  });
  browser = await launchChromium();
  relay = await testNode('relay-only-relay', { relayServer: true });
  await relay.start();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await relay?.stop();
  turn?.kill('SIGKILL');
});

const openPage = async (name: string): Promise<Page> => {
  const ctx = await browser.newContext();
  // Before any page script: record every RTCPeerConnection so the test can read its stats.
  await ctx.addInitScript(() => {
    const Native = globalThis.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
    globalThis.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[browser ${name}] uncaught: ${e.stack ?? e.message}\n`));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => 'parleyNet' in globalThis);
  return page;
};

for (const transport of ['udp', 'tcp'] as const) {
  describe(`relay-only WebRTC through coturn over ${transport.toUpperCase()}`, () => {
    it('two pages connect, gossip, and the selected candidate pair is relay on both sides', { timeout: 120_000 }, async () => {
      const relayAddr = relay.multiaddrs().find((m) => m.includes('/ws/')) as string;
      const [a, b] = [await openPage('A'), await openPage('B')];
      try {
        const rtc = (name: string): RTCConfiguration => ({
          iceServers: [{ urls: [`turn:127.0.0.1:${turnPort}?transport=${transport}`], ...credential(name) }],
          iceTransportPolicy: 'relay',
        });
        const [aInfo, bInfo] = await Promise.all([call(a, 'start', relayAddr, rtc('A')), call(b, 'start', relayAddr, rtc('B'))]);
        await Promise.all([a, b].map((p) => eventually(async () => (await call(p, 'addrs')).some((m) => m.includes('/p2p-circuit/webrtc/')), 30_000)));
        const addr = (await call(a, 'addrs')).find((m) => m.includes('/p2p-circuit/webrtc/')) as string;
        const c = await eventually(() => call(b, 'dial', addr), 60_000);
        assert.ok(c.remoteAddr.includes('/webrtc') && !c.limited, c.remoteAddr);
        // Only the WebRTC connection joins the pages from here on.
        await call(b, 'closeLimited', aInfo.peerId);
        await call(a, 'closeLimited', bInfo.peerId);
        const room = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('hex');
        const topic = await call(a, 'joinRoom', room);
        await call(b, 'joinRoom', room);
        // 20 s was once too short for the subscriptions to cross in a loaded rehearsal (load 10-15).
        await eventually(async () => (await call(a, 'topicPeers', topic)).includes(bInfo.peerId), 45_000);
        // Five at once, all of which must arrive (frames published right after the switch were once
        // lost here, before src/gossip-streams.ts moved gossip's stream ahead of the close).
        await gossipAll(a, b, topic, 5);
        for (const [name, page] of [
          ['A', a],
          ['B', b],
        ] as const) {
          const pairs = await eventually(async () => {
            const p = await selectedPairs(page);
            return p.length > 0 && p;
          }, 10_000);
          process.stdout.write(`# ${transport} page ${name}: ${JSON.stringify(pairs)}\n`);
          for (const p of pairs) {
            assert.equal(p.policy, 'relay', `page ${name}: the connection was made relay-only`);
            assert.equal(p.local, 'relay', `page ${name}: its own candidate is the TURN relay`);
            assert.equal(p.relayProtocol, transport, `page ${name}: it reaches the relay over ${transport}`);
          }
        }
      } finally {
        for (const p of [a, b]) await call(p, 'stop').catch(() => {});
        await a.context().close();
        await b.context().close();
      }
    });
  });
}
