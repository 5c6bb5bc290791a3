/**
 * Join to chat: a person opens an invite link in a fresh browser (no identity yet) and the room
 * shows its last 50 messages. Timed from the link's navigation to the 50th text on screen, the
 * profile step included (filled by the script, so human time is not counted). A Node member created
 * the room, pinned to a real hub process, and sent 60 messages first; it stays online as a peer.
 *
 * Baseline, measured in the same run: the same join by a Node SDK client (its own libp2p node,
 * memory store) from `join(invite)` to its history holding the same 50 messages. Target: median
 * < 2 s over 10 runs (`npm run bench -- join-to-chat`).
 */
import { performance } from 'node:perf_hooks';
import { onboard } from '../apps/web/test/harness/people.ts';
import { nodeMember, startPortal, until } from './lib/portal.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const SENT = 60;

/** Each mark's median over the runs that reached it, in the order they happen. */
const medianMarks = (runs: readonly Record<string, number>[]): Record<string, number> => {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out = names.map((n) => [n, Math.round(median(runs.flatMap((r) => (r[n] === undefined ? [] : [r[n]]))))] as const);
  return Object.fromEntries(out.sort((a, b) => a[1] - b[1]));
};
const SHOWN = 50;

export default async function joinToChat({ smoke }: BenchOptions): Promise<BenchResult> {
  const runs = smoke ? 2 : 10;
  const portal = await startPortal();
  const owner = await nodeMember('Owner', portal.hub.bootstrap, portal.app.origin);
  try {
    const room = await owner.createRoom({ name: 'Bench', channels: ['general'], policy: { hubs: [portal.hub.peerId], durability: 'replicated' } });
    const general = owner.channels(room)[0]?.id as Uint8Array;
    const texts = Array.from({ length: SENT }, (_, i) => `bench message ${i} ${'·'.repeat(40)}`);
    for (const t of texts) await owner.send(room, general, t);
    await until('the hub holds every message', async () => (await owner.pendingCount()) === 0, 60_000);
    const last = texts.slice(-SHOWN);

    const browserMs: number[] = [];
    const profileMs: number[] = [];
    // The portal's own marks (apps/web/src/lib/perf-marks.ts), ms after navigation start, per run.
    const marks: Record<string, number>[] = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await portal.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await ctx.newPage();
        const invite = owner.createInvite(room);
        const t0 = performance.now();
        await page.goto(invite);
        await onboard(page, `Joiner ${i}`, 'Teal');
        profileMs.push(performance.now() - t0);
        await page.waitForFunction(
          (want: string[]) => {
            const shown = new Set([...document.querySelectorAll('[data-testid=message-text]')].map((e) => (e.textContent ?? '').trim()));
            return want.every((w) => shown.has(w));
          },
          last,
          { timeout: 60_000, polling: 'raf' },
        );
        browserMs.push(performance.now() - t0);
        marks.push(
          await page.evaluate(() =>
            Object.fromEntries(
              performance
                .getEntriesByType('mark')
                .filter((m) => m.name.startsWith('parley:'))
                .map((m) => [m.name.slice('parley:'.length), Math.round(m.startTime)]),
            ),
          ),
        );
      } finally {
        await ctx.close();
      }
    }

    const nodeMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const joiner = await nodeMember(`Node joiner ${i}`, portal.hub.bootstrap, portal.app.origin);
      try {
        const invite = owner.createInvite(room);
        const t0 = performance.now();
        await joiner.join(invite, { timeoutMs: 60_000 });
        await until(
          'the Node joiner has the last 50',
          async () => {
            const h = await joiner.history(room, general, { limit: SHOWN });
            const have = new Set(h.map((m) => m.text));
            return last.every((t) => have.has(t));
          },
          60_000,
        );
        nodeMs.push(performance.now() - t0);
      } finally {
        await joiner.close();
      }
    }

    return makeResult({
      name: 'join-to-chat',
      value: Math.round(median(browserMs)),
      unit: 'ms',
      baseline: 'the same join by a Node SDK client',
      baseline_value: Math.round(median(nodeMs)),
      target: 'value < 2000',
      details: {
        runs,
        messages_in_room: SENT,
        shown: SHOWN,
        browser_ms: browserMs.map(Math.round),
        node_ms: nodeMs.map(Math.round),
        profile_step_done_ms: profileMs.map(Math.round),
        marks_median_ms: medianMarks(marks),
        marks_ms: marks,
        note: 'fresh browser context each run (no identity); the profile step is filled by the script',
      },
    });
  } finally {
    await owner.close();
    await portal.stop();
  }
}
