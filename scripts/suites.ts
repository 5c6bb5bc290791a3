/** The test suites `npm test` runs, in order. Static checks first: they are cheap and catch most slips. */
export interface Suite {
  readonly name: string;
  readonly kind: 'check' | 'node-test';
  /** For checks: the command. */
  readonly command: readonly string[];
  /** For node-test suites: test file globs relative to `cwd`. */
  readonly files: readonly string[];
  readonly cwd?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly env?: Record<string, string>;
}

const check = (name: string, ...command: string[]): Suite => ({ name, kind: 'check', command, files: [] });
const nodeTests = (name: string, cwd: string, files: string[], extra: Partial<Suite> = {}): Suite => ({
  name,
  kind: 'node-test',
  command: [],
  files,
  cwd,
  ...extra,
});

export const SUITES: readonly Suite[] = [
  check('lint', 'node_modules/.bin/biome', 'check', '.'),
  check('typecheck', 'node_modules/.bin/tsc', '-b'),
  check('cycles', process.execPath, 'scripts/check-cycles.ts'),
  nodeTests('protocol', 'packages/protocol', ['test/**/*.spec.ts'], { concurrency: 2 }),
  nodeTests('verify', 'packages/verify', ['test/**/*.spec.ts']),
  nodeTests('bench-smoke', 'bench', ['test/**/*.spec.ts']),
  nodeTests('net', 'packages/net', ['test/*.spec.ts'], { timeoutMs: 90_000 }),
  // packages/net's browser variant in Debian's Chromium (fails, never skips, if it is missing): two pages, each a browser
  // node, reserve slots on a Node relay, connect through it, upgrade to direct WebRTC, then gossip and sync over it.
  nodeTests('net-browser', 'packages/net', ['test/browser/**/*.spec.ts'], { timeoutMs: 120_000 }),
  nodeTests('store', 'packages/store', ['test/**/*.spec.ts']),
  // PGlite in-process and the machine's Postgres on 127.0.0.1:5432 (fails, never skips, if it is down).
  nodeTests('store-postgres', 'packages/store-postgres', ['test/**/*.spec.ts'], { concurrency: 2, timeoutMs: 60_000 }),
  // Debian's Chromium (/usr/bin/chromium or $PARLEY_CHROMIUM; fails, never skips, if it is missing), one browser for the
  // suite; plus the self-test of the shared browser harness in tests/browser.
  nodeTests('store-browser', 'packages/store-browser', ['test/**/*.spec.ts', '../../tests/browser/test/**/*.spec.ts'], { timeoutMs: 90_000 }),
  // In-process libp2p nodes on 127.0.0.1 (net's test mode), one file at a time.
  nodeTests('client', 'packages/client', ['test/**/*.spec.ts'], { timeoutMs: 90_000 }),
  // Peers in separate processes (child_process.fork of tests/multinode/peer.ts) on loopback: 3 peers, then 12 (partition, catch-up).
  nodeTests('multinode', 'tests', ['multinode/test/**/*.spec.ts'], { timeoutMs: 90_000 }),
  // Hub processes against PGlite and the machine's Postgres on 127.0.0.1:5432 (fails, never skips, if it is down).
  nodeTests('hub', 'services/hub', ['test/**/*.spec.ts'], { timeoutMs: 180_000 }),
];
