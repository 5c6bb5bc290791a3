/**
 * One browser identity across tabs, with real parts only (a hub process on PGlite, the production
 * build under `next start`, Debian's Chromium): Alice's second tab, in the same browser context (same
 * IndexedDB and localStorage), follows the first (Web Lock + BroadcastChannel 'parley-tabs'): it
 * shows the room live, its messages and reactions go out through the leading tab and reach Bob (in
 * another context), Bob's reach both tabs; junk on the channel is refused; closing the leading tab
 * makes the follower lead within seconds, and it keeps chatting; "Use Parley here" moves Parley to
 * a third tab. axe-core finds no serious violation on the follower's view. Prints the times it
 * measures (second tab to room shown, a follower's send to Bob's screen, leadership moving).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { message, onboard, type People, people, send, waitForTexts } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 120_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let alice2: Page;
let bob: Page;
const errors: string[] = [];

/** Another tab of the same browser (same context: same storage) as `page`, its failures recorded. */
const newTab = async (page: Page, label: string): Promise<Page> => {
  const tab = await page.context().newPage();
  tab.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
  tab.on('console', (m) => {
    if (process.env.PARLEY_WEB_DEBUG === '1') console.log(`[${label}] ${m.type()}: ${m.text()}`);
  });
  return tab;
};

const followerBar = (page: Page) => page.getByRole('region', { name: 'This tab' });

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

test('Alice starts a community, Bob joins; a second tab of Alice follows the first and shows the room', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Orchard');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 30_000 });
  await send(alice, 'before the second tab');
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
  await waitForTexts(bob, ['before the second tab']);

  alice2 = await newTab(alice, 'A2');
  const t0 = Date.now();
  await alice2.goto(app.origin);
  await alice2.getByRole('heading', { name: 'general' }).waitFor({ timeout: 30_000 });
  await waitForTexts(alice2, ['before the second tab']);
  const shown = Date.now() - t0;
  await followerBar(alice2).waitFor();
  // Bob's presence at once (the leader relays the status signals it took lately), not at his next one (30 s).
  await alice2.getByTestId('online-count').filter({ hasText: '2 online' }).waitFor({ timeout: 10_000 });
  const present = Date.now() - t0;
  assert.equal(await followerBar(alice).count(), 0, 'the first tab leads');
  console.log(`# second tab: room and history shown ${shown} ms after opening it, Bob online there after ${present} ms`);
});

test('the follower tab sends, reacts and is typed at; everything reaches Bob and both tabs', T, async () => {
  const t0 = Date.now();
  await send(alice2, 'from the follower tab');
  await waitForTexts(bob, ['from the follower tab']);
  const atBob = Date.now() - t0;
  for (const page of [alice, alice2]) await waitForTexts(page, ['from the follower tab']);
  console.log(`# a follower's message shown at Bob ${atBob} ms after Enter`);

  await send(bob, 'from Bob to both tabs');
  for (const page of [alice, alice2]) await waitForTexts(page, ['from Bob to both tabs']);

  // A reaction from the follower, counted at Bob and in the leading tab.
  const original = (page: Page) => message(page, 'from Bob to both tabs');
  await original(alice2).hover();
  await original(alice2).getByRole('button', { name: 'Add reaction' }).click();
  await original(alice2).getByRole('button', { name: 'React with 👍' }).click();
  for (const page of [bob, alice, alice2]) await original(page).getByRole('button', { name: '👍 1: Alice' }).waitFor({ timeout: 30_000 });

  // Bob typing shows in the follower (the leader hands on the signal).
  await bob.getByLabel(/^Message #/).pressSequentially('abc', { delay: 50 });
  await alice2.getByText(/Bob is typing/).waitFor({ timeout: 20_000 });
  await bob.getByLabel(/^Message #/).fill('');

  // A profile change in the leading tab shows in the follower; the follower itself says to use the leading tab.
  await alice.getByRole('button', { name: 'Settings', exact: true }).click();
  await alice.getByLabel('Display name').fill('Alicia');
  await alice.getByRole('button', { name: 'Save profile' }).click();
  await alice.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await alice.keyboard.press('Escape');
  await alice.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
  await alice2.getByTestId('my-name').filter({ hasText: 'Alicia' }).waitFor({ timeout: 10_000 });
  await alice2.getByRole('button', { name: 'Settings', exact: true }).click();
  await alice2.getByLabel('Display name').fill('Alice again');
  await alice2.getByRole('button', { name: 'Save profile' }).click();
  await alice2.getByText(/works only in the tab that runs Parley/).waitFor();
  await alice2.keyboard.press('Escape');
  await alice2.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });

  // An invite made in the follower (the leading tab signs it).
  await alice2.getByRole('button', { name: 'Copy invite link' }).click();
  await alice2.getByRole('button', { name: 'Invite link copied' }).waitFor();
  assert.match(await alice2.evaluate(() => navigator.clipboard.readText()), /#/);

  await alice2.screenshot({ path: join(SHOTS, 'tabs-1-follower.png') });
  const v = await seriousViolations(alice2);
  assert.deepEqual(v, [], `follower tab: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);
});

test('junk on the tabs channel is refused and answered with nothing; a bad call gets a typed error', T, async () => {
  const r = await alice2.evaluate(async () => {
    const ch = new BroadcastChannel('parley-tabs');
    const answers: unknown[] = [];
    ch.onmessage = (e) => {
      const d = e.data as { t?: string; id?: string };
      if (d?.t === 'result' && typeof d.id === 'string' && d.id.startsWith('probe')) answers.push(d);
    };
    for (const junk of [
      null,
      7,
      'x',
      [],
      {},
      { t: 'nope' },
      { t: 'call', id: 'probe-1', method: 'close', args: [] },
      { t: 'call', id: '', method: 'send', args: [] },
    ])
      ch.postMessage(junk);
    ch.postMessage({ t: 'relay', r: { kind: 'frame', bytes: new Uint8Array([1, 2, 3]) } });
    ch.postMessage({ t: 'call', id: 'probe-2', method: 'send', args: [new Uint8Array(32), new Uint8Array(16), 'to no room'] });
    await new Promise((res) => setTimeout(res, 1500));
    ch.close();
    return answers;
  });
  assert.equal(r.length, 1, `only the well-formed call is answered: ${JSON.stringify(r)}`);
  const a = r[0] as { id: string; ok: boolean; error: { name: string; code: string } };
  assert.equal(a.id, 'probe-2');
  assert.equal(a.ok, false);
  assert.equal(a.error.name, 'ClientError');
  assert.equal(a.error.code, 'unknown-room');
  // Still chatting after it.
  await send(alice2, 'after the junk');
  await waitForTexts(bob, ['after the junk']);
});

test('closing the leading tab makes the follower lead within seconds; it keeps chatting', T, async () => {
  const t0 = Date.now();
  await alice.close();
  await followerBar(alice2).waitFor({ state: 'detached', timeout: 20_000 });
  const led = Date.now() - t0;
  await alice2.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 30_000 });
  const connected = Date.now() - t0;
  console.log(`# leadership moved ${led} ms after the leading tab closed; connected to the hub after ${connected} ms`);
  // What was on screen stayed (no reload): the earlier messages and the composer.
  await waitForTexts(alice2, ['from the follower tab', 'from Bob to both tabs']);
  await send(alice2, 'leading now');
  await waitForTexts(bob, ['leading now']);
  await send(bob, 'hello new leader');
  await waitForTexts(alice2, ['hello new leader']);
});

test('"Use Parley here" in a follower moves Parley to it', T, async () => {
  const alice3 = await newTab(alice2, 'A3');
  await alice3.goto(app.origin);
  await followerBar(alice3).waitFor({ timeout: 30_000 });
  await waitForTexts(alice3, ['hello new leader']);
  await followerBar(alice3).getByRole('button', { name: 'Use Parley here' }).click();
  await followerBar(alice3).waitFor({ state: 'detached', timeout: 30_000 });
  // The tab that led reloads and follows.
  await followerBar(alice2).waitFor({ timeout: 30_000 });
  await send(alice3, 'from the third tab');
  await waitForTexts(bob, ['from the third tab']);
  await waitForTexts(alice2, ['from the third tab']);
  assert.deepEqual([...errors, ...folks.errors], []);
});
