/**
 * The portal's real production build for the web suite: `next build` once per run (in
 * $PARLEY_WEB_DIST_DIR when set, default .next; not at all when PARLEY_WEB_REUSE_BUILD=1), then
 * `next start` on a free loopback port with the hub's address in PARLEY_BOOTSTRAP.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopProcess } from '@parley/tests/kit';

const APP = new URL('../../', import.meta.url).pathname;
const NEXT = new URL('../../../../node_modules/next/dist/bin/next', import.meta.url).pathname;
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

const STAMP = join(APP, process.env.PARLEY_WEB_DIST_DIR ?? '.next', 'parley-test-build');

/**
 * Builds once per test run: the suite's files run one after another as children of one `node --test`
 * process, so a build stamped with that parent's pid is reused by the files after the first.
 */
export const buildApp = async (): Promise<void> => {
  // The whole-suite runner (scripts/test-all.ts) built it already.
  if (process.env.PARLEY_WEB_REUSE_BUILD === '1') return;
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === String(process.ppid)) return;
  await promisify(execFile)(process.execPath, [NEXT, 'build'], { cwd: APP, env: ENV, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  writeFileSync(STAMP, String(process.ppid));
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

export interface NextApp {
  readonly origin: string;
  logs(): string;
  stop(): Promise<void>;
}

/** `env`: further portal configuration, e.g. PARLEY_INDEXER. */
export const startApp = async (bootstrap: string, env: Readonly<Record<string, string>> = {}): Promise<NextApp> => {
  // The free port is found by closing a listener, so another process (a hub, a browser, another
  // spec's portal: the suite runs two files at once) can take it before `next start` binds it: then
  // it is tried again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bootstrap, env);
    } catch (e) {
      if (!(e instanceof PortTakenError) || attempt === 3) throw e;
      console.log(`# next start: ${e.message}; another port (attempt ${attempt + 1})`);
    }
  }
};

class PortTakenError extends Error {}

const startOnce = async (bootstrap: string, env: Readonly<Record<string, string>>): Promise<NextApp> => {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: APP,
    env: { ...ENV, ...env, PARLEY_BOOTSTRAP: bootstrap },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const origin = `http://127.0.0.1:${port}`;
  // Minutes, as for the hub: the suite runs two files at once, each with a hub, a portal and a browser.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (out.includes('EADDRINUSE')) throw new PortTakenError(`port ${port} was taken`);
      throw new Error(`next start exited with ${child.exitCode}:\n${out}`);
    }
    // Its own "Ready" line first: an answer on the port alone could come from whoever took it.
    const ok =
      out.includes('Ready in') &&
      (await fetch(`${origin}/`).then(
        (r) => r.ok,
        () => false,
      ));
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`next start did not answer in 180 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    logs: () => out,
    async stop() {
      await stopProcess(child);
    },
  };
};
