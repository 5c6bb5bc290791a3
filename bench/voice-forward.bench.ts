/**
 * Voice forwarder CPU: what relaying costs the forwarder's page, per forwarded stream.
 *
 * Five people by default (four speakers besides the forwarder: as many as this shared 2-core machine
 * carries next to everything else; PARLEY_BENCH_VOICE_PEOPLE for more), each a browser context in
 * Debian's Chromium with the fake microphone playing a tone (everyone speaks all the time), the
 * mesh limit one below, so the call elects a forwarder: each listener sends it one stream and gets
 * the other speakers through it, sealed (packages/voice, frames in a Worker). Measured: the CPU time
 * of the forwarder page's renderer process (CDP Performance.getMetrics ProcessTime: every thread,
 * the main one, the frame worker, WebRTC's, audio) over 10 s windows, in the call, against the same
 * page in the room before the call (its libp2p node and client running, no call: the baseline).
 * The value is (in call - idle) / forwarded streams, a forwarded stream being one speaker's audio
 * taken in and relayed to each other listener (people - 2 of them), plus the forwarder's own
 * microphone and playback of it. Target: 12 such streams under 50% of one core, i.e. value <= 4.17.
 */
import type { Page } from '@playwright/test';
import { call, eventually, voiceRoom } from '../packages/voice/test/browser/harness.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const HEARD = 0.05;

type Cdp = Awaited<ReturnType<ReturnType<Page['context']>['newCDPSession']>>;

/** The renderer process's CPU time (s) behind `cdp`'s page. */
const processTime = async (cdp: Cdp): Promise<number> => {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const m = metrics.find((x) => x.name === 'ProcessTime');
  if (m === undefined) throw new Error('Chromium reports no ProcessTime metric');
  return m.value;
};

/** Each page's CPU use (% of one core) over `windows` windows of `ms`: the median window per page. */
const cpuOf = async (cdps: readonly Cdp[], windows: number, ms: number): Promise<number[][]> => {
  const per: number[][] = cdps.map(() => []);
  for (let w = 0; w < windows; w++) {
    const t0 = await Promise.all(cdps.map(processTime));
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const t1 = await Promise.all(cdps.map(processTime));
    const wall = (performance.now() - w0) / 1000;
    for (const [i, a] of t0.entries()) (per[i] as number[]).push((((t1[i] as number) - a) / wall) * 100);
  }
  return per;
};

const round = (x: number): number => Math.round(x * 100) / 100;

export default async function voiceForward({ smoke }: BenchOptions): Promise<BenchResult> {
  const people = smoke ? 3 : Number(process.env.PARLEY_BENCH_VOICE_PEOPLE ?? 5);
  if (!Number.isInteger(people) || people < 3) throw new RangeError(`PARLEY_BENCH_VOICE_PEOPLE: expected an integer >= 3, got ${people}`);
  const windows = smoke ? 1 : 3;
  const windowMs = smoke ? 2_000 : 10_000;
  const v = await voiceRoom();
  try {
    const pages: Page[] = [];
    const devices: string[] = [];
    for (let i = 0; i < people; i++) {
      const p = await v.open(`p${i}`);
      pages.push(p);
      devices.push(await call(p, 'joinRoom', v.invite(), `p${i}`));
    }
    const cdps = await Promise.all(pages.map((p) => p.context().newCDPSession(p)));
    for (const c of cdps) await c.send('Performance.enable');
    await new Promise((r) => setTimeout(r, smoke ? 1_000 : 5_000));
    const idle = await cpuOf(cdps, windows, windowMs);

    for (const p of pages) await call(p, 'enterVoice', people - 1);
    const started = Date.now();
    const forwarder = await eventually(
      'one forwarder, everyone hears everyone',
      async () => {
        const tops = await Promise.all(pages.map((p) => call(p, 'topology')));
        const fs = new Set(tops.map((t) => (t.mode === 'forward' ? t.forwarder : 'mesh')));
        if (fs.size !== 1 || fs.has('mesh') || fs.has(undefined)) throw new Error(`topologies ${JSON.stringify(tops)}`);
        for (const [i, p] of pages.entries()) {
          const l = await call(p, 'levels');
          if (!devices.every((d, j) => j === i || (l[d] ?? -1) > HEARD))
            throw new Error(`p${i} hears ${JSON.stringify(devices.map((d) => Math.round((l[d] ?? -1) * 1000) / 1000))} (forwarder ${[...fs][0]?.slice(0, 8)})`);
        }
        return [...fs][0] as string;
      },
      180_000,
      250,
    );
    const settledMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, smoke ? 1_000 : 5_000));
    const fi = devices.indexOf(forwarder);
    const fPage = pages[fi] as Page;
    const before = await call(fPage, 'stats');
    const statsFrom = performance.now();
    const inCall = await cpuOf(cdps, windows, windowMs);
    const afterStats = await call(fPage, 'stats');
    const statsSeconds = (performance.now() - statsFrom) / 1000;
    const topologies = await Promise.all(pages.map((p) => call(p, 'topology')));
    const stillForwarding = topologies.every((t) => t.mode === 'forward' && t.forwarder === forwarder);

    const fIdle = median(idle[fi] as number[]);
    const fCall = median(inCall[fi] as number[]);
    const streams = people - 1;
    const pairs = (people - 1) * (people - 2);
    const perStream = (fCall - fIdle) / streams;
    const listeners = devices.map((_, i) => i).filter((i) => i !== fi);
    const listenerExtra = median(listeners.map((i) => median(inCall[i] as number[]) - median(idle[i] as number[])));
    const relayedPerS = (afterStats.relayed - before.relayed) / statsSeconds;
    return makeResult({
      name: 'voice-forward',
      value: round(perStream),
      unit: '% of one core per forwarded stream',
      baseline: 'the forwarder page idle in the room, not in the call (% of one core)',
      baseline_value: round(Math.max(fIdle, 0.01)),
      target: `value <= ${round(50 / 12)}`,
      checks: {
        'the call stayed on one forwarder': stillForwarding,
        'the forwarder relayed frames to every listener (50 per s per pair)': relayedPerS >= pairs * 50 * 0.8,
      },
      details: {
        people,
        forwarded_streams: streams,
        relayed_pairs: pairs,
        windows,
        window_ms: windowMs,
        forwarder_idle_pct: (idle[fi] as number[]).map(round),
        forwarder_in_call_pct: (inCall[fi] as number[]).map(round),
        forwarder_extra_pct: round(fCall - fIdle),
        per_relayed_pair_pct: round((fCall - fIdle) / pairs),
        listener_extra_pct_median: round(listenerExtra),
        projected_12_streams_pct: round(perStream * 12),
        relayed_frames_per_s: Math.round(relayedPerS),
        call_settled_ms: settledMs,
        note: 'CPU = the renderer process of the page (CDP ProcessTime), median of the windows; the machine is shared (2 cores)',
      },
    });
  } finally {
    await v.close();
  }
}
