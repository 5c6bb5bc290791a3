/**
 * The connectivity suite's real parts: Debian's coturn in shared-secret mode on 127.0.0.1 (restartable
 * with a new secret), a parley-hub process (no storage: bootstrap, circuit relay, TURN minting) that
 * can be restarted with the same identity and port, and Chromium pages each running a ParleyClient
 * (client.browser.ts). Missing coturn or Chromium fails the suite, never skips it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { bundleForBrowser, type StaticServer, startStaticServer } from '../browser/index.ts';
import { stopProcess } from '../kit/index.ts';
import type { ConnApi } from './client.browser.ts';

const HUB_BIN = new URL('../../services/hub/bin/parley-hub.ts', import.meta.url).pathname;

export const freePort = (): Promise<number> =>
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
    throw new Error(`${bin} is not installed: the connectivity suite needs coturn (apt-get install coturn; .ci/run does it)`);
  }
};

export const hmac = (secret: string, username: string): string => createHmac('sha1', secret).update(username).digest('base64');

export interface Coturn {
  readonly port: number;
  readonly urls: string[];
  logs(): string;
  stop(): Promise<void>;
}

/** coturn on 127.0.0.1:`port` (UDP and TCP) with `secret`, relaying on loopback only. */
export const startCoturn = async (secret: string, port: number, relayPorts: [number, number]): Promise<Coturn> => {
  const child = spawn(
    which('turnserver'),
    [
      '-n',
      '--listening-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--relay-ip=127.0.0.1',
      `--min-port=${relayPorts[0]}`,
      `--max-port=${relayPorts[1]}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
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
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`turnserver did not start: ${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Relay ports initialization done')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`turnserver exited with ${code}: ${out}`)));
  });
  return {
    port,
    urls: [`turn:127.0.0.1:${port}?transport=udp`],
    logs: () => out,
    async stop() {
      await stopProcess(child, { signal: 'SIGKILL' });
    },
  };
};

export interface HubProcess {
  readonly peerId: string;
  /** The hub's WebSocket multiaddr ending in /p2p/<peer id>. */
  readonly bootstrap: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface HubInit {
  /** TURN secret and URLs (minting on); absent: the hub mints nothing. */
  readonly turn?: { readonly secret: string; readonly urls: readonly string[]; readonly ttlS: number };
  /** A hub stopped before: start it again with the same identity and port. */
  readonly again?: { readonly dir: string; readonly bootstrap: string };
}

/** A parley-hub process without storage: bootstrap, circuit relay (the hub's limits), TURN minting. */
export const startHub = async (o: HubInit = {}): Promise<HubProcess & { readonly dir: string }> => {
  const dir = o.again?.dir ?? mkdtempSync(join(tmpdir(), 'parley-conn-hub-'));
  const listen = o.again === undefined ? '/ip4/127.0.0.1/tcp/0/ws' : (o.again.bootstrap.split('/p2p/')[0] as string);
  const args = [HUB_BIN, '--listen', listen, '--http', '127.0.0.1:0', '--data-dir', dir, '--no-storage', '--test-mode', '--log-level', 'warn'];
  if (o.turn !== undefined) args.push('--turn-secret', o.turn.secret, '--turn-urls', o.turn.urls.join(','), '--turn-ttl', String(o.turn.ttlS));
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = await new Promise<{ peerId: string; multiaddrs: string[] }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`hub did not start in 60 s:\n${out}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line === undefined) return;
      clearTimeout(t);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}`)));
  });
  const ws = ready.multiaddrs.find((a) => a.includes('/ws'));
  if (ws === undefined) throw new Error(`hub announced no /ws address: ${ready.multiaddrs.join(' ')}`);
  return {
    peerId: ready.peerId,
    dir,
    bootstrap: ws.includes('/p2p/') ? ws : `${ws}/p2p/${ready.peerId}`,
    logs: () => out,
    async stop() {
      await stopProcess(child);
    },
  };
};

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** The portal's health line (real hook and component from apps/web), mounted by `mountHealth(hub)`. */
const HEALTH_PROBE = new URL('../../apps/web/test/health-probe.browser.tsx', import.meta.url).pathname;

/** Serves the page: the client script (client.browser.ts) and the portal's health line, on 127.0.0.1. */
export const servePage = async (): Promise<StaticServer> => {
  const js = await bundleForBrowser(new URL('./client.browser.ts', import.meta.url).pathname);
  const health = await bundleForBrowser(HEALTH_PROBE, { define: { 'process.env.NODE_ENV': '"production"' } });
  return startStaticServer({
    '/index.html': {
      body: '<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/conn.js"></script><script type="module" src="/health.js"></script></body></html>',
    },
    '/conn.js': { body: js },
    '/health.js': { body: health },
  });
};

/** Renders the portal's health line for the page's client; resolves with its text and data attributes once it shows peers. */
export const mountHealth = async (page: Page, hub: string): Promise<void> => {
  await page.waitForFunction(() => 'mountHealth' in globalThis);
  await page.evaluate((h) => (globalThis as unknown as { mountHealth: (hub: string) => void }).mountHealth(h), hub);
};

/** What the health line says now: its text and per-path counts. */
export const readHealth = (page: Page): Promise<{ text: string; hub: string; peers: string; direct: string; turn: string; circuit: string }> =>
  page.locator('[data-testid=health]').evaluate((el) => ({
    text: el.textContent ?? '',
    hub: el.getAttribute('data-hub') ?? '',
    peers: el.getAttribute('data-peers') ?? '',
    direct: el.getAttribute('data-direct') ?? '',
    turn: el.getAttribute('data-turn') ?? '',
    circuit: el.getAttribute('data-circuit') ?? '',
  }));

type Call = <K extends keyof ConnApi>(page: Page, fn: K, ...args: Parameters<ConnApi[K]>) => Promise<Awaited<ReturnType<ConnApi[K]>>>;
/** Calls the page's client API. */
export const call: Call = (page, fn, ...args) =>
  page.evaluate(
    ([f, a]) => {
      const api = (globalThis as unknown as { parleyConn: Record<string, (...x: unknown[]) => unknown> }).parleyConn;
      return (api[f as string] as (...x: unknown[]) => unknown)(...(a as unknown[]));
    },
    [fn, args] as const,
  ) as never;

export interface Pair {
  readonly local: string;
  readonly remote: string;
  readonly relayProtocol: string;
  readonly policy: string;
}

/** The selected candidate pair of every connected RTCPeerConnection of a page, read by the test itself. */
export const selectedPairs = (page: Page): Promise<Pair[]> =>
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

/** A fresh context and page with the client bundle loaded; every RTCPeerConnection is recorded in `__pcs`. */
export const openPage = async (browser: Browser, origin: string, name: string): Promise<Page> => {
  const ctx = await browser.newContext();
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
  if (process.env.PARLEY_CONN_DEBUG === '1') page.on('console', (m) => process.stderr.write(`[${name}] ${m.type()}: ${m.text()}\n`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'parleyConn' in globalThis);
  return page;
};

export interface ChatPair {
  readonly a: Page;
  readonly b: Page;
  /** Peer ids of A and B. */
  readonly ids: readonly [string, string];
  readonly room: string;
  readonly channel: string;
}

/** A and B (each a page with a client on `hub`) in one room, B joined by invite, each having received the other's message. */
export const chatPair = async (browser: Browser, origin: string, hub: string, relayOnly: boolean, tag: string): Promise<ChatPair> => {
  const [a, b] = [await openPage(browser, origin, `${tag}-A`), await openPage(browser, origin, `${tag}-B`)];
  const ids = [await call(a, 'start', { name: `${tag} A`, hub, relayOnly }), await call(b, 'start', { name: `${tag} B`, hub, relayOnly })] as const;
  await eventually(async () => (await call(a, 'circuitAddrs')).length > 0, 30_000, 'A holds a relay reservation on the hub');
  const { room, channel, invite } = await call(a, 'createRoom', `${tag} room`);
  await call(b, 'join', invite);
  for (const [p, name] of [
    [a, 'A'],
    [b, 'B'],
  ] as const)
    await eventually(() => call(p, 'canSend', room, channel), 30_000, `${name} holds the channel key`);
  await exchange({ a, b, ids, room, channel }, `${tag}: hello`);
  return { a, b, ids, room, channel };
};

/** A and B each send `text` and receive the other's. */
export const exchange = async (c: ChatPair, text: string): Promise<void> => {
  await call(c.a, 'send', c.room, c.channel, `${text} from A`);
  await call(c.b, 'send', c.room, c.channel, `${text} from B`);
  await eventually(async () => (await call(c.b, 'received')).includes(`${text} from A`), 30_000, `B receives "${text} from A"`);
  await eventually(async () => (await call(c.a, 'received')).includes(`${text} from B`), 30_000, `A receives "${text} from B"`);
};

export const closePages = async (...pages: Page[]): Promise<void> => {
  for (const p of pages) {
    await call(p, 'stop').catch(() => {});
    await p.context().close();
  }
};

/** Retries `fn` until it returns a truthy value or `ms` pass; the last error or value is in the failure. */
export const eventually = async <T>(fn: () => Promise<T | false | undefined>, ms: number, what: string, every = 250): Promise<T> => {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`${what}: not within ${ms} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
};
