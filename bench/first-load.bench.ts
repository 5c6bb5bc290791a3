/**
 * First load: the portal's first contentful paint in a fresh Chromium context (empty cache, no
 * identity), served by the production build under `next start` with a real hub behind it.
 *
 * Baseline, measured in the same run and the same browser: the first contentful paint of a one-line
 * HTML page from a bare Node HTTP server on loopback (what a page cannot beat here). Target: median
 * < 1 s over 15 runs (`npm run bench -- first-load`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from '@playwright/test';
import { startPortal } from './lib/portal.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

/** First contentful paint (ms after navigation start) of `url` in a fresh context. */
const fcp = async (browser: Browser, url: string): Promise<number> => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    return await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const seen = performance.getEntriesByName('first-contentful-paint')[0];
          if (seen !== undefined) return resolve(seen.startTime);
          new PerformanceObserver((list) => {
            const e = list.getEntriesByName('first-contentful-paint')[0];
            if (e !== undefined) resolve(e.startTime);
          }).observe({ type: 'paint', buffered: true });
        }),
    );
  } finally {
    await ctx.close();
  }
};

export default async function firstLoad({ smoke }: BenchOptions): Promise<BenchResult> {
  const runs = smoke ? 3 : 15;
  const portal = await startPortal();
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>x</title><p>Loading Parley…</p></html>');
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  try {
    // One warm-up each (the server's first render, Chromium's first process), not counted.
    await fcp(portal.browser, portal.app.origin);
    await fcp(portal.browser, bareUrl);
    const portalMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      portalMs.push(await fcp(portal.browser, portal.app.origin));
      bareMs.push(await fcp(portal.browser, bareUrl));
    }
    return makeResult({
      name: 'first-load',
      value: Math.round(median(portalMs)),
      unit: 'ms',
      baseline: 'first contentful paint of a one-line page from a bare Node server',
      baseline_value: Math.max(1, Math.round(median(bareMs))),
      target: 'value < 1000',
      details: { runs, portal_ms: portalMs.map(Math.round), bare_ms: bareMs.map(Math.round), note: 'fresh context (empty cache) each run' },
    });
  } finally {
    bare.close();
    await portal.stop();
  }
}
