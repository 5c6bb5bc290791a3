/**
 * What the net suite's browser specs do with their pages: call the page's test API (net.browser.ts),
 * and gossip frames from one page to another until all arrive.
 */
import type { Page } from '@playwright/test';
import { eventually } from '../helpers.ts';
import type { NetApi } from './net.browser.ts';

export type { NetApi };

type Call = <K extends keyof NetApi>(page: Page, fn: K, ...args: Parameters<NetApi[K]>) => Promise<Awaited<ReturnType<NetApi[K]>>>;

/** Calls the page's `parleyNet` API. */
export const call: Call = (page, fn, ...args) =>
  page.evaluate(
    ([f, a]) => {
      const api = (globalThis as unknown as { parleyNet: Record<string, (...x: unknown[]) => unknown> }).parleyNet;
      return (api[f as string] as (...x: unknown[]) => unknown)(...(a as unknown[]));
    },
    [fn, args] as const,
  ) as never;

/**
 * `from` publishes one frame at a time on `topic` (every `firstEveryMs`, for up to `firstWithinMs`)
 * until one reaches `to`, then `n` frames that must all arrive within 20 s; returns how long those `n`
 * took to arrive (ms). Gossip
 * does not resend, and frames published the moment the subscriptions cross, or while gossipsub moves
 * its stream off a closed relayed connection, were seen lost in rehearsals (the product's sync would
 * fetch them).
 */
export const gossipAll = async (from: Page, to: Page, topic: string, n: number, firstWithinMs: number, firstEveryMs: number): Promise<number> => {
  await eventually(
    async () => {
      await call(from, 'publish', topic, 1);
      return (await call(to, 'received', topic)).length > 0;
    },
    firstWithinMs,
    firstEveryMs,
  );
  const t = performance.now();
  const ids = await call(from, 'publish', topic, n);
  await eventually(
    async () => {
      const got = new Set(await call(to, 'received', topic));
      return ids.every((id) => got.has(id));
    },
    20_000,
    50,
  );
  return Math.round(performance.now() - t);
};
