/**
 * Moderation in the portal, end to end with real parts only (a hub process on PGlite, the production
 * build under `next start`, Debian's Chromium, real libp2p nodes): Alice (the owner, a browser) bans
 * Bob (a browser) from the member list's actions behind a confirmation dialog; Bob's page says he was
 * banned and its composer is disabled; Alice and Carol (a Node client on a real node, joined from the
 * portal's invite link) keep chatting on the new epoch; and Mallory, a relay that is no member
 * (a Node libp2p node that finds the room's peers on the DHT, dials them and publishes on the
 * channel's gossip topic, which Bob's client is still subscribed to), hands Bob's browser the
 * ciphertext of every message sent after the ban. Bob's client stores them as valid envelopes (they
 * are Alice's and Carol's) and shows each as a locked message: it holds no key of the new epoch, and
 * the plaintext appears nowhere in his page. axe-core finds no serious or critical violation on the
 * ban dialog and on the banned view. Screenshots go to $PARLEY_WEB_SHOTS (default /tmp/web-shots).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { channelTopic } from '@parley/net';
import { parseInviteUrl, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { listingInviteUrl } from '../src/lib/directory/listing-invite.ts';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { messageTexts, onboard, type People, people, send, waitForTexts } from './harness/people.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
// Minutes, not seconds: two pages and three Node peers share 2 loaded cores.
const T = { timeout: 300_000 };
const AFTER = ['after the ban: Alice', 'after the ban: Carol'];

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let bob: Page;
let carol: ParleyClient;
let mallory: ParleyClient | undefined;
let room: Uint8Array;
let general: Uint8Array;
/** Bob's node's relayed addresses, from an invite link he shared before the ban. */
let bobAddrs: string[] = [];

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

/** A Node client on a real libp2p node bootstrapped to the hub (loopback dials allowed). */
const nodeClient = (name: string): Promise<ParleyClient> =>
  ParleyClient.create({
    identity: createIdentity({ displayName: name }),
    store: new MemoryStore(),
    syncIntervalMs: 2_000,
    keyDelayMs: 300,
    directory: false,
    node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, iceServers: [], bootstrap: [hub.bootstrap] },
  });

const carolTexts = async (): Promise<(string | undefined)[]> => (await carol.history(room, general, { limit: 200 })).map((m) => m.text);

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
  await mallory?.close();
  await carol?.close();
  await folks?.close();
  await browser?.close();
  await app?.stop();
  await hub?.stop();
});

test('Alice starts a community; Bob (browser) and Carol (Node client) join from her invite link', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Orchard');
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

  // Bob shares an invite of his own: it carries his node's relayed addresses, which is how the
  // malicious relay below learns where to reach him (invites are handed around; that is their job).
  await bob.getByRole('button', { name: 'Copy invite link' }).click();
  await bob.getByRole('button', { name: 'Invite link copied' }).waitFor();
  const bobsInvite = parseInviteUrl(await bob.evaluate(() => navigator.clipboard.readText()), nodeCrypto);
  bobAddrs = bobsInvite.addrs.filter((a) => a.includes('/p2p-circuit/p2p/'));
  assert.ok(bobAddrs.length > 0, `Bob's invite names his relayed address (${bobsInvite.addrs.join(' ')})`);

  carol = await nodeClient('Carol');
  room = (await carol.join(invite, { timeoutMs: 120_000 })).room;
  general = carol.channels(room).find((c) => c.name === 'general')?.id as Uint8Array;
  await eventually('Carol holds the channel key', () => carol.canSend(room, general), 120_000);

  await send(alice, 'before the ban: Alice');
  await waitForTexts(bob, ['before the ban: Alice'], 90_000);
  await eventually("Carol reads Alice's first message", async () => (await carolTexts()).includes('before the ban: Alice'));
  // Role badges: the owner's, seen by everyone.
  await alice.getByTestId('member').filter({ hasText: 'Carol' }).waitFor({ timeout: 60_000 });
  await alice.getByTestId('member').filter({ hasText: 'Alice' }).getByTestId('role-badge').filter({ hasText: 'Owner' }).waitFor();
  await bob.getByTestId('member').filter({ hasText: 'Alice' }).getByTestId('role-badge').filter({ hasText: 'Owner' }).waitFor();
  // A plain member is offered no actions on anyone; the owner is offered none on herself.
  assert.equal(await bob.getByRole('button', { name: /^Actions for / }).count(), 0, 'Bob may not kick or ban');
  assert.equal(await alice.getByRole('button', { name: /^Actions for Alice/ }).count(), 0, 'no actions on oneself');
});

test('the owner mutes Bob (he reads, cannot send) and unmutes him; deletes his message as a moderator; pins one of hers', T, async () => {
  const bobRow = alice.getByTestId('member').filter({ hasText: 'Bob' });
  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByRole('button', { name: 'Mute Bob' }).click();
  await bobRow.getByTestId('muted-badge').waitFor({ timeout: 30_000 });
  await bob.getByTestId('muted').filter({ hasText: 'A moderator muted you in Orchard' }).waitFor({ timeout: 60_000 });
  assert.equal(await bob.getByLabel(/^Message #general/).isDisabled(), true, 'a muted member cannot type');
  await send(alice, 'said while Bob is muted');
  await waitForTexts(bob, ['said while Bob is muted'], 60_000);
  await shot(bob, 'moderation-0-muted');
  await assertAccessible(bob, 'muted member');
  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByRole('button', { name: 'Unmute Bob' }).click();
  await bob
    .getByLabel(/^Message #general/)
    .and(bob.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  assert.equal(await bob.getByTestId('muted').count(), 0);
  await bobRow.getByTestId('muted-badge').waitFor({ state: 'detached', timeout: 30_000 });

  // A moderator's delete: Bob's message becomes a tombstone naming who removed it, on both sides.
  await send(bob, 'an off-topic message from Bob');
  await waitForTexts(alice, ['an off-topic message from Bob'], 60_000);
  // Bob, a plain member, is offered no delete or pin on Alice's message.
  const alicesOnBob = bob.getByTestId('message').filter({ hasText: 'said while Bob is muted' });
  await alicesOnBob.hover();
  assert.equal(await alicesOnBob.getByRole('button', { name: 'Delete' }).count(), 0);
  assert.equal(await alicesOnBob.getByRole('button', { name: 'Pin' }).count(), 0);
  const bobsMessage = alice.getByTestId('message').filter({ hasText: 'an off-topic message from Bob' });
  await bobsMessage.hover();
  await bobsMessage.getByRole('button', { name: 'Delete' }).click();
  await alice.getByRole('group', { name: 'Delete Bob’s message for everyone?' }).getByRole('button', { name: 'Delete' }).click();
  for (const page of [alice, bob])
    await page.getByTestId('tombstone').filter({ hasText: 'message removed by Alice under DELETE_MESSAGES' }).waitFor({ timeout: 60_000 });

  // Pins: Alice pins her own message; both see it marked.
  const alicesMessage = alice.getByTestId('message').filter({ hasText: 'said while Bob is muted' });
  await alicesMessage.hover();
  await alicesMessage.getByRole('button', { name: 'Pin' }).click();
  await alicesMessage.getByTestId('pinned').waitFor({ timeout: 30_000 });
  await bob.getByTestId('message').filter({ hasText: 'said while Bob is muted' }).getByTestId('pinned').waitFor({ timeout: 60_000 });
  await shot(alice, 'moderation-0b-deleted-and-pinned');
  await assertAccessible(alice, 'a moderated channel');
});

test('invite links: expiry and uses are chosen before copying; a revoked link lets nobody in', T, async () => {
  await alice.getByText('Link settings').click();
  await alice.getByLabel('Expire after').selectOption({ label: '1 day' });
  await alice.getByLabel('Max uses').selectOption({ label: '5 uses' });
  await alice.getByRole('button', { name: 'Copy invite link' }).click();
  await alice.getByRole('button', { name: 'Invite link copied' }).waitFor();
  const link = await alice.evaluate(() => navigator.clipboard.readText());
  const token = parseInviteUrl(link, nodeCrypto).token?.body;
  assert.equal(token?.maxUses, 5);
  const day = (token?.expiresAt ?? 0) - Date.now();
  assert.ok(day > 23 * 3_600_000 && day <= 24 * 3_600_000, `expires in ${day} ms`);
  await alice.getByRole('button', { name: 'Revoke link' }).click();
  await alice.getByRole('group', { name: 'Revoke this invite link?' }).getByRole('button', { name: 'Revoke' }).click();
  await alice.getByRole('status').filter({ hasText: 'Link revoked' }).waitFor({ timeout: 30_000 });
  await eventually('Carol holds the revocation', () => carol.auditLog(room).some((e) => e.kind === 'revoke_invite'));
  // Dave, a stranger with the link: refused where he joins, and never a member for those already in.
  const dave = await nodeClient('Dave');
  try {
    const outcome = await dave.join(link, { timeoutMs: 60_000 }).then(
      () => 'joined',
      (e: unknown) => String(e),
    );
    console.log(`# Dave with the revoked link: ${outcome}`);
    const daveHex = toHex(dave.identity.account.publicKey);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(
      carol.members(room).some((m) => toHex(m.account) === daveHex),
      false,
      'a JOIN carrying a revoked invite is not accepted',
    );
    assert.match(outcome, /revoked/);
  } finally {
    await dave.close();
  }
});

test('community settings: the owner makes the room open, hub-confirmed and history-hidden in one signed entry; a member sees them greyed', T, async () => {
  await bob.getByRole('button', { name: 'Orchard menu' }).click();
  await bob.getByRole('button', { name: 'Community settings' }).click();
  const bobs = bob.getByRole('dialog', { name: 'Orchard settings' });
  await bobs.getByTestId('settings-readonly').waitFor();
  assert.equal(await bobs.getByLabel('Anyone with a link or the directory card').isDisabled(), true, 'Bob lacks MANAGE_ROOM');
  assert.equal(await bobs.getByRole('button', { name: 'Save' }).isDisabled(), true);
  await bob.keyboard.press('Escape');
  await bobs.waitFor({ state: 'detached' });
  const before = carol.state(room).policy();
  const entries = carol.auditLog(room).length;
  const open = async () => {
    await alice.getByRole('button', { name: 'Orchard menu' }).click();
    await alice.getByRole('button', { name: 'Community settings' }).click();
    return alice.getByRole('dialog', { name: 'Orchard settings' });
  };
  let d = await open();
  await shot(alice, 'moderation-0c-community-settings');
  await assertAccessible(alice, 'community settings');
  await d.getByLabel('Anyone with a link or the directory card').check();
  await d.getByLabel(/^Confirmed by a hub/).check();
  await d.getByLabel('New members can read messages sent before they joined').uncheck();
  await d.getByRole('button', { name: 'Save' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  await eventually('Carol applies the new policy', () => {
    const p = carol.state(room).policy();
    return p.join === 'open' && p.durability === 'guaranteed' && !p.historyVisible;
  });
  assert.equal(carol.auditLog(room).length, entries + 1, 'one SET_POLICY entry for the three changes');
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  // Back as it was, for the tests that follow.
  d = await open();
  await d.getByLabel(before.join === 'open' ? 'Anyone with a link or the directory card' : 'With an invite link only').check();
  await d
    .getByLabel(before.durability === 'strict' ? /^Members only/ : before.durability === 'replicated' ? /^Members and hubs/ : /^Confirmed by a hub/)
    .check();
  await d.getByLabel('New members can read messages sent before they joined').setChecked(before.historyVisible);
  await d.getByRole('button', { name: 'Save' }).click();
  await eventually('Carol applies the old policy again', () => {
    const p = carol.state(room).policy();
    return p.join === before.join && p.durability === before.durability && p.historyVisible === before.historyVisible;
  });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
});

test('approval: with "a moderator approves", a joiner from a directory card waits until the owner approves her', T, async () => {
  const setJoin = async (label: string) => {
    await alice.getByRole('button', { name: 'Orchard menu' }).click();
    await alice.getByRole('button', { name: 'Community settings' }).click();
    const d = alice.getByRole('dialog', { name: 'Orchard settings' });
    await d.getByLabel(label).check();
    await d.getByRole('button', { name: 'Save' }).click();
    await d
      .getByRole('status')
      .filter({ hasText: /Saved|Nothing changed/ })
      .waitFor({ timeout: 30_000 });
    await alice.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  };
  await setJoin('Invite links, or a moderator approves');
  await eventually('Carol applies approval mode', () => carol.state(room).policy().join === 'approval');
  const erin = await nodeClient('Erin');
  try {
    const erinHex = toHex(erin.identity.account.publicKey);
    // A directory card's link: no token, so the JOIN waits for a moderator.
    await erin.join(listingInviteUrl(toHex(room), 'Orchard', app.origin), { timeoutMs: 60_000 });
    await eventually('Carol sees Erin waiting', () => carol.members(room).some((m) => toHex(m.account) === erinHex && m.pending));
    assert.equal(erin.canSend(room, general), false, 'a waiting newcomer cannot send');
    const waiting = alice.getByTestId('waiting-member');
    await waiting.waitFor({ timeout: 60_000 });
    assert.equal(await bob.getByRole('button', { name: /^Approve/ }).count(), 0, 'a plain member approves nobody');
    await shot(alice, 'moderation-0e-waiting');
    await assertAccessible(alice, 'a newcomer waiting for approval');
    await waiting.getByRole('button', { name: /^Approve/ }).click();
    await waiting.waitFor({ state: 'detached', timeout: 30_000 });
    await eventually('Erin is a member on her own device', () => erin.members(room).some((m) => toHex(m.account) === erinHex && !m.pending));
    await eventually('Erin gets the channel key', () => erin.canSend(room, general), 90_000);
    await erin.leave(room);
  } finally {
    await erin.close();
  }
  await setJoin('With an invite link only');
});

test('roles: the owner makes a Helper role that may pin and gives it to Bob, who can then pin; taken back, he cannot', T, async () => {
  await alice.getByRole('button', { name: 'Orchard menu' }).click();
  await alice.getByRole('button', { name: 'Roles' }).click();
  const d = alice.getByRole('dialog', { name: 'Roles of Orchard' });
  await d.getByRole('button', { name: 'Create role' }).click();
  const form = d.getByRole('form', { name: 'New role' });
  await form.getByLabel('Role name').fill('Helper');
  await form.getByLabel('Rank (below 1000000)').fill('50');
  await form.getByLabel('Teal').check();
  await form.getByLabel('Pin messages').check();
  await shot(alice, 'moderation-0d-role-editor');
  await assertAccessible(alice, 'the role editor');
  await form.getByRole('button', { name: 'Save role' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved the role “Helper”' }).waitFor({ timeout: 30_000 });
  await d.getByTestId('role').filter({ hasText: 'Helper' }).filter({ hasText: 'Pin messages' }).waitFor();
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });

  const bobRow = alice.getByTestId('member').filter({ hasText: 'Bob' });
  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByLabel('Helper').check();
  await bobRow.getByTestId('role-badge').filter({ hasText: 'Helper' }).waitFor({ timeout: 30_000 });
  await alice.keyboard.press('Escape');
  const target = bob.getByTestId('message').filter({ hasText: 'before the ban: Alice' });
  await eventually('Bob is offered Pin', async () => {
    await target.hover();
    return (await target.getByRole('button', { name: 'Pin' }).count()) === 1;
  });
  await target.getByRole('button', { name: 'Pin' }).click();
  await alice.getByTestId('message').filter({ hasText: 'before the ban: Alice' }).getByTestId('pinned').waitFor({ timeout: 60_000 });

  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByLabel('Helper').uncheck();
  await bobRow.getByTestId('role-badge').filter({ hasText: 'Helper' }).waitFor({ state: 'detached', timeout: 30_000 });
  await alice.keyboard.press('Escape');
  await eventually('Bob is no longer offered Pin', async () => {
    await target.hover();
    return (await target.getByRole('button', { name: /^(Pin|Unpin)$/ }).count()) === 0;
  });
});

test('the owner bans Bob from the member list, behind an accessible confirmation', T, async () => {
  const bobRow = alice.getByTestId('member').filter({ hasText: 'Bob' });
  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByRole('button', { name: 'Kick Bob' }).waitFor();
  await bobRow.getByRole('button', { name: 'Ban Bob' }).click();
  const dialog = alice.getByRole('dialog', { name: 'Ban Bob?' });
  await dialog.waitFor();
  await shot(alice, 'moderation-1-ban-dialog');
  await assertAccessible(alice, 'the ban dialog');
  // Modal: focus starts inside, Tab stays inside (the page behind is inert), Escape cancels and focus returns.
  assert.equal(await alice.evaluate(() => document.activeElement?.closest('dialog') !== null), true, 'focus starts in the dialog');
  for (let i = 0; i < 5; i++) {
    await alice.keyboard.press('Tab');
    assert.equal(await alice.evaluate(() => document.activeElement?.closest('dialog') !== null), true, `Tab ${i + 1} stays in the dialog`);
  }
  await alice.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await alice.evaluate(() => document.activeElement?.textContent?.includes('Actions for Bob')), true, 'focus returns to the actions button');
  assert.equal(await alice.getByTestId('member').filter({ hasText: 'Bob' }).count(), 1, 'Escape banned nobody');

  await bobRow.getByRole('button', { name: 'Actions for Bob' }).click();
  await bobRow.getByRole('button', { name: 'Ban Bob' }).click();
  await dialog.getByLabel('Reason (optional, in the audit log)').fill('spam');
  await dialog.getByRole('button', { name: 'Ban' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 60_000 });
  await alice.getByTestId('member').filter({ hasText: 'Bob' }).waitFor({ state: 'detached', timeout: 30_000 });

  // The audit log shows the ban: who, whom, under which capability, and the checks re-run in this browser.
  await alice.getByRole('button', { name: 'Orchard menu' }).click();
  await alice.getByRole('button', { name: 'Audit log' }).click();
  const log = alice.getByRole('dialog', { name: 'Audit log of Orchard' });
  const banRow = log.locator('[data-testid=audit-entry][data-kind=ban]');
  await banRow.waitFor();
  assert.match((await banRow.textContent()) ?? '', /Alice banned Bob[\s\S]*under BAN[\s\S]*signature valid, chain intact/);
  await log.getByLabel('Action').selectOption({ label: 'banned' });
  assert.equal(await log.getByTestId('audit-entry').count(), 1, 'the action filter leaves the ban alone');
  await shot(alice, 'moderation-2-audit-log');
  await assertAccessible(alice, 'the audit log');
  await alice.keyboard.press('Escape');
  await log.waitFor({ state: 'detached' });
});

test("Bob's page says he was banned, and he cannot send", T, async () => {
  const notice = bob.getByTestId('banned');
  await notice.filter({ hasText: 'You were banned from Orchard' }).waitFor({ timeout: 90_000 });
  const box = bob.getByLabel(/^Message #general/);
  assert.equal(await box.isDisabled(), true, "Bob's composer is disabled");
  assert.equal(await box.getAttribute('placeholder'), 'You cannot send messages here');
  assert.equal(await bob.getByRole('button', { name: 'Copy invite link' }).count(), 0, 'a banned person is offered no invite link');
  // What he could read before the ban stays readable.
  assert.ok((await messageTexts(bob)).includes('before the ban: Alice'));
  await shot(bob, 'moderation-3-banned-view');
  await assertAccessible(bob, 'the banned view');
  await eventually('Carol knows Bob is banned', () => carol.state(room).banned().length === 1);
  const ban = carol.auditLog(room).find((e) => e.kind === 'ban');
  assert.deepEqual(
    [ban?.status, ban?.capability, ban?.signatureValid, ban?.chainIntact, toHex(ban?.target ?? new Uint8Array())],
    ['valid', 'BAN', true, true, toHex(carol.state(room).banned()[0] as Uint8Array)],
    "the ban in Carol's audit log: valid, under BAN, signature and chain checked",
  );
});

test('Alice and Carol keep chatting; a malicious relay hands Bob their ciphertext and his browser cannot read it', T, async () => {
  await alice
    .getByLabel(/^Message #general/)
    .and(alice.locator(':enabled'))
    .waitFor({ timeout: 90_000 });
  await eventually('Carol holds the epoch the ban started', () => {
    const st = carol.state(room);
    return st.epochAt(general, st.length - 1) >= 1 && carol.canSend(room, general);
  });
  await send(alice, AFTER[0] as string);
  await carol.send(room, general, AFTER[1] as string);
  await waitForTexts(alice, AFTER, 90_000);
  await eventually('Carol reads both', async () => {
    const got = await carolTexts();
    return AFTER.every((t) => got.includes(t));
  });
  const late = (await carol.history(room, general, { limit: 200 })).filter((m) => m.text !== undefined && AFTER.includes(m.text));
  assert.equal(late.length, 2);
  const frames = await Promise.all(late.map(async (m) => (await carol.store.get(m.id, room))?.bytes as Uint8Array));
  assert.ok(frames.every((f) => f !== undefined));

  // Mallory: no member, no keys. It dials Bob at the relayed address from his invite and publishes
  // the ciphertext to him on the channel's gossip topic. It does not subscribe: a subscriber may be
  // handed the same frames by gossip first (IHAVE/IWANT), and gossipsub then drops its own publish
  // of them as a duplicate, sent to no one.
  mallory = await nodeClient('Mallory');
  const m = mallory;
  const topic = channelTopic(room, general);
  const bobPeer = (bobAddrs[0] as string).split('/p2p/').at(-1) as string;
  const seen: string[] = [];
  await eventually(
    "Mallory sees Bob's browser subscribed to #general",
    async () => {
      for (const a of bobAddrs) await m.node.dial(a).catch((e: Error) => seen.push(`dial ${a}: ${e.message}`));
      const subs = m.node.gossip.peers(topic);
      seen.push(
        `conns ${m.node.libp2p
          .getConnections()
          .map((c) => c.remoteAddr.toString())
          .join(' | ')}; subs ${subs.join(',')}`,
      );
      return subs.includes(bobPeer);
    },
    120_000,
  ).catch((e: Error) => assert.fail(`${e.message}\n${seen.slice(-4).join('\n')}`));
  for (const f of frames) {
    const r = await m.node.libp2p.services.pubsub.publish(topic, f);
    const to = r.recipients.map((p) => p.toString());
    assert.ok(to.includes(bobPeer), `the relay sent the frame to Bob (to ${to.join(', ')})`);
  }

  // Bob's client holds each late envelope (valid: Alice's and Carol's) and shows it locked.
  for (const msg of late) {
    const row = bob.locator(`[data-testid=message][data-id="${toHex(msg.id)}"]`);
    await row.getByTestId('sealed').waitFor({ timeout: 90_000 });
  }
  assert.equal(await bob.getByTestId('sealed').count(), late.length, 'exactly the messages after the ban are locked');
  await shot(bob, 'moderation-5-locked-messages');
  const html = await bob.content();
  for (const t of AFTER) assert.ok(!html.includes(t), `"${t}" appears nowhere in Bob's page`);
  assert.ok(html.includes('before the ban: Alice'), 'control: the earlier message is in his page');
  assert.equal(await bob.getByLabel(/^Message #general/).isDisabled(), true);
  assert.deepEqual(folks.errors, []);
});

test('the owner sees Bob among the banned and unbans him; the audit log records it', T, async () => {
  const banned = alice.getByTestId('banned-members');
  await banned.getByRole('button', { name: 'Unban Bob' }).waitFor();
  await shot(alice, 'moderation-4-banned-list');
  await assertAccessible(alice, 'the member list with the banned');
  await banned.getByRole('button', { name: 'Unban Bob' }).click();
  await banned.waitFor({ state: 'detached', timeout: 60_000 });
  await eventually('Carol sees the unban', () => carol.state(room).banned().length === 0);
  await alice.getByRole('button', { name: 'Orchard menu' }).click();
  await alice.getByRole('button', { name: 'Audit log' }).click();
  const log = alice.getByRole('dialog', { name: 'Audit log of Orchard' });
  assert.match((await log.locator('[data-testid=audit-entry][data-kind=unban]').textContent()) ?? '', /Alice unbanned Bob[\s\S]*signature valid, chain intact/);
  await alice.keyboard.press('Escape');
  // An unban does not re-admit: Bob would need a new invite, and holds no key of the new epoch.
  assert.equal(await bob.getByLabel(/^Message #general/).isDisabled(), true);
});

test('the owner kicks Carol from the member list: she is removed, not banned', T, async () => {
  const carolRow = alice.getByTestId('member').filter({ hasText: 'Carol' });
  await carolRow.getByRole('button', { name: 'Actions for Carol' }).click();
  await carolRow.getByRole('button', { name: 'Kick Carol' }).click();
  const dialog = alice.getByRole('dialog', { name: 'Kick Carol?' });
  await dialog.getByRole('button', { name: 'Kick' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 60_000 });
  await carolRow.waitFor({ state: 'detached', timeout: 30_000 });
  const me = toHex(carol.identity.account.publicKey);
  await eventually('Carol learns she was kicked', () => !carol.members(room).some((m) => toHex(m.account) === me));
  assert.equal(carol.state(room).banned().length, 0, 'a kick is not a ban');
  assert.equal(await alice.getByTestId('banned-members').count(), 0);
});
