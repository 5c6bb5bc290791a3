/**
 * Chatting in the portal beyond plain messages, with real parts only (a hub process on PGlite, the
 * production build under `next start`, Debian's Chromium): replies with a quote of the original,
 * reactions added and taken back with counts on both sides, editing and deleting one's own
 * messages (a tombstone "message deleted"), and mentions completed from the members and highlighted
 * for the person mentioned; unread channels and the "new messages" line; paging back through
 * history by scrolling; creating and renaming channels (owner only); settings (profile change
 * republished, recovery phrase export with its warning and import, hubs, relay-only, the invite's QR
 * code); leaving. axe-core finds no serious or critical violation on each of these screens. Screenshots go to $PARLEY_WEB_SHOTS (default /tmp/web-shots).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadIdentity, recoveryPhrase } from '@parley/client';
import { toHex } from '@parley/protocol';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { message, onboard, type People, people, send, waitForTexts } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 90_000 };

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

test('A starts a community and B joins it from the invite', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Garden');
  await alice.getByLabel('First channels (comma-separated)').fill('general, seeds');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 30_000 });
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
});

test('replies quote the original; reactions are added and taken back with counts on both sides', T, async () => {
  await send(alice, 'first from Alice');
  await waitForTexts(bob, ['first from Alice']);
  // Bob replies: the composer says to whom, the reply carries a quote of the original on both sides.
  await message(bob, 'first from Alice').hover();
  await message(bob, 'first from Alice').getByRole('button', { name: 'Reply' }).click();
  await bob.getByTestId('replying-to').filter({ hasText: 'Replying to Alice' }).waitFor();
  assert.equal(await bob.evaluate(() => document.activeElement?.id), 'composer', 'Reply puts the caret in the composer');
  await send(bob, 'a reply from Bob');
  await bob.getByTestId('replying-to').waitFor({ state: 'detached' });
  for (const page of [alice, bob])
    await message(page, 'a reply from Bob').getByTestId('reply-quote').filter({ hasText: 'Alice' }).filter({ hasText: 'first from Alice' }).waitFor();

  // Bob reacts with 👍 from the picker; Alice sees one, adds hers (two, pressed), then takes it back.
  const original = (page: Page) => message(page, 'first from Alice');
  await original(bob).hover();
  await original(bob).getByRole('button', { name: 'Add reaction' }).click();
  await shot(bob, 'chat-1-reaction-picker');
  await assertAccessible(bob, 'room with the reaction picker open');
  await original(bob).getByRole('button', { name: 'React with 👍' }).click();
  await original(alice).getByRole('button', { name: '👍 1: Bob' }).waitFor({ timeout: 30_000 });
  assert.equal(await original(alice).getByTestId('reaction').getAttribute('aria-pressed'), 'false');
  await original(alice).getByRole('button', { name: '👍 1: Bob' }).click();
  await original(bob)
    .getByRole('button', { name: /^👍 2: / })
    .waitFor({ timeout: 30_000 });
  assert.equal(await original(alice).getByTestId('reaction').getAttribute('aria-pressed'), 'true');
  await original(alice)
    .getByRole('button', { name: /^👍 2: / })
    .click();
  await original(bob).getByRole('button', { name: '👍 1: Bob' }).waitFor({ timeout: 30_000 });
});

test('own messages can be edited and deleted (a tombstone on both sides); others’ cannot', T, async () => {
  // Only one's own messages offer Edit. Delete too, except to a moderator who outranks the author:
  // Alice, the owner, may delete Bob's message (moderation.spec does); Bob may not delete hers.
  await message(alice, 'a reply from Bob').hover();
  assert.equal(await message(alice, 'a reply from Bob').getByRole('button', { name: 'Edit' }).count(), 0);
  assert.equal(await message(alice, 'a reply from Bob').getByRole('button', { name: 'Delete' }).count(), 1, 'the owner may moderate');
  await message(bob, 'first from Alice').hover();
  assert.equal(await message(bob, 'first from Alice').getByRole('button', { name: 'Edit' }).count(), 0);
  assert.equal(await message(bob, 'first from Alice').getByRole('button', { name: 'Delete' }).count(), 0);

  // Alice edits by keyboard: Tab into the message's toolbar, Enter on Edit, type, Enter saves.
  const mine = message(alice, 'first from Alice');
  await mine.getByRole('button', { name: 'Reply' }).focus();
  await alice.keyboard.press('Tab');
  assert.equal(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit');
  await alice.keyboard.press('Enter');
  const editor = alice.getByLabel('Edit message');
  await editor.fill('first from Alice, now edited');
  await editor.press('Enter');
  for (const page of [alice, bob]) await waitForTexts(page, ['first from Alice, now edited(edited)']);
  // The reply's quote follows the edit.
  await message(bob, 'a reply from Bob').getByTestId('reply-quote').filter({ hasText: 'now edited' }).waitFor();

  // Escape leaves the text as it was.
  await message(alice, 'now edited').hover();
  await message(alice, 'now edited').getByRole('button', { name: 'Edit' }).click();
  await alice.getByLabel('Edit message').fill('never sent');
  await alice.getByLabel('Edit message').press('Escape');
  await alice.getByLabel('Edit message').waitFor({ state: 'detached' });

  // Bob deletes his reply: asked first, then a tombstone on both sides.
  await send(bob, 'to be deleted');
  await waitForTexts(alice, ['to be deleted']);
  await message(bob, 'to be deleted').hover();
  await message(bob, 'to be deleted').getByRole('button', { name: 'Delete' }).click();
  await bob.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
  for (const page of [alice, bob]) {
    await page.waitForFunction(() => !(document.querySelector('[data-testid=messages]')?.textContent ?? '').includes('to be deleted'), undefined, {
      timeout: 30_000,
    });
    assert.ok((await page.getByTestId('tombstone').count()) >= 1);
  }
  assert.equal(await alice.getByTestId('tombstone').first().textContent(), 'message deleted');
  assert.equal(await alice.getByText('never sent').count(), 0);
});

test('mentions: @ completes a member name, the mentioned person sees the message highlighted', T, async () => {
  const box = bob.getByLabel(/^Message #general/);
  await box.fill('');
  await box.pressSequentially('hey @Al');
  const options = bob.getByRole('listbox', { name: 'Mention a member' });
  await options.getByRole('option', { name: '@Alice' }).waitFor();
  await shot(bob, 'chat-2-mention');
  await assertAccessible(bob, 'composer with the mention list open');
  await box.press('Tab');
  assert.equal(await box.inputValue(), 'hey @Alice ');
  await box.pressSequentially('look at the seeds');
  await box.press('Enter');
  const mention = message(alice, 'look at the seeds');
  await mention.waitFor({ timeout: 30_000 });
  assert.equal(await mention.getAttribute('data-mentions-me'), 'true');
  assert.equal(await mention.getByTestId('mention').textContent(), '@Alice');
  assert.equal(await message(bob, 'look at the seeds').getAttribute('data-mentions-me'), 'false', 'the author is not highlighted');
  assert.equal(await message(alice, 'now edited').getAttribute('data-mentions-me'), 'false');
  await shot(alice, 'chat-3-messages');
  await bob.setViewportSize({ width: 390, height: 844 });
  await shot(bob, 'chat-4-messages-mobile');
  await bob.setViewportSize({ width: 1280, height: 800 });
  await assertAccessible(alice, 'room with replies, reactions, edits and a mention');
});

test('typing: the other side sees "Bob is typing…" while he writes, gone when his message arrives', T, async () => {
  const box = bob.getByLabel(/^Message #general/);
  await box.fill('');
  // A person's pace: the composer signals at most every 3 s, so a few seconds of typing send two.
  await box.pressSequentially('thinking about roses', { delay: 250 });
  await alice.getByTestId('typing').filter({ hasText: 'Bob is typing…' }).waitFor({ timeout: 30_000 });
  assert.equal(await bob.getByTestId('typing').textContent(), '', 'no line for one’s own typing');
  await shot(alice, 'chat-3b-typing');
  await box.press('Enter');
  await waitForTexts(alice, ['thinking about roses']);
  await alice.getByTestId('typing').filter({ hasText: 'typing' }).waitFor({ state: 'detached', timeout: 10_000 });
});

test('status: each sees the other online; "Appear offline" turns Bob offline for Alice at once, and back', T, async () => {
  const member = (page: Page, name: string, status: string) => page.locator(`[data-testid="member"][data-status="${status}"]`, { hasText: name });
  await member(alice, 'Bob', 'online').waitFor({ timeout: 30_000 });
  await member(bob, 'Alice', 'online').waitFor({ timeout: 30_000 });
  await member(alice, 'Alice', 'online').waitFor();
  assert.equal(await alice.getByTestId('online-count').textContent(), '2 online');
  await shot(alice, 'chat-3c-status');
  await bob.getByRole('button', { name: 'Settings', exact: true }).click();
  const appearOffline = bob.getByRole('switch', { name: 'Appear offline' });
  await appearOffline.click();
  assert.equal(await appearOffline.getAttribute('aria-checked'), 'true');
  const t0 = Date.now();
  // Said once ('offline'), then nothing: well inside the 75 s a silent device takes to expire.
  await member(alice, 'Bob', 'offline').waitFor({ timeout: 15_000 });
  console.log(`# bob offline at alice ${Date.now() - t0} ms after "Appear offline"`);
  await assertAccessible(alice, 'room with an offline member');
  await appearOffline.click();
  await bob.keyboard.press('Escape');
  await member(alice, 'Bob', 'online').waitFor({ timeout: 15_000 });
  assert.equal(await bob.evaluate(() => localStorage.getItem('parley.invisible.v1')), null);
});

const channelButton = (page: Page, name: string) => page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: new RegExp(`^${name}`) });
const shownCount = (page: Page) => page.getByTestId('message').count();

test('a busy channel turns bold; scrolling up pages older history in; a "new messages" line marks what came while away', { timeout: 180_000 }, async () => {
  await channelButton(alice, 'seeds').click();
  await alice.getByLabel('Message #seeds').waitFor();
  for (let i = 1; i <= 110; i++) await send(alice, `seed ${i}`);
  await waitForTexts(alice, ['seed 110']);
  // Bob, in #general, sees #seeds marked unread; #general (open) is not.
  await bob.locator('[data-unread=true]', { hasText: 'seeds' }).waitFor({ timeout: 60_000 });
  assert.equal(await channelButton(bob, 'general').getAttribute('data-unread'), 'false');
  await shot(bob, 'chat-5-unread-channel');
  await channelButton(bob, 'seeds').click();
  await waitForTexts(bob, ['seed 110'], 60_000);
  assert.equal(await channelButton(bob, 'seeds').getAttribute('data-unread'), 'false', 'an open channel is read');
  // The newest page only, the view at the bottom.
  const pane = bob.getByTestId('messages');
  await bob.waitForFunction(() => {
    const el = document.querySelector('[data-testid=messages]');
    return el !== null && el.scrollHeight - el.scrollTop - el.clientHeight < 5;
  });
  assert.equal(await shownCount(bob), 50);
  assert.equal(await message(bob, 'seed 60').count(), 0);
  // Scrolling to the top pages 50 more in and keeps the place: what was at the top is still in view.
  await pane.evaluate((el) => {
    el.scrollTop = 0;
  });
  await message(bob, /^seed 11$/).waitFor({ timeout: 30_000 });
  assert.equal(await shownCount(bob), 100);
  assert.ok(await message(bob, 'seed 61').isVisible(), 'the message that was at the top is still in view');
  assert.ok((await pane.evaluate((el) => el.scrollTop)) > 0, 'not jumped to the top');
  // The rest by keyboard: the "Load older messages" button.
  await bob.getByRole('button', { name: 'Load older messages' }).focus();
  await bob.keyboard.press('Enter');
  await message(bob, /^seed 1$/).waitFor({ timeout: 30_000 });
  assert.equal(await shownCount(bob), 110);
  await bob.getByText('This is the start of #seeds.').waitFor();
  assert.equal(await bob.getByRole('button', { name: 'Load older messages' }).count(), 0);

  // Bob leaves for #general; two more arrive in #seeds: bold again, and on return a line above the first new one.
  await channelButton(bob, 'general').click();
  await bob.getByLabel('Message #general').waitFor();
  await send(alice, 'fresh seed A');
  await send(alice, 'fresh seed B');
  await bob.locator('[data-unread=true]', { hasText: 'seeds' }).waitFor({ timeout: 30_000 });
  await channelButton(bob, 'seeds').click();
  await waitForTexts(bob, ['fresh seed A', 'fresh seed B']);
  const items = await bob
    .locator('[data-testid=messages] ol > li')
    .evaluateAll((els) =>
      els.map((e) => (e.getAttribute('data-testid') === 'new-messages' ? 'NEW' : (e.querySelector('[data-testid=message-text]')?.textContent ?? ''))),
    );
  const line = items.indexOf('NEW');
  assert.ok(line > 0, `a new-messages line: ${JSON.stringify(items.slice(-5))}`);
  assert.deepEqual(items.slice(line - 1, line + 3), ['seed 110', 'NEW', 'fresh seed A', 'fresh seed B']);
  assert.equal(await alice.getByTestId('new-messages').count(), 0, 'no line for one’s own messages');
  await shot(bob, 'chat-6-new-messages-line');
  await assertAccessible(bob, 'room with the new-messages line');
});

test('a third person joining late sees the history arrive counted; then has all of it', { timeout: 120_000 }, async () => {
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  const invite = await alice.evaluate(() => navigator.clipboard.readText());
  const carol = await folks.open('C', app.origin);
  await carol.goto(invite);
  await onboard(carol, 'Carol', 'Teal');
  // Over a hundred messages to fetch (110 in #seeds): the join screen counts them as they arrive.
  // Read in one animation frame of the page: the bar goes as soon as the last message is in.
  const seen = await carol.waitForFunction(
    () => {
      const bar = document.querySelector('[role=progressbar][aria-label="History arriving"]');
      const box = document.querySelector('[data-testid=sync-progress]');
      return bar !== null && box !== null && { text: box.textContent ?? '', max: Number(bar.getAttribute('aria-valuemax')) };
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const { text, max } = (await seen.jsonValue()) as { text: string; max: number };
  process.stdout.write(`# carol's join: ${text}\n`);
  assert.match(text, /^Catching up: [\d,]+ of [\d,]+ messages/);
  assert.ok(max >= 110, `the total (${max}) counts the seeds`);
  await channelButton(carol, 'seeds').click();
  await waitForTexts(carol, ['seed 110'], 60_000);
  await carol.context().close();
});

test('channels: the owner creates, renames and deletes them; a member sees each and is offered none', T, async () => {
  await alice.getByRole('button', { name: 'Create channel' }).click();
  await alice.getByLabel('New channel name').fill('Garden Tools');
  await assertAccessible(alice, 'room with the new-channel form open');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await alice.getByRole('heading', { name: 'garden-tools' }).waitFor({ timeout: 30_000 });
  await channelButton(bob, 'garden-tools').waitFor({ timeout: 30_000 });
  assert.equal(await bob.getByRole('button', { name: 'Create channel' }).count(), 0, 'a plain member cannot create channels');
  assert.equal(await bob.getByRole('button', { name: /^Rename #/ }).count(), 0, 'nor rename them');
  await alice.getByRole('button', { name: 'Rename #garden-tools' }).click();
  const box = alice.getByLabel('Rename #garden-tools');
  await box.fill('tools');
  await box.press('Enter');
  await alice.getByRole('heading', { name: 'tools' }).waitFor({ timeout: 30_000 });
  await channelButton(bob, 'tools').waitFor({ timeout: 30_000 });
  assert.equal(await channelButton(bob, 'garden-tools').count(), 0);
  await send(alice, 'a tool for every job');
  await channelButton(bob, 'tools').click();
  await waitForTexts(bob, ['a tool for every job']);
  // Deleting: behind the rename pencil, after an inline confirmation; gone for everyone.
  await alice.getByRole('button', { name: 'Create channel' }).click();
  await alice.getByLabel('New channel name').fill('scratch');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await channelButton(bob, 'scratch').waitFor({ timeout: 30_000 });
  await alice.getByRole('button', { name: 'Rename #scratch' }).click();
  await alice.getByRole('button', { name: 'Delete #scratch…' }).click();
  await alice.getByRole('group', { name: 'Delete #scratch?' }).getByRole('button', { name: 'Delete channel' }).click();
  await channelButton(alice, 'scratch').waitFor({ state: 'detached', timeout: 30_000 });
  await channelButton(bob, 'scratch').waitFor({ state: 'detached', timeout: 30_000 });
  await channelButton(alice, 'tools').click();
});

test('settings: profile change reaches the other member; recovery phrase with its warning; hubs; relay-only; invite QR', { timeout: 120_000 }, async () => {
  await alice.getByRole('button', { name: 'Settings', exact: true }).click();
  await alice.getByRole('heading', { name: 'Settings' }).waitFor();
  await shot(alice, 'chat-7-settings');
  await assertAccessible(alice, 'settings');
  // Profile: a new name and colour, signed and republished.
  await alice.getByLabel('Display name').fill('Alicia');
  await alice.locator('label', { hasText: 'Teal' }).click();
  await alice.getByRole('button', { name: 'Save profile' }).click();
  await alice.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  // Hubs: the portal's hub, connected.
  await alice.getByTestId('hubs').getByText('Connected', { exact: true }).waitFor({ timeout: 30_000 });
  // Recovery phrase: the warning first, the words on request, and they are this account's.
  const note = alice.getByRole('note');
  assert.match((await note.textContent()) ?? '', /gone for good/);
  await alice.getByRole('button', { name: 'Show recovery phrase' }).click();
  const words = (await alice.getByTestId('recovery-words').getByRole('listitem').allTextContents()).map((w) => w.replace(/^\d+\./, ''));
  assert.equal(words.length, 24);
  const stored = await alice.evaluate(() => localStorage.getItem('parley.identity.v1') ?? '');
  assert.equal(words.join(' '), recoveryPhrase(loadIdentity(stored)));
  assert.equal(loadIdentity(stored).profile.body.displayName, 'Alicia', 'the new profile is what this browser keeps');
  // A wrong phrase is refused in words, nothing replaced.
  await alice.getByRole('button', { name: 'Use a recovery phrase on this browser…' }).click();
  await alice.getByLabel('Recovery phrase (24 words)').fill('apple banana cherry');
  await alice.getByRole('button', { name: 'Replace this browser’s account' }).click();
  await alice.getByRole('alert').filter({ hasText: 'not a valid recovery phrase' }).waitFor();
  await alice.getByRole('button', { name: 'Cancel' }).click();
  // Relay-only: the switch shows what the running client does.
  const relay = alice.getByRole('switch', { name: 'Hide my IP address (relay only)' });
  assert.equal(await relay.getAttribute('aria-checked'), 'false');
  await relay.click();
  assert.equal(await relay.getAttribute('aria-checked'), 'true');
  assert.equal(await alice.evaluate(() => localStorage.getItem('parley.relayOnly.v1')), '1');
  await relay.click();
  assert.equal(await relay.getAttribute('aria-checked'), 'false');
  await alice.setViewportSize({ width: 390, height: 844 });
  await shot(alice, 'chat-8-settings-mobile');
  await assertAccessible(alice, 'settings, mobile');
  await alice.setViewportSize({ width: 1280, height: 800 });
  await alice.keyboard.press('Escape');
  await alice.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
  // Bob sees the new name.
  await bob.getByTestId('members').getByText('Alicia').waitFor({ timeout: 30_000 });
  assert.equal(await bob.getByTestId('members').getByText('Alice', { exact: true }).count(), 0);
  // The invite as a QR code, drawn in the page.
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Show QR code' }).click();
  const qr = alice.getByRole('img', { name: 'QR code of the invite link to Garden' });
  const modules = Number(await qr.getAttribute('data-modules'));
  assert.ok(modules >= 21 && (modules - 17) % 4 === 0, `a QR symbol's size is 17 + 4 x version, got ${modules}`);
  assert.ok(((await qr.locator('path').getAttribute('d')) ?? '').length > 1000);
  await shot(alice, 'chat-9-invite-qr');
  await assertAccessible(alice, 'room with the invite QR code');
});

test('leaving: a member leaves and lands on the community step, the owner sees them gone and is told it cannot leave', T, async () => {
  await bob.getByRole('button', { name: 'Garden menu' }).click();
  await bob.getByRole('button', { name: 'Leave Garden' }).click();
  await bob.getByRole('button', { name: 'Leave community' }).click();
  await bob.getByRole('heading', { name: 'Find your community' }).waitFor({ timeout: 30_000 });
  // Alice and Carol (who joined late above) stay.
  await alice.getByRole('heading', { name: 'Members — 2' }).waitFor({ timeout: 30_000 });
  assert.equal(await alice.getByTestId('members').getByText('Bob', { exact: true }).count(), 0);
  await alice.getByRole('button', { name: 'Garden menu' }).click();
  await alice.getByText('You started this community, so you cannot leave it.').waitFor();
  await assertAccessible(alice, 'room menu');
  await alice.getByRole('button', { name: 'Garden menu' }).click();
});

test('a recovery phrase takes this browser over as a new device of the same account', T, async () => {
  const before = loadIdentity(await alice.evaluate(() => localStorage.getItem('parley.identity.v1') ?? ''));
  await alice.getByRole('button', { name: 'Settings', exact: true }).click();
  await alice.getByRole('button', { name: 'Use a recovery phrase on this browser…' }).click();
  await alice.getByLabel('Recovery phrase (24 words)').fill(recoveryPhrase(before).toUpperCase());
  await alice.getByRole('button', { name: 'Replace this browser’s account' }).click();
  await alice.getByRole('heading', { name: 'Find your community' }).waitFor({ timeout: 30_000 });
  const after = loadIdentity(await alice.evaluate(() => localStorage.getItem('parley.identity.v1') ?? ''));
  assert.equal(toHex(after.account.publicKey), toHex(before.account.publicKey), 'the same account');
  assert.notEqual(toHex(after.device.sign.publicKey), toHex(before.device.sign.publicKey), 'on a new device key');
  assert.equal(after.profile.body.displayName, 'Alicia');
});

test('no page errors, dialogs, CSP reports or third-party requests on any page', () => {
  assert.deepEqual(folks.errors, []);
});
