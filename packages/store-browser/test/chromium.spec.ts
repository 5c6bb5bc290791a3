/**
 * Everything of this package that must run in a real browser, under one Chromium for the whole
 * suite: the shared ObjectStore and FileStore compliance suites, the byte budgets (and file LRU eviction) against IndexedDB, the
 * browser's own quota (THREATS 30) on an origin of its own, and the person's state in y-indexeddb.
 * Each browser test is mirrored as one node:test test; a missing Chromium fails this file loudly.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  launchPersistentChromium,
  listBrowserTests,
  mirrorBrowserTests,
  openTestPage,
  overrideOriginQuota,
  type PersistentChromium,
  runBrowserTest,
  type StaticServer,
  startStaticServer,
  type TestPageOptions,
  testPageHtml,
} from '@parley/tests/browser';
import type { Page } from '@playwright/test';

const entry = (name: string) => fileURLToPath(new URL(`./browser/${name}.browser.ts`, import.meta.url));

const PAGES = ['compliance', 'budget', 'user-state', 'files'] as const;

const open: { browser?: PersistentChromium; servers: StaticServer[] } = { servers: [] };
const shutdown = async () => {
  await open.browser?.close();
  for (const s of open.servers) await s.close();
};
after(shutdown);

const mirror = async (page: Page) => {
  const tests = await listBrowserTests(page);
  mirrorBrowserTests(tests, (i) => runBrowserTest(page, i));
};

let userStatePage: Page | undefined;
try {
  const [quotaJs, ...pageJs] = await Promise.all([entry('browser-quota'), ...PAGES.map(entry)].map((e) => bundleForBrowser(e)));
  const files = Object.fromEntries(
    PAGES.flatMap((p, i) => [
      [`/${p}.html`, { body: testPageHtml(`${p}.js`, p) }],
      [`/${p}.js`, { body: pageJs[i] as string }],
    ]),
  );
  const main = await startStaticServer(files);
  open.servers.push(main);
  // The quota test gets an origin of its own: quotas, and the space deletions have yet to give back, are per origin.
  const quota = await startStaticServer({ '/index.html': { body: testPageHtml('quota.js', 'quota') }, '/quota.js': { body: quotaJs as string } });
  open.servers.push(quota);
  open.browser = await launchPersistentChromium();
  const { context } = open.browser;

  for (const p of PAGES) {
    const page = await openTestPage(context, `${main.origin}/${p}.html`);
    if (p === 'user-state') userStatePage = page;
    await mirror(page);
  }
  let quotaPage: Page | undefined;
  const expose: TestPageOptions['expose'] = {
    parleySetQuota: (bytes: number | undefined) => overrideOriginQuota(quotaPage as Page, quota.origin, bytes),
  };
  quotaPage = await openTestPage(context, `${quota.origin}/`, { expose });
  await mirror(quotaPage);
} catch (e) {
  await shutdown();
  throw e;
}

describe('UserState across a reload', () => {
  it('a new page on the same origin restores the state from IndexedDB', async () => {
    const context = (userStatePage as Page).context();
    const url = (userStatePage as Page).url();
    const secret = 'c3'.repeat(32);
    type Probe = { write(s: string): Promise<void>; read(s: string): Promise<unknown> };
    const first = await context.newPage();
    await first.goto(url);
    await first.evaluate((s) => (globalThis as unknown as { parleyUserStateProbe: Probe }).parleyUserStateProbe.write(s), secret);
    await first.close();
    const second = await context.newPage();
    try {
      await second.goto(url);
      const got = await second.evaluate((s) => (globalThis as unknown as { parleyUserStateProbe: Probe }).parleyUserStateProbe.read(s), secret);
      assert.deepEqual(got, {
        rooms: [{ room: '05'.repeat(32), name: 'Kept across reloads', hubs: ['/dns4/hub.example/tcp/443/wss'], joinedAt: 42 }],
        settings: { theme: 'light' },
        marker: { lamport: 3, id: '07'.repeat(32) },
        draft: 'unsent words',
      });
    } finally {
      await second.close();
    }
  });
});
