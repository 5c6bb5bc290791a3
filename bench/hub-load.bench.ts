/**
 * A hub under load: lightweight client peers (WebSockets + gossip only, as browser tabs on a hub)
 * in separate processes, 60 by default, in 10 rooms, publishing real signed envelopes at 300
 * messages/s in total. Each peer dials only the hub, so every message reaches the room's other
 * members through the hub: the hub verifies it (Ed25519 in its verify worker, off the event loop),
 * authorizes it against the replayed room, stores it (group commit) and forwards it. Every
 * receiving peer verifies it again.
 *
 * Processes: the hub (lib/hub-load-hub.ts) and HUB_LOAD_PROCESSES peer processes
 * (lib/hub-load-peers.ts), each holding an equal share of the HUB_LOAD_PEERS peers. Rooms are
 * pinned by the operator (the hub's admin path); the first member of each room PUTs the room's
 * authority log to the hub, as the client's hub push does.
 *
 * Per phase (a 30 msg/s baseline phase, then HUB_LOAD_RUNS phases at 300 msg/s of
 * HUB_LOAD_DURATION_MS each; smoke: 20 peers in one process, 1 s phases, 1 run):
 * - loss: receipts missing (every message to every other member of its room) and messages the hub
 *   did not store, counted after a drain that ends when everything arrived or nothing moved for
 *   5 s (late is latency, missing then is loss);
 * - fan-out latency: first accepted receipt at a member minus publish time at the author (both
 *   performance.timeOrigin + performance.now() on this machine), p50/p99 over all receipts;
 * - the hub's longest event-loop stall (monitorEventLoopDelay, 1 ms resolution), phase and drain.
 *
 * The hub stores in the machine's Postgres (what an operator runs; a fresh database per run). The
 * same load on PGlite (npm start's embedded store, whose queries run on the hub's event loop) is
 * reported beside it, one run (HUB_LOAD_PGLITE=0 skips it).
 *
 * value = median p99 fan-out latency at 300 msg/s on Postgres (ms), target < 300; baseline = p99
 * at 30 msg/s through the same hub and peers in the same run; check: 0 loss.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { toHex } from '@parley/protocol';
import { buildBenchRoom } from './lib/bench-room.ts';
import { freshStorage } from './lib/fresh-storage.ts';
import type { FromHub, ToHub } from './lib/hub-load-hub.ts';
import type { FromPeers, PeerReport, PeerSpec, ToPeers } from './lib/hub-load-peers.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median, percentile } from './lib/stats.ts';

const ROOMS = 10;
/** Messages per second in all (HUB_LOAD_RATE overrides it, to find where a machine's knee is). */
const TOTAL_RATE = Number(process.env.HUB_LOAD_RATE ?? 300);
const BASE_RATE = 30;
const LABEL = 'hub-load';
const DRAIN_IDLE_MS = 5_000;

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One child with a request/response helper over IPC (one outstanding request at a time). */
class Child<To, From extends { type: string }> {
  readonly proc: ChildProcess;
  #waiting: { type: string; resolve: (m: From) => void; reject: (e: Error) => void } | undefined;
  #failed: Error | undefined;

  constructor(script: string) {
    const prof =
      process.env.HUB_LOAD_PROF !== undefined && script.includes('hub-load-hub') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HUB_LOAD_PROF}`] : [];
    this.proc = fork(new URL(script, import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...prof] });
    this.proc.on('message', (m: From) => {
      if (m.type === 'error') {
        this.#failed = new Error(`${script}: ${(m as unknown as { message: string }).message}`);
        this.#waiting?.reject(this.#failed);
        this.#waiting = undefined;
      } else if (this.#waiting !== undefined && m.type === this.#waiting.type) {
        const w = this.#waiting;
        this.#waiting = undefined;
        w.resolve(m);
      }
    });
    this.proc.on('exit', (code) => {
      if (this.#waiting !== undefined) this.#waiting.reject(new Error(`${script} exited (${code}) while waiting for ${this.#waiting.type}`));
      this.#waiting = undefined;
    });
  }

  ask<T extends From['type']>(m: To, type: T, timeoutMs = 120_000): Promise<Extract<From, { type: T }>> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.#waiting = {
        type,
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x as Extract<From, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.proc.send(m as object);
    });
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

interface Phase {
  readonly messages: number;
  readonly expectedReceipts: number;
  readonly missingReceipts: number;
  readonly notStored: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly hubStallMaxMs: number;
  readonly hubStallP99Ms: number;
  /** The hub process's CPU time (main thread and workers) per message, phase and drain. */
  readonly hubCpuMsPerMessage: number;
  /** All peer processes' CPU time per message (publishing, and receiving it at every other member). */
  readonly peersCpuMsPerMessage: number;
  readonly peerStallMaxMs: number;
  readonly hubRejected: number;
  readonly peerRejected: number;
  readonly publishErrors: number;
  readonly loadavg1m: number;
}

interface Config {
  readonly peersTotal: number;
  readonly processes: number;
  readonly durationMs: number;
  readonly baseDurationMs: number;
}

/** One hub on a fresh database, the peers, the baseline phase, then `runs` loaded phases. */
const session = async (backend: 'pglite' | 'postgres', runs: number, cfg: Config): Promise<{ base: Phase; loaded: Phase[] }> => {
  const { peersTotal, processes } = cfg;
  const members = Math.ceil(peersTotal / ROOMS);
  const roomIds = Array.from({ length: ROOMS }, (_, r) => toHex(buildBenchRoom(`${LABEL}-room-${r}`, members).state.roomId));
  const specs: PeerSpec[] = Array.from({ length: peersTotal }, (_, i) => ({ index: i, room: i % ROOMS, member: Math.floor(i / ROOMS) }));

  const { storage, drop } = await freshStorage(backend, 'hub-load');
  const hub = new Child<ToHub, FromHub>('./lib/hub-load-hub.ts');
  const children: Child<ToPeers, FromPeers>[] = [];
  try {
    const { addr, peerId } = await hub.ask({ cmd: 'init', storage, rooms: roomIds }, 'inited');
    for (let c = 0; c < processes; c++) {
      const child = new Child<ToPeers, FromPeers>('./lib/hub-load-peers.ts');
      children.push(child);
    }
    await Promise.all(
      children.map((child, c) =>
        child.ask({ cmd: 'init', peers: specs.filter((s) => s.index % processes === c), rooms: ROOMS, members, label: LABEL, hubAddr: addr }, 'inited'),
      ),
    );
    // The first member of each room pushes the authority log (its process holds peer `room`).
    for (let r = 0; r < ROOMS; r++) {
      const child = children[r % processes] as Child<ToPeers, FromPeers>;
      const { stored } = await child.ask({ cmd: 'push-authority', room: r, hubPeer: peerId }, 'pushed');
      if (stored === 0) throw new Error(`hub stored nothing of room ${r}'s authority log`);
    }
    // Every peer's topic has the hub as a gossip peer once the hub subscribed to the room's channels.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const st = await Promise.all(children.map((c) => c.ask({ cmd: 'status' }, 'status')));
      const meshed = st.reduce((a, s) => a + s.meshed, 0);
      if (meshed === peersTotal) break;
      if (Date.now() > deadline) throw new Error(`only ${meshed} of ${peersTotal} peers see the hub on their topic`);
      await sleep(250);
    }
    await sleep(2_000); // gossipsub meshes form on the heartbeat

    let seqFrom = 0;
    let storedBefore = 0;
    const phase = async (rate: number, ms: number): Promise<Phase> => {
      const intervalMs = (1000 * peersTotal) / rate;
      const startAt = wall() + 500;
      await hub.ask({ cmd: 'measure' }, 'measuring');
      const ran = await Promise.all(
        children.map((c) => c.ask({ cmd: 'run', startAt, durationMs: ms, intervalMs, totalPeers: peersTotal, seqFrom }, 'ran', ms + 60_000)),
      );
      seqFrom += 100_000;
      // Drain: wait until every receipt arrived and the hub stored every message, or until nothing
      // moved for DRAIN_IDLE_MS (what is missing then is lost, not late; late shows in the latency).
      const roomSize = (r: number) => specs.filter((x) => x.room === r).length;
      let sentNow = 0;
      let want = 0;
      for (const r of ran)
        for (const [room, n] of Object.entries(r.publishedPerRoom)) {
          sentNow += n;
          want += n * (roomSize(Number(room)) - 1);
        }
      let last = -1;
      let lastMove = Date.now();
      for (;;) {
        const got = (await Promise.all(children.map((c) => c.ask({ cmd: 'count' }, 'count')))).reduce((a, r) => a + r.received, 0);
        const held = (await hub.ask({ cmd: 'count', rooms: roomIds }, 'count')).stored;
        const progress = got + held;
        if (got >= want && held - storedBefore >= sentNow) break;
        if (progress !== last) {
          last = progress;
          lastMove = Date.now();
        } else if (Date.now() - lastMove > DRAIN_IDLE_MS) break;
        await sleep(500);
      }
      const reports = await Promise.all(children.map((c) => c.ask({ cmd: 'report' }, 'report')));
      const hubReport = await hub.ask({ cmd: 'report', rooms: roomIds }, 'report');
      const all: PeerReport[] = reports.flatMap((r) => r.peers);
      const latencies: number[] = [];
      let expected = 0;
      let missing = 0;
      let messages = 0;
      const perRoom = new Array<number>(ROOMS).fill(0);
      for (const author of all) {
        messages += author.published.length;
        perRoom[author.room] = (perRoom[author.room] as number) + author.published.length;
        const receivers = all.filter((p) => p.room === author.room && p.index !== author.index).map((p) => new Map(p.received));
        for (const [id, t] of author.published) {
          for (const rx of receivers) {
            expected++;
            const at = rx.get(id);
            if (at === undefined) missing++;
            else latencies.push(at - t);
          }
        }
      }
      return {
        messages,
        expectedReceipts: expected,
        missingReceipts: missing,
        notStored: 0,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: Math.max(...latencies),
        hubStallMaxMs: hubReport.stallMaxMs,
        hubStallP99Ms: hubReport.stallP99Ms,
        hubCpuMsPerMessage: hubReport.cpuMs / Math.max(1, messages),
        peersCpuMsPerMessage: reports.reduce((a, r) => a + r.cpuMs, 0) / Math.max(1, messages),
        peerStallMaxMs: Math.max(...reports.map((r) => r.stallMaxMs)),
        hubRejected: hubReport.rejected,
        peerRejected: reports.reduce((a, r) => a + r.rejected, 0),
        publishErrors: ran.reduce((a, r) => a + r.publishErrors, 0),
        loadavg1m: loadavg()[0] ?? 0,
        ...{ storedPerRoom: hubReport.stored, publishedPerRoom: perRoom },
      };
    };

    const stored = (p: Phase & { storedPerRoom?: Record<string, number> }) => Object.values(p.storedPerRoom ?? {}).reduce((a, b) => a + b, 0);
    // What the hub held before the first phase: the rooms' authority logs.
    storedBefore = (await hub.ask({ cmd: 'count', rooms: roomIds }, 'count')).stored;
    const withStore = async (rate: number, ms: number): Promise<Phase> => {
      const p = await phase(rate, ms);
      const now = stored(p);
      const out = { ...p, notStored: p.messages - (now - storedBefore) };
      storedBefore = now;
      return out;
    };

    const base = await withStore(BASE_RATE, cfg.baseDurationMs);
    const loaded: Phase[] = [];
    for (let i = 0; i < runs; i++) loaded.push(await withStore(TOTAL_RATE, cfg.durationMs));
    return { base, loaded };
  } finally {
    const exited = [...children.map((c) => c.proc), hub.proc].map((p) =>
      p.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())),
    );
    for (const c of children) if (c.proc.connected) c.proc.send({ cmd: 'stop' } satisfies ToPeers);
    if (hub.proc.connected) hub.proc.send({ cmd: 'stop' } satisfies ToHub);
    await Promise.race([Promise.all(exited), sleep(5_000)]);
    for (const c of children) c.kill();
    hub.kill();
    await drop().catch(() => undefined);
  }
};

const strip = (p: Phase) => ({ ...p, storedPerRoom: undefined, publishedPerRoom: undefined });
const lostIn = (s: { base: Phase; loaded: Phase[] }): number => [s.base, ...s.loaded].reduce((a, p) => a + p.missingReceipts + Math.max(0, p.notStored), 0);
const summary = (s: { base: Phase; loaded: Phase[] }) => ({
  median_p99_ms: median(s.loaded.map((p) => p.p99)),
  median_p50_ms: median(s.loaded.map((p) => p.p50)),
  median_hub_stall_max_ms: median(s.loaded.map((p) => p.hubStallMaxMs)),
  lost: lostIn(s),
  baseline_phase: strip(s.base),
  loaded: s.loaded.map(strip),
});

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const durationMs = opts.smoke ? 1_000 : Number(process.env.HUB_LOAD_DURATION_MS ?? 60_000);
  const cfg: Config = {
    peersTotal: opts.smoke ? 20 : Number(process.env.HUB_LOAD_PEERS ?? 60),
    processes: opts.smoke ? 1 : Number(process.env.HUB_LOAD_PROCESSES ?? 6),
    durationMs,
    baseDurationMs: opts.smoke ? 1_000 : Math.min(20_000, durationMs),
  };
  const runs = opts.smoke ? 1 : Number(process.env.HUB_LOAD_RUNS ?? 3);
  const pg = await session('postgres', runs, cfg);
  // PGlite (npm start's embedded store) is reported beside it, one run: its queries run on the hub's event loop.
  const lite = opts.smoke || process.env.HUB_LOAD_PGLITE === '0' ? undefined : await session('pglite', 1, cfg);
  const p99 = median(pg.loaded.map((p) => p.p99));
  const lost = lostIn(pg);
  return makeResult({
    name: 'hub-load',
    value: p99,
    unit: `ms p99 fan-out latency, ${cfg.peersTotal} peers in ${ROOMS} rooms at ${TOTAL_RATE} msg/s (Postgres)`,
    baseline: `p99 fan-out latency at ${BASE_RATE} msg/s (same hub and peers, same run)`,
    baseline_value: pg.base.p99,
    target: 'value < 300',
    checks: { '0 loss (receipts and hub store)': lost === 0 },
    details: {
      peers: cfg.peersTotal,
      processes: cfg.processes + 1,
      rooms: ROOMS,
      members_per_room: Math.ceil(cfg.peersTotal / ROOMS),
      rate_msgs_per_s: TOTAL_RATE,
      duration_ms: cfg.durationMs,
      runs,
      postgres: summary(pg),
      pglite: lite === undefined ? 'not run' : summary(lite),
    },
  });
}
