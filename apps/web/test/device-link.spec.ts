/**
 * Settings › Devices in the portal, end to end with real parts only (a hub process on PGlite, the
 * production build under `next start`, Debian's Chromium, real libp2p nodes): Alice links a second
 * browser with the one-time code (shown with a QR code), which opens /link#<code>, gets her
 * community and reads its history; both list two devices; the linked browser shows no recovery
 * phrase and greys "Link a device" with why; a malformed or reused code links nothing and says why;
 * Alice revokes the laptop, and it reads nothing she sends afterwards. axe-core finds no serious or
 * critical violation on the Devices views and the link page. Screenshots go to $PARLEY_WEB_SHOTS.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseLinkCode } from '@parley/protocol';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { messageTexts, onboard, type People, people, send, waitForTexts } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 400_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let laptop: Page;

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const assertAccessible = async (page: Page, screen: string): Promise<void> => {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${screen}: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);
};

const devicesSection = (page: Page) => page.getByRole('region', { name: 'Devices' });
const openSettings = async (page: Page) => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
};
const closeSettings = async (page: Page) => {
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
};

before(
  async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    if (process.env.PARLEY_WEB_REUSE_BUILD !== '1') await buildApp();
    hub = await startHub();
    app = await startApp(hub.bootstrap);
    folks = people(browser);
  },
  { timeout: 600_000 },
);

after(async () => {
  await folks?.close();
  await browser?.close();
  await app?.stop();
  await hub?.stop();
});

let code = '';

test('Alice links a second browser with a one-time code; it opens her community and reads its history', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Orchard');
  await alice.getByLabel('First channels (comma-separated)').fill('general');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 60_000 });
  await alice
    .getByLabel(/^Message #general/)
    .and(alice.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  await send(alice, 'written before the link');
  await waitForTexts(alice, ['written before the link']);

  await openSettings(alice);
  const devs = devicesSection(alice);
  await devs.getByTestId('device-row').first().waitFor();
  assert.equal(await devs.getByTestId('device-row').count(), 1);
  await devs.getByText('This device').waitFor();
  assert.equal(await devs.getByRole('button', { name: 'Revoke' }).isDisabled(), true, 'this device cannot revoke itself');
  await devs.getByRole('button', { name: 'Link a device' }).click();
  const codeBox = devs.getByTestId('link-code');
  await codeBox.waitFor();
  code = await codeBox.inputValue();
  assert.match(code, new RegExp(`^${app.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/link#[A-Za-z0-9_-]+$`));
  await devs.getByRole('img', { name: 'QR code of the one-time link code' }).waitFor();
  await devs.getByRole('button', { name: 'Copy code' }).click();
  await devs.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await alice.evaluate(() => navigator.clipboard.readText()), code);
  await devs.getByText('Waiting for the other device…').waitFor();
  await assertAccessible(alice, 'Devices with a link code');
  await shot(alice, 'devices-link-code');

  if (process.env.PARLEY_WEB_DEBUG === '1') console.log('link code:', JSON.stringify({ ...parseLinkCode(code), secret: undefined }));
  const t0 = Date.now();
  laptop = await folks.open('A-laptop', app.origin);
  await laptop.goto(code);
  try {
    await laptop.getByRole('heading', { name: 'general' }).waitFor({ timeout: 120_000 });
  } catch (e) {
    await shot(laptop, 'link-failed-laptop');
    await shot(alice, 'link-failed-alice');
    console.log('laptop shows:', await laptop.locator('body').textContent());
    console.log('alice shows:', await alice.locator('body').textContent());
    throw e;
  }
  await waitForTexts(laptop, ['written before the link'], 90_000);
  console.log(`device link in the portal: code opened to history shown in ${Date.now() - t0} ms`);
  assert.equal(new URL(laptop.url()).pathname, '/', 'the code leaves the address bar');
  await devs.getByText(/^Linked “Chrome on Linux”/).waitFor({ timeout: 30_000 });
  await laptop
    .getByLabel(/^Message #general/)
    .and(laptop.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  await send(laptop, 'hello from the laptop');
  await closeSettings(alice);
  await waitForTexts(alice, ['hello from the laptop'], 60_000);
  await send(alice, 'written after the link');
  await waitForTexts(laptop, ['written after the link'], 60_000);
});

test('both browsers list two devices; the linked one has no phrase and cannot link further', T, async () => {
  await openSettings(laptop);
  const devs = devicesSection(laptop);
  await devs.getByTestId('device-row').nth(1).waitFor();
  assert.equal(await devs.getByTestId('device-row').count(), 2);
  const mine = devs.getByTestId('device-row').filter({ hasText: 'This device' });
  await mine.getByText('Chrome on Linux').waitFor();
  assert.equal(await devs.getByRole('button', { name: 'Link a device' }).isDisabled(), true);
  await devs.getByText(/does not hold the account key/).waitFor();
  await laptop
    .getByRole('region', { name: 'Recovery phrase' })
    .getByText(/no recovery phrase to show/)
    .waitFor();
  assert.equal(await laptop.getByRole('button', { name: 'Show recovery phrase' }).count(), 0);
  await assertAccessible(laptop, 'Devices on the linked browser');
  await shot(laptop, 'devices-linked-browser');
  await closeSettings(laptop);
});

test('a malformed code and a used code link nothing and say why', T, async () => {
  const other = await folks.open('C', app.origin);
  await other.goto(`${app.origin}/link#AAAA`);
  await other.getByRole('alert').filter({ hasText: 'That is not a link code' }).waitFor({ timeout: 120_000 });
  await assertAccessible(other, 'Link page with an error');
  await shot(other, 'link-page-error');
  await other.getByLabel('Link code').fill(code);
  await other.getByRole('button', { name: 'Link this browser' }).click();
  await other.getByRole('alert').filter({ hasText: 'already used' }).waitFor({ timeout: 60_000 });
  await other.getByRole('button', { name: 'Cancel' }).click();
  // Nothing linked: this browser is a new person with no community.
  await other.getByRole('button', { name: 'Start a community' }).waitFor({ timeout: 30_000 });
  await openSettings(alice);
  assert.equal(await devicesSection(alice).getByTestId('device-row').count(), 2);
});

test('Alice revokes the laptop: it reads nothing she sends afterwards', T, async () => {
  const devs = devicesSection(alice);
  const row = devs.getByTestId('device-row').filter({ hasNotText: 'This device' });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await devs.getByText(/^Revoked “Chrome on Linux” in 1 community/).waitFor({ timeout: 60_000 });
  await row.getByText('Revoked', { exact: true }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Revoke' }).isDisabled(), true);
  await assertAccessible(alice, 'Devices after a revocation');
  await shot(alice, 'devices-revoked');
  await closeSettings(alice);
  // The members rotate the key; Alice's next message is in the new epoch.
  await alice
    .getByLabel(/^Message #general/)
    .and(alice.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  await send(alice, 'after the revocation');
  await waitForTexts(alice, ['after the revocation']);
  await send(alice, 'and once more');
  await waitForTexts(alice, ['and once more']);
  await laptop.waitForTimeout(8_000);
  const seen = await messageTexts(laptop);
  assert.ok(seen.includes('written after the link'), 'the laptop kept what it could read');
  assert.ok(!seen.includes('after the revocation') && !seen.includes('and once more'), `the revoked laptop read: ${JSON.stringify(seen)}`);
  assert.deepEqual(folks.errors, []);
});
