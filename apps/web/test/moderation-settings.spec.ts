/**
 * The moderation settings of issue 6 in the portal, end to end with real parts only (a hub process on
 * PGlite, the production build under `next start`, Debian's Chromium, real libp2p nodes): Alice (the
 * owner, a browser) makes a channel private to Moderators, then adds Bob (a browser, a plain member):
 * he sees it appear with a lock, and its permissions greyed; Carol (a Node client, outside the ACL)
 * never gets its key. Alice removes Bob's message with a reason, which both tombstones show with who
 * and under which capability. The invite list shows the link Bob and Carol joined with, revocable by
 * Alice and greyed for Bob. Alice pins and unpins a hub in the community settings (greyed for Bob),
 * and unpins a message from the channel's pinned-messages panel (its Unpin greyed for Bob). axe-core
 * finds no serious or critical violation on each of these views. Screenshots go to $PARLEY_WEB_SHOTS
 * (default /tmp/web-shots).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { CAP, removalReason, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { message, onboard, type People, people, send, waitForTexts } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 400_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let bob: Page;
let carol: ParleyClient;
let room: Uint8Array;
let general: Uint8Array;
let invite: string;

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const assertAccessible = async (page: Page, screen: string): Promise<void> => {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${screen}: axe found serious/critical violations: ${JSON.stringify(v, null, 2)}`);
};

const eventually = async <V>(what: string, fn: () => Promise<V | undefined | false> | V | undefined | false, timeoutMs = 90_000): Promise<V> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as V;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

const channelId = (name: string): Uint8Array | undefined => carol.channels(room).find((c) => c.name === name)?.id;

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

test('Alice starts a community; Bob (browser) and Carol (Node client) join with one invite link', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Grove');
  await alice.getByLabel('First channels (comma-separated)').fill('general');
  await alice.getByRole('button', { name: 'Start a community' }).and(alice.locator(':enabled')).waitFor();
  await alice.getByRole('button', { name: 'Start a community' }).click();
  await alice.getByRole('heading', { name: 'general' }).waitFor();
  await alice.locator('[data-testid=health][data-hub=true]').waitFor({ timeout: 60_000 });
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  invite = await alice.evaluate(() => navigator.clipboard.readText());

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
  room = (await carol.join(invite, { timeoutMs: 120_000 })).room;
  general = channelId('general') as Uint8Array;
  await eventually('Carol holds the channel key', () => carol.canSend(room, general), 120_000);
  await alice.getByTestId('member').filter({ hasText: 'Carol' }).waitFor({ timeout: 60_000 });
});

test('a private channel: Moderators only, then Bob too; he sees it with a lock and its permissions greyed; Carol gets no key', T, async () => {
  await alice.getByRole('button', { name: 'Create channel', exact: true }).click();
  await alice.getByLabel('New channel name').fill('staff');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await alice.getByRole('heading', { name: 'staff' }).waitFor();
  const staff = await eventually('Carol knows #staff', () => channelId('staff'));
  await bob.getByRole('button', { name: 'staff', exact: true }).waitFor({ timeout: 60_000 });

  // From the channel's pencil: Permissions…
  await alice.getByRole('button', { name: 'Rename #staff' }).click();
  await alice.getByRole('button', { name: 'Permissions…' }).click();
  const d = alice.getByRole('dialog', { name: 'Permissions of #staff' });
  await d.getByLabel('Private channel').check();
  await d.getByLabel('Moderator can see #staff').check();
  await d.getByLabel('Moderator can send in #staff').check();
  await d.getByRole('button', { name: 'Save' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved: #staff is private.' }).waitFor({ timeout: 30_000 });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  await alice.getByRole('button', { name: 'Cancel' }).click();
  // Bob is no moderator: the channel leaves his list.
  await bob.getByRole('button', { name: /staff/ }).waitFor({ state: 'detached', timeout: 60_000 });
  await eventually(
    'Carol applies the ACL',
    () =>
      carol
        .state(room)
        .channels()
        .find((c) => c.name === 'staff')?.acl !== undefined,
  );

  // Now Bob by name, from the header's lock.
  await alice.getByRole('button', { name: 'Permissions of #staff' }).click();
  await d.getByRole('checkbox', { name: 'Bob' }).check();
  await shot(alice, 'modset-1-channel-permissions');
  await assertAccessible(alice, 'channel permissions (owner)');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });

  const row = bob.getByRole('button', { name: /staff/ });
  await row.getByTestId('private-channel').waitFor({ timeout: 60_000 });
  await row.click();
  await bob.getByRole('heading', { name: /staff/ }).waitFor();
  await send(alice, 'for the staff only');
  // The key of the epoch the ACL change started reaches Bob by gossip or his next catch-up with the hub (every 5 s,
  // whatever his other peers do): 7-773 ms after Alice's bundle in 32 runs at load 7-11, the whole test at most 15 s.
  await waitForTexts(bob, ['for the staff only'], 60_000);
  await bob.getByRole('button', { name: 'Permissions of #staff' }).click();
  const bd = bob.getByRole('dialog', { name: 'Permissions of #staff' });
  await bd.getByTestId('access-readonly').waitFor();
  assert.equal(await bd.getByLabel('Private channel').isDisabled(), true, 'greyed for a member without MANAGE_CHANNELS');
  assert.equal(await bd.getByRole('checkbox', { name: 'Bob (you)' }).isChecked(), true, 'he sees he is listed');
  assert.equal(await bd.getByRole('button', { name: 'Save' }).isDisabled(), true);
  await shot(bob, 'modset-2-channel-permissions-readonly');
  await assertAccessible(bob, 'channel permissions (member)');
  await bob.keyboard.press('Escape');
  await bd.waitFor({ state: 'detached' });

  const st = carol.state(room);
  const me = carol.identity.account.publicKey;
  assert.equal(st.can(me, CAP.READ, staff, st.length - 1), false, 'Carol may not read #staff');
  await carol.syncNow();
  assert.equal(carol.canSend(room, staff), false, 'Carol holds no key of #staff');
  const texts = (await carol.history(room, staff, { limit: 100 })).map((m) => m.text);
  assert.ok(!texts.includes('for the staff only'), 'Carol cannot read what was said in #staff');
});

/** Both people in #general (a failed test before must not leave them elsewhere). */
const toGeneral = async () => {
  for (const page of [alice, bob]) {
    await page.getByRole('button', { name: 'general', exact: true }).click();
    await page.getByRole('heading', { name: 'general' }).waitFor();
  }
};

test("a moderator's delete with a reason: both tombstones say who, under which capability, and why", T, async () => {
  await toGeneral();
  await send(bob, 'buy cheap watches');
  await waitForTexts(alice, ['buy cheap watches'], 60_000);
  const m = message(alice, 'buy cheap watches');
  await m.hover();
  await m.getByRole('button', { name: 'Delete' }).click();
  await alice.getByLabel('Reason (optional, shown to everyone)').fill('spam');
  await shot(alice, 'modset-3-delete-with-reason');
  await alice.getByRole('group', { name: 'Delete Bob’s message for everyone?' }).getByRole('button', { name: 'Delete' }).click();
  for (const page of [alice, bob])
    await page.getByTestId('tombstone').filter({ hasText: 'message removed by Alice under DELETE_MESSAGES: spam' }).waitFor({ timeout: 60_000 });
  await shot(bob, 'modset-4-tombstone');
  await assertAccessible(bob, 'a tombstone with a reason');
  const t = await eventually(
    'Carol sees the tombstone',
    async () => (await carol.history(room, general, { limit: 100 })).find((x) => x.deleted?.reason === 'delete')?.deleted,
  );
  assert.equal(removalReason(carol.state(room), t), 'spam');
});

test('invites: the link Bob and Carol used, with its uses; greyed for Bob; Alice revokes it', T, async () => {
  await bob.getByRole('button', { name: 'Grove menu' }).click();
  await bob.getByRole('button', { name: 'Invites' }).click();
  const bd = bob.getByRole('dialog', { name: 'Invites to Grove' });
  const bobsRow = bd.getByTestId('invite').filter({ hasText: 'Link by Alice' });
  await bobsRow.filter({ hasText: '2 uses' }).waitFor({ timeout: 30_000 });
  assert.equal(await bobsRow.getByRole('button', { name: 'Revoke the link by Alice' }).isDisabled(), true, 'Bob may not revoke the owner’s link');
  await assertAccessible(bob, 'the invite list (member)');
  await bob.keyboard.press('Escape');
  await bd.waitFor({ state: 'detached' });

  await alice.getByRole('button', { name: 'Grove menu' }).click();
  await alice.getByRole('button', { name: 'Invites' }).click();
  const d = alice.getByRole('dialog', { name: 'Invites to Grove' });
  const row = d.getByTestId('invite').filter({ hasText: '2 uses' });
  await row.waitFor({ timeout: 30_000 });
  assert.match((await row.textContent()) ?? '', /Link by Alice[\s\S]*Never expires[\s\S]*Active/);
  await shot(alice, 'modset-5-invites');
  await assertAccessible(alice, 'the invite list (owner)');
  await row.getByRole('button', { name: 'Revoke the link by Alice' }).click();
  await row.getByRole('group', { name: 'Revoke the link by Alice?' }).getByRole('button', { name: 'Revoke' }).click();
  await d.locator('[data-testid=invite][data-status=Revoked]').filter({ hasText: '2 uses' }).waitFor({ timeout: 30_000 });
  await eventually('Carol holds the revocation', () => carol.auditLog(room).some((e) => e.kind === 'revoke_invite' && e.status === 'valid'));
  assert.ok(carol.invites(room, [invite]).some((i) => i.url === invite && i.revoked && i.uses === 2));
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
});

test('pinned hubs: Alice pins and unpins a second hub by peer id; greyed for Bob', T, async () => {
  const other = carol.node.libp2p.peerId.toString();
  await alice.getByRole('button', { name: 'Grove menu' }).click();
  await alice.getByRole('button', { name: 'Community settings' }).click();
  const d = alice.getByRole('dialog', { name: 'Grove settings' });
  await d.getByTestId('pinned-hub').filter({ hasText: hub.peerId }).waitFor();
  await d.getByLabel('Hub peer id').fill(other);
  await d.getByRole('button', { name: 'Pin hub', exact: true }).click();
  await d.getByTestId('pinned-hub').filter({ hasText: other }).waitFor({ timeout: 30_000 });
  await eventually('Carol applies the pin', () => carol.state(room).policy().hubs.includes(other));
  await shot(alice, 'modset-6-pinned-hubs');
  await assertAccessible(alice, 'community settings with pinned hubs');
  await d.getByRole('button', { name: `Unpin hub ${other}` }).click();
  await d.getByTestId('pinned-hub').filter({ hasText: other }).waitFor({ state: 'detached', timeout: 30_000 });
  await eventually('Carol applies the unpin', () => {
    const hubs = carol.state(room).policy().hubs;
    return !hubs.includes(other) && hubs.includes(hub.peerId);
  });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });

  await bob.getByRole('button', { name: 'Grove menu' }).click();
  await bob.getByRole('button', { name: 'Community settings' }).click();
  const bd = bob.getByRole('dialog', { name: 'Grove settings' });
  await bd.getByTestId('settings-readonly').waitFor();
  assert.equal(await bd.getByRole('button', { name: `Unpin hub ${hub.peerId}` }).isDisabled(), true, 'Bob lacks MANAGE_ROOM');
  assert.equal(await bd.getByLabel('Anyone with a link or the directory card').isDisabled(), true);
  assert.equal(await bd.getByRole('button', { name: 'Save' }).isDisabled(), true);
  await shot(bob, 'modset-7-settings-readonly');
  await assertAccessible(bob, 'community settings (member)');
  await bob.keyboard.press('Escape');
  await bd.waitFor({ state: 'detached' });
});

test("the channel's pinned messages: listed in the header's panel; Alice unpins there; greyed for Bob", T, async () => {
  await toGeneral();
  await send(alice, 'house rules: be kind');
  await waitForTexts(bob, ['house rules: be kind'], 60_000);
  const m = message(alice, 'house rules: be kind');
  await m.hover();
  await m.getByRole('button', { name: 'Pin' }).click();
  await message(bob, 'house rules: be kind').getByTestId('pinned').waitFor({ timeout: 60_000 });

  await bob.getByRole('button', { name: 'Pinned messages' }).click();
  const bp = bob.getByRole('region', { name: 'Pinned messages in #general' });
  const bobsPin = bp.getByTestId('pinned-message').filter({ hasText: 'house rules: be kind' });
  await bobsPin.waitFor({ timeout: 30_000 });
  assert.equal(await bobsPin.getByRole('button', { name: /^Unpin/ }).isDisabled(), true, 'Bob lacks PIN');
  await shot(bob, 'modset-8-pins-member');
  await assertAccessible(bob, 'the pinned messages panel (member)');

  await alice.getByRole('button', { name: 'Pinned messages' }).click();
  const p = alice.getByRole('region', { name: 'Pinned messages in #general' });
  const pin = p.getByTestId('pinned-message').filter({ hasText: 'house rules: be kind' });
  await pin.waitFor({ timeout: 30_000 });
  await shot(alice, 'modset-9-pins');
  await assertAccessible(alice, 'the pinned messages panel (owner)');
  await pin.getByRole('button', { name: /^Unpin/ }).click();
  await p.getByText('No pinned messages in #general yet.').waitFor({ timeout: 30_000 });
  await message(bob, 'house rules: be kind').getByTestId('pinned').waitFor({ state: 'detached', timeout: 60_000 });
  await bp.getByText('No pinned messages in #general yet.').waitFor({ timeout: 60_000 });
  // Carol (a Node member) gets the UNPIN by gossip or her next catch-up, not necessarily before Bob's page shows it.
  await eventually('Carol applies the unpin', () => carol.state(room).pins(general).length === 0, 30_000);
  assert.deepEqual(folks.errors, []);
  console.log(`# room ${toHex(room).slice(0, 8)}: ${carol.auditLog(room).length} authority entries`);
});
