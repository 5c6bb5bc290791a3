/**
 * Voice channels in the portal, end to end with real parts only (a hub process on PGlite, the
 * production build under `next start`, Debian's Chromium with a fake microphone playing a steady
 * tone): Alice creates a voice channel and joins it; Bob sees her in it from the channel list before
 * joining; in the call each sees the other speaking, with a measured link quality; Bob mutes and
 * Alice sees him muted and silent; Alice turns Bob down; Bob switches to push-to-talk and is heard
 * only while he holds the key; Bob hangs up and leaves Alice alone in the channel. axe-core finds no
 * serious or critical violation with the call open and in the voice settings dialog. Screenshots go
 * to $PARLEY_WEB_SHOTS (default /tmp/web-shots).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fakeMicrophoneArgs, launchChromium } from '@parley/tests/browser';
import type { Browser, Locator, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { onboard, type People, people } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 120_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let bob: Page;

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const assertAccessible = async (page: Page, screen: string): Promise<void> => {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${screen}: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);
};

/** The entry for `name` under the lounge voice channel. */
const person = (page: Page, name: string): Locator => page.getByRole('list', { name: 'In lounge' }).getByTestId('voice-person').filter({ hasText: name });

before(
  async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium(fakeMicrophoneArgs());
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

test('Alice creates a voice channel and joins it; Bob, in the community, sees her there', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Studio');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.getByRole('button', { name: 'Create voice channel' }).click();
  await alice.getByLabel('New voice channel name').fill('Lounge');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await alice.getByRole('button', { name: 'Join voice channel lounge' }).click();
  await alice.getByText('Voice connected').waitFor({ timeout: 30_000 });
  await person(alice, 'Alice').waitFor();

  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  const invite = await alice.evaluate(() => navigator.clipboard.readText());
  bob = await folks.open('B', app.origin);
  await bob.goto(invite);
  await onboard(bob, 'Bob', 'Pink');
  await bob
    .getByLabel(/^Message #general/)
    .and(bob.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  // Not in the call, Bob sees who is: from the channel's signed announcements.
  await person(bob, 'Alice').waitFor({ timeout: 30_000 });
  await shot(bob, 'voice-1-presence');
});

test('in the call each hears the other: speaking rings, and the link quality measured', T, async () => {
  await bob.getByRole('button', { name: 'Join voice channel lounge' }).click();
  await bob.getByText('Voice connected').waitFor({ timeout: 30_000 });
  for (const [page, other] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
  ] as const) {
    await person(page, other).and(page.locator('[data-speaking=true]')).waitFor({ timeout: 45_000 });
    await person(page, other)
      .getByTestId('voice-quality')
      .filter({ hasText: /^connection: \d+ ms · [\d.]+% loss$/ })
      .waitFor({ timeout: 20_000 });
  }
  assert.equal(await alice.getByRole('list', { name: 'In lounge' }).getByTestId('voice-person').count(), 2);
  await shot(alice, 'voice-2-call');
  await assertAccessible(alice, 'channel list in a call');
});

test('Bob mutes: Alice sees him muted and no longer speaking; unmuted he is heard again', T, async () => {
  const t0 = Date.now();
  await bob.getByRole('button', { name: 'Mute' }).click();
  assert.equal(await bob.getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed'), 'true');
  await person(alice, 'Bob').and(alice.locator('[data-muted=true][data-speaking=false]')).waitFor({ timeout: 10_000 });
  process.stdout.write(`# voice: Alice saw Bob muted and silent ${Date.now() - t0} ms after his click\n`);
  await person(alice, 'Bob').getByRole('img', { name: 'muted' }).waitFor();
  await bob.getByRole('button', { name: 'Mute' }).click();
  await person(alice, 'Bob').and(alice.locator('[data-muted=false][data-speaking=true]')).waitFor({ timeout: 15_000 });
});

test('Alice turns Bob down from his entry', T, async () => {
  await person(alice, 'Bob').getByRole('button').click();
  const slider = alice.getByRole('slider', { name: 'Volume of Bob' });
  await slider.fill('50');
  assert.equal(await slider.getAttribute('aria-valuetext'), '50%');
  await shot(alice, 'voice-3-volume');
});

test('push to talk: Bob is heard only while he holds the key', T, async () => {
  await bob.getByRole('button', { name: 'Voice settings' }).click();
  const dialog = bob.getByRole('dialog', { name: 'Voice settings' });
  await dialog.getByLabel(/^Push to talk/).check();
  await dialog.getByRole('button', { name: 'Change key' }).click();
  await bob.keyboard.press('KeyV');
  await dialog.getByText('Push-to-talk key: V').waitFor();
  await shot(bob, 'voice-4-settings');
  await assertAccessible(bob, 'voice settings dialog');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await person(alice, 'Bob').and(alice.locator('[data-speaking=false]')).waitFor({ timeout: 15_000 });
  await bob.getByTestId('ptt').filter({ hasText: 'hold V' }).waitFor();
  // Held: heard. The page has focus outside any field, as after a click on the channel list.
  await bob.getByRole('heading', { name: 'general' }).click();
  await bob.keyboard.down('KeyV');
  await bob.locator('[data-testid=ptt][data-talking=true]').waitFor();
  await person(alice, 'Bob').and(alice.locator('[data-speaking=true]')).waitFor({ timeout: 15_000 });
  await bob.keyboard.up('KeyV');
  await person(alice, 'Bob').and(alice.locator('[data-speaking=false]')).waitFor({ timeout: 15_000 });
});

test('Bob hangs up: Alice is alone in the channel', T, async () => {
  await bob.getByRole('button', { name: 'Disconnect' }).click();
  await bob.getByText('Voice connected').waitFor({ state: 'detached' });
  await person(alice, 'Bob').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await alice.getByRole('list', { name: 'In lounge' }).getByTestId('voice-person').count(), 1);
  assert.deepEqual(folks.errors, []);
});
