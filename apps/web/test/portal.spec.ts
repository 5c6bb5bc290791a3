/**
 * The portal end to end, with real parts only: a parley-hub process (PGlite in a temp dir), the
 * production build of this app under `next start`, and Debian's Chromium (fails, never skips, when
 * it is missing). A onboards, starts a community and copies the invite; B opens the invite, onboards
 * and joins; both chat and see each other's messages in order; A reloads and keeps identity, room
 * and history. axe-core finds no serious or critical violation on the onboarding and room screens.
 * Pages run under a nonce-based Content-Security-Policy; a CSP report in the console, a dialog
 * (script from a message) or an uncaught page error fails the suite.
 * Screenshots go to /tmp/web-shots (or $PARLEY_WEB_SHOTS).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 60_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const shot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

const newPage = async (label: string): Promise<Page> => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  // An alert is script run from a message: a failure, whatever opened it.
  page.on('dialog', (d) => {
    pageErrors.push(`${label}: dialog ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) pageErrors.push(`${label}: CSP: ${m.text()}`);
  });
  if (process.env.PARLEY_WEB_DEBUG === '1') page.on('console', (m) => console.log(`[${label}] ${m.type()}: ${m.text()}`));
  return page;
};

const assertAccessible = async (page: Page, screen: string): Promise<void> => {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${screen}: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);
};

const onboard = async (page: Page, name: string, colour: string): Promise<void> => {
  await page.getByLabel('Display name').fill(name);
  await page.locator('label', { hasText: colour }).click();
  assert.ok(await page.getByRole('radio', { name: colour }).isChecked());
  await page.getByRole('button', { name: 'Continue' }).click();
};

/** The texts shown, without the "queued" mark (which clears when a peer or hub holds the message). */
const messageTexts = async (page: Page): Promise<string[]> =>
  (await page.getByTestId('message-text').allInnerTexts()).map((t) => t.replace(/\s*queued$/, '').trim());

const waitForTexts = async (page: Page, want: string[]): Promise<void> => {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const got = await messageTexts(page);
    if (want.every((w) => got.includes(w))) {
      const order = want.map((w) => got.indexOf(w));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `messages out of order: ${JSON.stringify(got)}`,
      );
      return;
    }
    if (Date.now() > deadline) assert.fail(`expected ${JSON.stringify(want)}, saw ${JSON.stringify(got)}`);
    await page.waitForTimeout(250);
  }
};

const send = async (page: Page, text: string): Promise<void> => {
  const box = page.getByLabel(/^Message #/);
  await box.fill(text);
  await box.press('Enter');
};

before(
  async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Browser first: a missing Chromium fails the suite before minutes of building.
    browser = await launchChromium();
    if (process.env.PARLEY_WEB_REUSE_BUILD !== '1') await buildApp();
    hub = await startHub();
    app = await startApp(hub.bootstrap);
  },
  { timeout: 600_000 },
);

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
  await hub?.stop();
});

let alice: Page;
let bob: Page;
let invite: string;

test('A onboards in two screens and starts a community', T, async () => {
  alice = await newPage('A');
  const res = await alice.goto(app.origin);
  const csp = res?.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  assert.ok(csp.includes(`connect-src 'self' ws://127.0.0.1:${hub.bootstrap.split('/tcp/')[1]?.split('/')[0]}`), csp);
  assert.ok(csp.includes("frame-ancestors 'none'"), csp);
  await alice.getByRole('heading', { name: 'Welcome to Parley' }).waitFor();
  await shot(alice, '1-onboarding-profile');
  await assertAccessible(alice, 'onboarding: profile');
  await onboard(alice, 'Alice', 'Green');
  await alice.getByRole('heading', { name: 'Find your community' }).waitFor();
  await shot(alice, '2-onboarding-community');
  await assertAccessible(alice, 'onboarding: community');
  await alice.getByLabel('Invite link').fill('https://example.org/join#not-an-invite');
  await alice.getByRole('button', { name: 'Join', exact: true }).click();
  await alice
    .getByRole('alert')
    .filter({ hasText: /^That is not a valid invite link/ })
    .waitFor();
  await alice.getByLabel('Community name').fill('Book club');
  await alice.getByLabel('First channels (comma-separated)').fill('general, books');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  assert.equal(await alice.getByTestId('my-name').textContent(), 'Alice');
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 30_000 });
});

test('A copies an invite link whose secret is in the fragment', T, async () => {
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  invite = await alice.evaluate(() => navigator.clipboard.readText());
  assert.ok(invite.startsWith(`${app.origin}/join#`), invite);
  assert.equal(new URL(invite).search, '');
  await shot(alice, '3-room-invite');
});

test('B opens the invite, onboards and joins the room', T, async () => {
  bob = await newPage('B');
  await bob.goto(invite);
  await bob.getByRole('heading', { name: 'Welcome to Parley' }).waitFor();
  await onboard(bob, 'Bob', 'Pink');
  await bob.getByRole('heading', { name: 'general' }).waitFor({ timeout: 45_000 });
  assert.equal(new URL(bob.url()).hash, '', 'the invite secret is dropped from the address bar after joining');
  await bob
    .getByLabel(/^Message #general/)
    .and(bob.locator(':enabled'))
    .waitFor({ timeout: 45_000 });
});

test('A and B exchange messages and both see them in order', T, async () => {
  await send(alice, 'hello from **Alice**');
  await waitForTexts(bob, ['hello from Alice']);
  await send(bob, 'hi Alice, `code` and https://example.org');
  // Each reply after its cause arrived: a causal order both sides must show. (Concurrent messages are
  // ordered by Lamport clock then id, the same on both sides, which need not be the order they were typed in.)
  await waitForTexts(alice, ['hello from Alice', 'hi Alice, code and https://example.org']);
  await send(alice, 'welcome <script>alert(1)</script>');
  await send(alice, '<img src=x onerror=alert(2)> [click](javascript:alert(3)) javascript:alert(4)');
  const all = [
    'hello from Alice',
    'hi Alice, code and https://example.org',
    'welcome <script>alert(1)</script>',
    '<img src=x onerror=alert(2)> [click](javascript:alert(3)) javascript:alert(4)',
  ];
  await waitForTexts(alice, all);
  await waitForTexts(bob, all);
  assert.deepEqual(await messageTexts(alice), await messageTexts(bob), 'both sides show the same history in the same order');
  // Markdown renders as elements, markup in text stays text.
  assert.equal(await bob.locator('[data-testid=message-text] strong').first().textContent(), 'Alice');
  assert.equal(await bob.locator('[data-testid=message-text] a[href="https://example.org/"]').count(), 1);
  assert.equal(await bob.locator('[data-testid=messages] script').count(), 0);
  assert.equal(await bob.locator('[data-testid=messages] img').count(), 0);
  assert.equal(await bob.locator('[data-testid=messages] a[href^="javascript:"]').count(), 0);
  await shot(alice, '4-room-alice');
  await shot(bob, '5-room-bob');
  await assertAccessible(alice, 'room');
});

test('at 390 px the channel list opens over the messages and closes on a pick', T, async () => {
  await bob.setViewportSize({ width: 390, height: 844 });
  await bob.getByLabel(/^Message #general/).waitFor();
  assert.equal(await bob.getByRole('navigation', { name: 'Communities' }).isVisible(), false);
  await shot(bob, '5b-room-mobile');
  await bob.getByRole('button', { name: 'Communities and channels' }).click();
  await bob.getByRole('button', { name: 'books' }).click();
  await bob.getByLabel(/^Message #books/).waitFor();
  await bob.getByRole('button', { name: 'Communities and channels' }).click();
  await shot(bob, '5c-room-mobile-nav');
  await assertAccessible(bob, 'room, mobile, channel list open');
  await bob.getByRole('button', { name: 'general' }).click();
  await bob.setViewportSize({ width: 1280, height: 800 });
  await waitForTexts(bob, ['hello from Alice']);
});

test('A reloads and keeps identity, room and history', T, async () => {
  await alice.reload();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  assert.equal(await alice.getByTestId('my-name').textContent(), 'Alice');
  assert.equal(await alice.getByRole('heading', { level: 1 }).textContent(), 'Book club');
  await waitForTexts(alice, [
    'hello from Alice',
    'hi Alice, code and https://example.org',
    'welcome <script>alert(1)</script>',
    '<img src=x onerror=alert(2)> [click](javascript:alert(3)) javascript:alert(4)',
  ]);
  await shot(alice, '6-room-after-reload');
  // A second tab of the same browser does not start a second client with the same device key: it
  // follows the first (tabs.spec.ts has the rest), showing the same room.
  const second = await alice.context().newPage();
  await second.goto(app.origin);
  await second.getByText('Parley runs in another tab of this browser').waitFor();
  await waitForTexts(second, ['hello from Alice']);
  await second.close();
});

test('a message sent with nobody reachable shows "queued" until the hub is back and stores it', { timeout: 120_000 }, async () => {
  await alice.context().close();
  await hub.stop(true);
  await bob.locator('[data-testid=health][data-peers="0"]').waitFor({ timeout: 30_000 });
  await send(bob, 'sent while alone');
  const mine = bob.getByTestId('message').filter({ hasText: 'sent while alone' });
  await mine.getByTestId('queued').waitFor();
  await shot(bob, '7-room-offline-queued');
  hub = await startHub(hub);
  await bob.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 60_000 });
  await mine.getByTestId('queued').waitFor({ state: 'detached', timeout: 30_000 });
});

test('C joins from the invite while its maker is gone: the hub serves the room, B shares the key', { timeout: 120_000 }, async () => {
  const carol = await newPage('C');
  await carol.goto(invite);
  await onboard(carol, 'Carol', 'Teal');
  await carol.getByRole('heading', { name: 'general' }).waitFor({ timeout: 60_000 });
  await waitForTexts(carol, [
    'hello from Alice',
    'hi Alice, code and https://example.org',
    'welcome <script>alert(1)</script>',
    '<img src=x onerror=alert(2)> [click](javascript:alert(3)) javascript:alert(4)',
    'sent while alone',
  ]);
  await send(carol, 'hello, I am new');
  await waitForTexts(bob, ['sent while alone', 'hello, I am new']);
  assert.equal(await carol.getByTestId('members').getByRole('listitem').count(), 3);
  // Everyone is shown by the name of their signed profile, not by a key handle.
  await carol.waitForFunction(
    () => {
      const t = document.querySelector('[data-testid=members]')?.textContent ?? '';
      return t.includes('Alice') && t.includes('Bob') && t.includes('Carol');
    },
    undefined,
    { timeout: 30_000 },
  );
  await bob.waitForFunction(() => (document.querySelector('[data-testid=messages]')?.textContent ?? '').includes('Carol'), undefined, { timeout: 30_000 });
  await shot(carol, '8-room-third-person');
  assert.deepEqual(pageErrors, []);
});
