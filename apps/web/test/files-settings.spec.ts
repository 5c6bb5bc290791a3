/**
 * A room's file rules and this browser's storage, in the portal, with real parts only (a hub process
 * on PGlite, the production build under `next start`, Debian's Chromium). Alice (the owner) sets
 * the community's file rules in Community settings (1 MB, Images and PDF ticked, a type typed in;
 * a type in capitals is refused in words); Bob (a member) sees the Files section greyed. The file
 * Alice shared before the rules becomes a card that says why it is refused, with no Download, in
 * both browsers; Bob's composer refuses a picked text file, a picked PNG over the size and a
 * dropped video, each in words and with nothing waiting, and sends a small PNG. Settings > Storage
 * used shows Bob's shared files against the 500 MB budget; "Clear fetched files" drops Alice's
 * picture that Bob fetched, keeps Bob's own, and after a reload the picture is fetched again. When
 * Alice lifts the rules, the refused card offers Download again and the file arrives whole.
 * axe-core finds no serious or critical violation on each view. Screenshots go to
 * $PARLEY_WEB_SHOTS (default /tmp/web-shots).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { message, onboard, type People, people, waitForTexts } from './harness/people.ts';
import { makePng } from './harness/png.ts';

const SHOTS = process.env.PARLEY_WEB_SHOTS ?? '/tmp/web-shots';
const T = { timeout: 300_000 };
const ONLY = 'this community takes only PDF (application/pdf), Images (image/*), text/markdown.';

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

const attach = async (page: Page, file: { name: string; mimeType: string; buffer: Buffer }, caption: string) => {
  await page.locator('progress[aria-label^="Sending "]').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByTestId('attach-input').setInputFiles(file);
  await page.getByTestId('attachment-draft').filter({ hasText: file.name }).waitFor();
  const box = page.getByLabel(/^Message #/);
  await box.fill(caption);
  await box.press('Enter');
  await page.getByTestId('attachment-draft').filter({ hasText: file.name }).waitFor({ state: 'detached' });
};

const openCommunitySettings = async (page: Page) => {
  await page.getByRole('button', { name: 'Gallery menu' }).click();
  await page.getByRole('button', { name: 'Community settings' }).click();
  const d = page.getByRole('dialog', { name: 'Gallery settings' });
  await d.getByTestId('file-rules').waitFor();
  return d;
};

/** The files this browser's file store records (IndexedDB 'parley-files'), and the bytes of its chunks. */
const keptFiles = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ files: number; bytes: number }>((resolve, reject) => {
        const req = indexedDB.open('parley-files');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const tx = req.result.transaction(['files', 'chunks'], 'readonly');
          const files = tx.objectStore('files').count();
          const chunks = tx.objectStore('chunks').getAll();
          tx.oncomplete = () => {
            resolve({ files: files.result, bytes: (chunks.result as { b: Uint8Array }[]).reduce((n, c) => n + c.b.byteLength, 0) });
            req.result.close();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );

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

test('Alice starts a community and shares a text file; Bob joins from the invite and sees it as a card', T, async () => {
  alice = await folks.open('A', app.origin);
  await alice.goto(app.origin);
  await onboard(alice, 'Alice', 'Green');
  await alice.getByLabel('Community name').fill('Gallery');
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
    .waitFor({ timeout: 90_000 });

  await attach(alice, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('before the rules\n') }, 'before the rules');
  await waitForTexts(bob, ['before the rules'], 90_000);
  await message(bob, 'before the rules').getByRole('button', { name: 'Download notes.txt' }).waitFor();
});

test('Alice sets the file rules; Bob sees them greyed; the earlier text file becomes a refused card for both', T, async () => {
  const d = await openCommunitySettings(alice);
  await d.getByTestId('file-rules-now').filter({ hasText: 'Members share files up to 25.0 MB (this portal’s limit), of any type.' }).waitFor();
  await d.getByLabel('Largest file').fill('1');
  await d.getByRole('checkbox', { name: /^Images/ }).check();
  await d.getByRole('checkbox', { name: /^PDF/ }).check();
  await d.getByLabel('Another type').fill('Text/Markdown');
  await d.getByRole('button', { name: 'Add type' }).click();
  await d
    .getByRole('alert')
    .filter({ hasText: '“Text/Markdown” is not a type: write it in lower case as type/subtype or type/*, such as image/png or text/*.' })
    .waitFor();
  await d.getByLabel('Another type').fill('text/markdown');
  await d.getByRole('button', { name: 'Add type' }).click();
  await d.getByTestId('file-type').filter({ hasText: 'text/markdown' }).waitFor();
  await shot(alice, 'files-1-rules-owner');
  await assertAccessible(alice, 'community settings, file rules (owner)');
  await d.getByRole('button', { name: 'Apply file rules' }).click();
  await d.getByRole('status').filter({ hasText: 'File rules saved.' }).waitFor({ timeout: 30_000 });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });

  // Bob's portal applies the SET_POLICY: the card of the file shared before says why it is refused, with nothing to fetch.
  for (const page of [bob, alice]) {
    const card = message(page, 'before the rules').getByTestId('attachment');
    await card
      .getByTestId('attachment-refused')
      .filter({ hasText: `notes.txt is text/plain: ${ONLY}` })
      .waitFor({ timeout: 60_000 });
    assert.equal(await card.getByRole('button').count(), 0, 'no Download or Retry on a refused file');
  }
  await shot(bob, 'files-2-refused-card');
  await assertAccessible(bob, 'a refused file card');

  const bd = await openCommunitySettings(bob);
  await bd.getByTestId('settings-readonly').waitFor();
  await bd
    .getByTestId('file-rules-now')
    .filter({ hasText: 'Members share files up to 1.0 MB, of these types only: PDF (application/pdf), Images (image/*), text/markdown.' })
    .waitFor();
  assert.equal(await bd.getByLabel('Largest file').inputValue(), '1');
  assert.equal(await bd.getByLabel('Largest file').isDisabled(), true, 'Bob lacks MANAGE_ROOM');
  assert.equal(await bd.getByRole('checkbox', { name: /^Images/ }).isChecked(), true);
  assert.equal(await bd.getByRole('checkbox', { name: /^Images/ }).isDisabled(), true);
  assert.equal(await bd.getByRole('button', { name: 'Apply file rules' }).isDisabled(), true);
  assert.equal(await bd.getByRole('button', { name: 'Remove type text/markdown' }).isDisabled(), true);
  await bd.getByTestId('file-rules').scrollIntoViewIfNeeded();
  await shot(bob, 'files-3-rules-member');
  await assertAccessible(bob, 'community settings, file rules (member)');
  await bob.keyboard.press('Escape');
  await bd.waitFor({ state: 'detached' });
  assert.deepEqual(folks.errors, []);
});

test("Bob's composer refuses what the rules refuse, in words, before encrypting; a small PNG goes", T, async () => {
  const before = await bob.getByTestId('message').count();
  await bob.getByTestId('attach-input').setInputFiles({ name: 'todo.txt', mimeType: 'text/plain', buffer: Buffer.from('milk') });
  await bob
    .getByRole('alert')
    .filter({ hasText: `Not sent: todo.txt is text/plain: ${ONLY}` })
    .waitFor();
  assert.equal(await bob.getByTestId('attachment-draft').count(), 0, 'nothing waits to be sent');
  await bob.getByTestId('attach-input').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: randomBytes(1.5 * 1024 * 1024) });
  await bob.getByRole('alert').filter({ hasText: 'Not sent: big.png is 1.5 MB: this community takes files up to 1.0 MB.' }).waitFor();
  assert.equal(await bob.getByTestId('attachment-draft').count(), 0);
  await bob.getByLabel(/^Message #/).evaluate((box) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['not really a film'], 'clip.mp4', { type: 'video/mp4' }));
    box.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await bob
    .getByRole('alert')
    .filter({ hasText: `Not sent: clip.mp4 is video/mp4: ${ONLY}` })
    .waitFor();
  assert.equal(await bob.getByTestId('attachment-draft').count(), 0);
  await shot(bob, 'files-4-composer-refusal');
  await assertAccessible(bob, 'the composer with a refusal');
  await bob.getByLabel(/^Message #/).press('Enter');
  await bob.waitForTimeout(500);
  assert.equal(await bob.getByTestId('message').count(), before, 'nothing was sent');

  await attach(bob, { name: 'small.png', mimeType: 'image/png', buffer: makePng(80, 60, 5) }, 'a small one');
  await message(alice, 'a small one').getByTestId('attachment-image').waitFor({ timeout: 120_000 });
  assert.deepEqual(folks.errors, []);
});

test("Settings > Storage used: Bob's shared files against the budget; clearing drops Alice's picture, keeps his own, and it is fetched again", T, async () => {
  await attach(alice, { name: 'sky.png', mimeType: 'image/png', buffer: makePng(320, 200, 9) }, 'the sky today');
  await message(bob, 'the sky today').getByTestId('attachment-image').waitFor({ timeout: 120_000 });
  const held = await keptFiles(bob);
  assert.equal(held.files, 2, "Bob's small.png (sent) and Alice's sky.png (fetched); the refused notes.txt was never fetched");

  await bob.getByRole('button', { name: 'Settings', exact: true }).click();
  await bob.getByRole('heading', { name: 'Settings' }).waitFor();
  const s = bob.getByTestId('storage');
  await s.getByTestId('storage-files').filter({ hasText: '2 files, encrypted.' }).waitFor({ timeout: 30_000 });
  const fmt = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);
  assert.equal(await s.getByTestId('storage-files-used').textContent(), `${fmt(held.bytes)} of 500.0 MB`);
  assert.match((await s.getByTestId('storage-objects-used').textContent()) ?? '', /^\d+(\.\d)? (B|KB|MB) of 200\.0 MB$/);
  await s.scrollIntoViewIfNeeded();
  await shot(bob, 'files-5-storage');
  await assertAccessible(bob, 'settings with storage used');

  await s.getByRole('button', { name: 'Clear fetched files' }).click();
  await s
    .getByRole('status')
    .filter({ hasText: /^Cleared 1 fetched file \(.+\)\. Kept 1 file sent from this browser\.$/ })
    .waitFor({ timeout: 30_000 });
  await s.getByTestId('storage-files').filter({ hasText: '1 file, encrypted.' }).waitFor();
  const left = await keptFiles(bob);
  assert.equal(left.files, 1);
  assert.ok(left.bytes > 0 && left.bytes < held.bytes, `only Bob's own chunks are left: ${left.bytes} of ${held.bytes}`);
  await shot(bob, 'files-6-storage-cleared');
  await assertAccessible(bob, 'settings after clearing');

  // The picture is a copy others serve: after a reload Bob's portal fetches it again.
  await bob.reload();
  await message(bob, 'the sky today').getByTestId('attachment-image').waitFor({ timeout: 120_000 });
  await message(bob, 'a small one').getByTestId('attachment-image').waitFor({ timeout: 120_000 });
  assert.equal((await keptFiles(bob)).files, 2);
  assert.deepEqual(folks.errors, []);
});

test('Alice lifts the rules: the card of the text file offers Download again and it arrives whole', T, async () => {
  const d = await openCommunitySettings(alice);
  await d.getByLabel('Largest file').fill('');
  for (const name of [/^Images/, /^PDF/]) await d.getByRole('checkbox', { name }).uncheck();
  await d.getByRole('button', { name: 'Remove type text/markdown' }).click();
  await d.getByRole('button', { name: 'Apply file rules' }).click();
  await d
    .getByRole('status')
    .filter({ hasText: 'File rules saved. Members share files up to 25.0 MB (this portal’s limit), of any type.' })
    .waitFor({ timeout: 30_000 });
  await alice.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  const card = message(bob, 'before the rules').getByTestId('attachment');
  const [d2] = await Promise.all([
    bob.waitForEvent('download', { timeout: 90_000 }),
    card.getByRole('button', { name: 'Download notes.txt' }).click({ timeout: 60_000 }),
  ]);
  assert.equal(d2.suggestedFilename(), 'notes.txt');
  assert.equal(readFileSync(await d2.path(), 'utf8'), 'before the rules\n');
  assert.equal(await card.getByTestId('attachment-refused').count(), 0);
  assert.deepEqual(folks.errors, []);
});
