/**
 * What the net suite's browser specs do with their pages: call the page's test API (net.browser.ts),
 * and gossip frames from one page to another, all of which must arrive.
 */
import assert from 'node:assert/strict';
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
 * `from` publishes `n` frames on `topic`, `everyMs` apart (default: at once), while `meanwhile` runs
 * (if given); all must reach `to` within 20 s. Returns how long they took to arrive after the last
 * was published (ms). Gossip does not resend, so a frame lost on the way (as across a connection
 * switch, before src/gossip-streams.ts) fails this.
 */
export const gossipAll = async (from: Page, to: Page, topic: string, n: number, everyMs = 0, meanwhile?: () => Promise<unknown>): Promise<number> => {
  const [ids] = await Promise.all([call(from, 'publish', topic, n, everyMs), meanwhile?.()]);
  const t = performance.now();
  const missed = async () => {
    const got = new Set(await call(to, 'received', topic));
    return ids.filter((id) => !got.has(id)).length;
  };
  await eventually(async () => (await missed()) === 0, 20_000, 50).catch(async () => assert.fail(`${await missed()} of ${n} frames never arrived`));
  return Math.round(performance.now() - t);
};
