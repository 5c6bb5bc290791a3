/**
 * Direct messages in the portal, end to end with real parts only (a hub process on PGlite, the
 * production build under `next start`, Debian's Chromium, real libp2p nodes): Alice starts a
 * community, Bob joins from her invite link; Alice opens Message on Bob in the member list and
 * writes; Bob opens Message on Alice, reads it and answers; Alice reads the answer. Carol, a Node
 * client in the same community, holds none of it. After Bob reloads his page, the conversation is
 * still there (sessions and messages kept on his device) and a new message from Alice still opens.
 * axe-core finds no serious or critical violation on the dialog. Screenshots go to $PARLEY_WEB_SHOTS.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { MemoryStore } from '@parley/store';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { onboard, type People, people } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 300_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let bob: Page;
let carol: ParleyClient | undefined;

const dmTexts = (page: Page): Promise<string[]> => page.getByTestId('dm-dialog').getByTestId('dm-message').locator('span:last-child').allInnerTexts();

const waitForDm = async (page: Page, text: string, timeoutMs = 90_000): Promise<void> => {
  await page.getByTestId('dm-dialog').getByTestId('dm-message').filter({ hasText: text }).waitFor({ timeout: timeoutMs });
};

const openDm = async (page: Page, name: string): Promise<void> => {
  const row = page.getByTestId('member').filter({ hasText: name });
  await row.waitFor({ timeout: 90_000 });
  await row.getByRole('button', { name: `Message ${name}` }).click();
  await page.getByRole('heading', { name: `Direct messages with ${name}` }).waitFor();
};

const write = async (page: Page, name: string, text: string): Promise<void> => {
  const box = page.getByTestId('dm-dialog').getByLabel(`Message ${name}`);
  await box.fill(text);
  await box.press('Enter');
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
  await carol?.close();
  await folks?.close();
  await browser?.close();
  await app?.stop();
  await hub?.stop();
});

test('Alice and Bob write to each other from the member list; Carol, in the same community, reads nothing; a reload keeps it', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Letters');
  await alice.getByLabel('First channels (comma-separated)').fill('general');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 60_000 });
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  const invite = await alice.evaluate(() => navigator.clipboard.readText());

  bob = await folks.open('B', app.origin);
  await bob.goto(invite);
  await onboard(bob, 'Bob', 'Pink');
  await bob
    .getByLabel(/^Message #general/)
    .and(bob.locator(':enabled'))
    .waitFor({ timeout: 120_000 });
  carol = await ParleyClient.create({
    identity: createIdentity({ displayName: 'Carol' }),
    store: new MemoryStore(),
    syncIntervalMs: 2_000,
    keyDelayMs: 300,
    directory: false,
    node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, iceServers: [], bootstrap: [hub.bootstrap] },
  });
  await carol.join(invite, { timeoutMs: 120_000 });
  const carolDms: string[] = [];
  carol.on('dm', (m) => carolDms.push(m.text));

  assert.equal(await alice.getByRole('button', { name: 'Message Alice' }).count(), 0, 'no Message button on oneself');
  await openDm(alice, 'Bob');
  await write(alice, 'Bob', 'Hello Bob, this is just between us');
  await waitForDm(alice, 'Hello Bob, this is just between us', 30_000);
  const v = await seriousViolations(alice);
  assert.deepEqual(v, [], `DM dialog: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);

  await openDm(bob, 'Alice');
  await waitForDm(bob, 'Hello Bob, this is just between us');
  await write(bob, 'Alice', 'Hi Alice, got it');
  await waitForDm(alice, 'Hi Alice, got it');
  await alice.screenshot({ path: join(SHOTS, 'dm-0-alice.png') });
  await bob.screenshot({ path: join(SHOTS, 'dm-1-bob.png') });
  assert.deepEqual(await dmTexts(alice), ['Hello Bob, this is just between us', 'Hi Alice, got it']);

  // Bob reloads: the conversation is still on his device, and Alice's next message still opens.
  await bob.reload();
  await bob
    .getByLabel(/^Message #general/)
    .and(bob.locator(':enabled'))
    .waitFor({ timeout: 120_000 });
  await openDm(bob, 'Alice');
  await waitForDm(bob, 'Hi Alice, got it', 30_000);
  await write(alice, 'Bob', 'Still there after your reload?');
  await waitForDm(bob, 'Still there after your reload?');
  assert.deepEqual(await dmTexts(bob), ['Hello Bob, this is just between us', 'Hi Alice, got it', 'Still there after your reload?']);

  // Carol is a member of the same community on the same hub: no DM reached her as plaintext.
  assert.deepEqual(carolDms, []);
  const A = carol.members(carol.rooms()[0] as Uint8Array).find((m) => carol?.profile(carol.rooms()[0] as Uint8Array, m.account)?.displayName === 'Alice');
  if (A !== undefined) assert.deepEqual(await carol.dmHistory(A.account), []);
  assert.deepEqual(folks.errors, [], `page errors: ${folks.errors.join('; ')}`);
});
