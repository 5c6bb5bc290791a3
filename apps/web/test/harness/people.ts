/**
 * People in the portal for the web suite's specs: a page in its own browser context (its own
 * IndexedDB and localStorage) that records page errors, dialogs and CSP reports as failures, the
 * onboarding step, sending, and reading the messages shown.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';

export interface People {
  /** Every failure seen on any page: uncaught errors, dialogs (script run from a message), CSP reports, third-party requests. */
  readonly errors: string[];
  open(label: string, origin: string): Promise<Page>;
  close(): Promise<void>;
}

/** `allowed`: further origins the pages may request (the directory indexer the portal names). */
export const people = (browser: Browser, allowed: readonly string[] = []): People => {
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    errors,
    async open(label, origin) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
      page.on('dialog', (d) => {
        errors.push(`${label}: dialog ${d.message()}`);
        void d.dismiss();
      });
      // No third-party requests: everything comes from the app's origin (or is a data/blob URL), or an allowed one.
      page.on('request', (r) => {
        const u = r.url();
        if (![origin, ...allowed].some((o) => u.startsWith(`${o}/`) || u === o) && !/^(data|blob):/.test(u)) errors.push(`${label}: request to ${u}`);
      });
      page.on('console', (m) => {
        if (/Content[- ]Security[- ]Policy/i.test(m.text())) errors.push(`${label}: CSP: ${m.text()}`);
        if (process.env.PARLEY_WEB_DEBUG === '1') console.log(`[${label}] ${m.type()}: ${m.text()}`);
      });
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
    },
  };
};

export const onboard = async (page: Page, name: string, colour: string): Promise<void> => {
  await page.getByLabel('Display name').fill(name);
  await page.locator('label', { hasText: colour }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
};

/** The texts shown, without the "queued" and "(edited)" marks. */
export const messageTexts = async (page: Page): Promise<string[]> =>
  (await page.getByTestId('message-text').allInnerTexts()).map((t) => t.replace(/\s*queued$/, '').trim());

export const waitForTexts = async (page: Page, want: string[], timeoutMs = 45_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await messageTexts(page);
    if (want.every((w) => got.includes(w))) return;
    if (Date.now() > deadline) assert.fail(`expected ${JSON.stringify(want)}, saw ${JSON.stringify(got)}`);
    await page.waitForTimeout(250);
  }
};

export const send = async (page: Page, text: string): Promise<void> => {
  const box = page.getByLabel(/^Message #/);
  await box.fill(text);
  await box.press('Enter');
};

/** The message whose own text (not a quote of another) contains `text`. */
export const message = (page: Page, text: string | RegExp): Locator =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });
