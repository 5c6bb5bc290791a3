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
  /** Uses the portal's production build: the runner builds it once, before the first such suite. */
  readonly portal?: boolean;
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
  nodeTests('bench-smoke', 'bench', ['test/**/*.spec.ts'], { portal: true }),
  nodeTests('net', 'packages/net', ['test/*.spec.ts'], { timeoutMs: 90_000 }),
  // packages/net's browser variant in Debian's Chromium (fails, never skips, if it is missing): two pages, each a browser
  // node, reserve slots on a Node relay, connect through it, upgrade to direct WebRTC, then gossip and sync over it.
  // (Relay-only WebRTC through coturn, in the same directory, runs in the connectivity suite.)
  nodeTests('net-browser', 'packages/net', ['test/browser/webrtc.spec.ts'], { timeoutMs: 120_000 }),
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
  nodeTests('hub', 'services/hub', ['test/**/*.spec.ts'], { timeoutMs: 180_000, concurrency: 2 }),
  // Moderation from the attacker's side (issue 6, THREATS 6-18, 25): real clients on in-process libp2p nodes and a real hub
  // process on PGlite; banned members with stolen keys and a copy of the hub's database, backdated posts and entries,
  // revoked moderators, concurrent conflicting actions, forged and broken entries, key bundles to non-members.
  nodeTests('adversarial', 'tests', ['adversarial/test/**/*.spec.ts'], { timeoutMs: 900_000 }),
  // Files (issue 10): a real hub process on PGlite, then on the machine's Postgres on 127.0.0.1:5432 (fails, never skips,
  // if it is down), and real clients: 50 MB to two members from the sender and the hub in parallel, the sender leaving
  // mid-transfer, a peer serving corrupted chunks, the hub's storage scanned for plaintext, a non-member with every chunk.
  nodeTests('files', 'tests', ['files/test/**/*.spec.ts'], { timeoutMs: 1_500_000 }),
  // The directory: the indexer (real libp2p nodes on 127.0.0.1, listings published by real clients) against PGlite and the
  // machine's Postgres on 127.0.0.1:5432 (fails, never skips, if it is down): verification, sybil flood, search, crawl.
  nodeTests('discovery', 'services/indexer', ['test/**/*.spec.ts'], { timeoutMs: 400_000 }),
  // The portal's production build (`next build` once) under `next start`, a hub process on PGlite and Debian's Chromium
  // (fails, never skips, if it is missing): two people onboard, start / join a community by invite link, chat, reload.
  nodeTests('web', 'apps/web', ['test/**/*.spec.ts'], { timeoutMs: 180_000, portal: true, concurrency: 2 }),
  // Issue 8, its whole "Verified by" list. TURN (`npm run turn`): the runner's config, then Debian's coturn under it
  // against credentials the hub mints, over UDP and TCP. Then Debian's Chromium with real coturn and parley-hub processes
  // (fails, never skips, if either is missing): relay-only WebRTC via TURN, the selected candidate pair `relay` on both
  // sides (UDP, TCP); a rotated TURN secret refused, fresh credentials from the hub, back on TURN; the fallback ladder
  // taking direct WebRTC, and with both relay-only and no TURN the hub's circuit relay, as the portal's health line says.
  nodeTests(
    'connectivity',
    'infra/turn',
    ['test/**/*.spec.ts', '../../packages/net/test/browser/relay-only.spec.ts', '../../tests/connectivity/test/**/*.spec.ts'],
    { timeoutMs: 420_000 },
  ),
  // Voice: the engine's pure parts in Node, then Debian's Chromium (fails, never skips, if it is missing) with a fake
  // microphone playing a tone, one browser context per person, a Node member as their bootstrap and gossip relay: a
  // mesh of three (energy received from both others, speaking indicators, mute silent within 500 ms), then a ban: the
  // banned one is dropped from the others' calls, its own call ends, and it opens none of the frames sealed after.
  // The portal's voice UI (channels, presence, mute, volume, push-to-talk) is apps/web/test/voice.spec.ts, in 'web'.
  // Then forwarder mode (forward.spec.ts, about 30 s here): mesh limit 3, five people, the elected forwarder relays
  // sealed frames it cannot open, everyone holds a warm standby link to the next in line, the forwarder's page
  // crashes and audio is back through the standby within 3 s, then a ban in forwarder mode. On a starved machine
  // (a busy loop beside it on 2 cores) Playwright's answers from the five pages can lag by minutes (see its header).
  nodeTests('voice', 'packages/voice', ['test/pure.spec.ts', 'test/browser/mesh.spec.ts', 'test/browser/forward.spec.ts'], { timeoutMs: 450_000 }),
];
