/**
 * `npm start`: starts every service as a child process and stops them all on Ctrl-C. Today: one hub
 * on embedded PGlite under ./data/hub (libp2p on 127.0.0.1:4001/ws, HTTP on 127.0.0.1:8080), then
 * the web portal (apps/web's production build, `next start` on http://127.0.0.1:3000, or
 * $PARLEY_PORTAL_PORT), told the hub's address (read from the hub's ready line) in PARLEY_BOOTSTRAP.
 * The portal is built first when it has no build yet or its sources changed since (`next build`).
 * The directory indexer runs beside them (PGlite under ./data/indexer, search API on 127.0.0.1:8090),
 * joined to the DHT through the hub; the portal is told its origin in PARLEY_INDEXER (unless set
 * already), so its Discover page searches it.
 * `npm start -- --demo` runs the in-process demonstration of the protocol core (scripts/demo.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from './demo.ts';
import { portalBuildIsStale } from './portal-build.ts';

const root = new URL('..', import.meta.url).pathname;
const NEXT = join(root, 'node_modules/next/dist/bin/next');
const WEB = join(root, 'apps/web');
const PORTAL_PORT = process.env.PARLEY_PORTAL_PORT ?? '3000';
const INDEXER_HTTP = '127.0.0.1:8090';

const HUB_ARGS = ['services/hub/bin/parley-hub.ts', '--listen', '/ip4/127.0.0.1/tcp/4001/ws', '--http', '127.0.0.1:8080', '--data-dir', 'data/hub'];

const INDEXER_ARGS = ['services/indexer/bin/parley-indexer.ts', '--listen', '/ip4/127.0.0.1/tcp/4101/ws', '--http', INDEXER_HTTP, '--data-dir', 'data/indexer'];

const children: ChildProcess[] = [];
let stopping = false;
const stopAll = (): void => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
};

const watch = (name: string, child: ChildProcess): void => {
  console.log(`started ${name} (pid ${child.pid})`);
  children.push(child);
  child.on('exit', (code, signal) => {
    console.log(`${name} exited (${signal ?? code})`);
    // One service dying takes the others down, so `npm start` never runs half a system.
    // (next start exits 143 on the SIGTERM it is sent: that is a clean stop.)
    if (code !== 0 && signal === null && !stopping) process.exitCode = 1;
    stopAll();
  });
};

/** Starts the hub; resolves with its WebSocket multiaddr ending in /p2p/<id>, from the JSON ready line it prints. */
const startHub = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const hub = spawn(process.execPath, HUB_ARGS, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    watch('hub', hub);
    let buffered = '';
    hub.stdout?.on('data', (d: Buffer) => {
      process.stdout.write(d);
      buffered += d.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line === undefined) return;
      buffered = '';
      const ready = JSON.parse(line) as { peerId: string; multiaddrs: string[] };
      const ws = ready.multiaddrs.find((a) => a.includes('/ws'));
      if (ws === undefined) reject(new Error('the hub announced no /ws address'));
      else resolve(ws.includes('/p2p/') ? ws : `${ws}/p2p/${ready.peerId}`);
    });
    hub.once('exit', () => reject(new Error('the hub exited before it was ready')));
  });

const startPortal = (bootstrap: string): void => {
  if (portalBuildIsStale(root)) {
    console.log('building the web portal (next build)…');
    const b = spawnSync(process.execPath, [NEXT, 'build'], { cwd: WEB, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (b.status !== 0) throw new Error('next build failed');
  }
  const portal = spawn(process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', PORTAL_PORT], {
    cwd: WEB,
    stdio: 'inherit',
    env: { PARLEY_INDEXER: `http://${INDEXER_HTTP}`, ...process.env, NEXT_TELEMETRY_DISABLED: '1', PARLEY_BOOTSTRAP: bootstrap },
  });
  watch('portal', portal);
  console.log(`portal: http://127.0.0.1:${PORTAL_PORT} (hub ${bootstrap})`);
};

/** Starts the directory indexer, joined to the DHT through the hub. */
const startIndexer = (bootstrap: string): void => {
  watch('indexer', spawn(process.execPath, [...INDEXER_ARGS, '--bootstrap', bootstrap], { cwd: root, stdio: 'inherit' }));
  console.log(`indexer: search API on http://${INDEXER_HTTP}/v1/search`);
};

const startAll = async (): Promise<void> => {
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  try {
    const hub = await startHub();
    startIndexer(hub);
    startPortal(hub);
  } catch (e) {
    console.error(`npm start: ${(e as Error).message}`);
    process.exitCode = 1;
    stopAll();
  }
};

if (process.argv.includes('--demo')) runDemo();
else await startAll();
