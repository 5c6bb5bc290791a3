/**
 * The Node side of running a node:test suite inside a page: open the page, list the tests the
 * bundled suite registered (through the node:test shim), and register one real node:test test per
 * browser test, nested like the browser's describes. Each Node test runs its twin in the page and
 * fails with the browser's error, so `npm test` counts and names what actually ran in Chromium.
 */
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from '@playwright/test';
import type { ListedTest, NodeTestShim, TestResult } from './shims/node-test.ts';

type ShimGlobal = typeof globalThis & { __parleyNodeTest?: NodeTestShim };

export interface TestPageOptions {
  /**
   * Node functions the page may call (`await globalThis[name](...args)`), e.g. to change the
   * origin's quota mid-test; installed before the page loads. Arguments and results must be JSON.
   */
  readonly expose?: Record<string, (...args: never[]) => unknown>;
}

/**
 * Opens `url` in a new page of `context` and waits until its bundle has registered its tests.
 * Uncaught page errors and console errors are echoed to stderr, prefixed `[browser]`.
 */
export const openTestPage = async (context: BrowserContext, url: string, options: TestPageOptions = {}): Promise<Page> => {
  const page = await context.newPage();
  for (const [name, fn] of Object.entries(options.expose ?? {})) await page.exposeFunction(name, fn);
  const errors: string[] = [];
  page.on('pageerror', (e) => {
    errors.push(e.stack ?? e.message);
    process.stderr.write(`[browser] uncaught: ${e.stack ?? e.message}\n`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') process.stderr.write(`[browser] ${m.type()}: ${m.text()}\n`);
  });
  await page.goto(url);
  const ready = await page.evaluate(() => (globalThis as ShimGlobal).__parleyNodeTest !== undefined);
  if (!ready || errors.length > 0) throw new Error(`the test page ${url} did not load its tests${errors.length > 0 ? `:\n${errors.join('\n')}` : ''}`);
  return page;
};

export const listBrowserTests = (page: Page): Promise<ListedTest[]> =>
  page.evaluate(() => {
    const shim = (globalThis as ShimGlobal).__parleyNodeTest;
    if (shim === undefined) throw new Error('no node:test shim in this page');
    return shim.list();
  });

export const runBrowserTest = (page: Page, index: number): Promise<TestResult> =>
  page.evaluate((i) => {
    const shim = (globalThis as ShimGlobal).__parleyNodeTest;
    if (shim === undefined) throw new Error('no node:test shim in this page');
    return shim.run(i);
  }, index);

const browserError = (r: TestResult): Error => {
  const e = new Error(r.error?.message ?? 'failed in the browser');
  e.name = r.error?.name ?? 'Error';
  const frames = (r.error?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  e.stack = `${e.name}: ${e.message}\n    (thrown in Chromium)\n${frames.join('\n')}`;
  return e;
};

interface Listed extends ListedTest {
  readonly index: number;
}

const register = (tests: readonly Listed[], depth: number, run: (index: number) => Promise<TestResult>): void => {
  for (let i = 0; i < tests.length; ) {
    const t = tests[i] as Listed;
    if (t.path.length === depth + 1) {
      it(t.path[depth] as string, async (ctx) => {
        const r = await run(t.index);
        for (const d of r.diagnostics) ctx.diagnostic(d);
        if (r.status === 'fail') throw browserError(r);
        if (r.status === 'skip') ctx.skip(typeof t.skip === 'string' ? t.skip : undefined);
        if (r.status === 'todo') ctx.todo(typeof t.todo === 'string' ? t.todo : undefined);
      });
      i++;
      continue;
    }
    // Consecutive tests under the same suite name form one describe, as they did in the page.
    const name = t.path[depth] as string;
    let j = i;
    while (j < tests.length && (tests[j] as Listed).path.length > depth + 1 && (tests[j] as Listed).path[depth] === name) j++;
    const group = tests.slice(i, j);
    describe(name, () => register(group, depth + 1, run));
    i = j;
  }
};

/**
 * Registers one node:test test per browser test, in order, inside describes named like the
 * browser's. `run` runs one test in the page by its index (usually `(i) => runBrowserTest(page, i)`).
 * Call it while node:test collects tests (at top level or inside a describe body).
 */
export const mirrorBrowserTests = (tests: readonly ListedTest[], run: (index: number) => Promise<TestResult>): void =>
  register(
    tests.map((t, index) => ({ ...t, index })),
    0,
    run,
  );
