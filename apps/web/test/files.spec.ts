/**
 * Files in the portal, with real parts only (a hub process on PGlite, the production build under
 * `next start`, Debian's Chromium): A attaches a PNG made here; B's browser fetches it from the
 * peers and the hub, decrypts it and shows it inline from a blob: URL (a decoded image, its real
 * size), and B's download of it hashes like the original. Other files are cards with name, size and
 * Download (the bytes hash like the original); an SVG carrying a script is a card too and runs
 * nothing; both browsers keep only ciphertext in IndexedDB; a picture pasted into the box goes as a
 * reply, a message that is only a file is quoted by its name, a dropped file waits and can be taken
 * back; a file over the limit is refused before anything is encrypted, in words. axe-core finds
 * no serious or critical violation. The screenshot of B's preview goes to tests/e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import { MAX_ATTACHMENT_BYTES } from '../src/lib/parley/attachments.ts';
import { seriousViolations } from './harness/axe.ts';
import { type HubProcess, startHub } from './harness/hub-process.ts';
import { buildApp, type NextApp, startApp } from './harness/next-app.ts';
import { message, onboard, type People, people, waitForTexts } from './harness/people.ts';
import { makePng } from './harness/png.ts';

const ARTIFACTS = new URL('../../../tests/e2e/artifacts/', import.meta.url).pathname;
const T = { timeout: 180_000 };

let hub: HubProcess;
let app: NextApp;
let browser: Browser;
let folks: People;
let alice: Page;
let bob: Page;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const attach = async (page: Page, file: { name: string; mimeType: string; buffer: Buffer }, caption: string, shot?: string) => {
  // As for a person, whose attach button is disabled meanwhile: the previous file has gone out first
  // (the composer sends text meanwhile, but not a second file while one is being sent).
  await page.locator('progress[aria-label^="Sending "]').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByTestId('attach-input').setInputFiles(file);
  await page.getByTestId('attachment-draft').filter({ hasText: file.name }).waitFor();
  const box = page.getByLabel(/^Message #/);
  await box.fill(caption);
  if (shot !== undefined) {
    await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`) });
    assert.deepEqual(await seriousViolations(page), [], `axe on ${shot}`);
  }
  await box.press('Enter');
  await page.getByTestId('attachment-draft').filter({ hasText: file.name }).waitFor({ state: 'detached' });
};

/** What this browser keeps of shared files in IndexedDB: files recorded, and every chunk's bytes. */
const keptFiles = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ files: number; chunks: number[][] }>((resolve, reject) => {
        const req = indexedDB.open('parley-files');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const tx = req.result.transaction(['files', 'chunks'], 'readonly');
          const files = tx.objectStore('files').count();
          const chunks = tx.objectStore('chunks').getAll();
          tx.oncomplete = () => {
            resolve({ files: files.result, chunks: (chunks.result as { b: Uint8Array }[]).map((c) => [...c.b]) });
            req.result.close();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );

const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

/** Clicks a Download button and returns the bytes the browser saved. */
const download = async (page: Page, button: ReturnType<Page['getByRole']>): Promise<{ name: string; bytes: Buffer }> => {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), button.click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
};

before(
  async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
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
  await alice.getByLabel('Community name').fill('Darkroom');
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
});

test("A attaches a PNG; B's browser shows it decrypted from a blob: URL, and B's download hashes like the original", T, async () => {
  const png = makePng(320, 200, 7);
  await attach(alice, { name: 'sunset.png', mimeType: 'image/png', buffer: png }, 'look at this sky', 'file-attach-draft');
  await waitForTexts(alice, ['look at this sky']);
  await message(alice, 'look at this sky').getByTestId('attachment-image').waitFor({ timeout: 60_000 });

  await waitForTexts(bob, ['look at this sky'], 90_000);
  const img = message(bob, 'look at this sky').getByTestId('attachment-image');
  await img.waitFor({ timeout: 120_000 });
  assert.equal(
    await message(bob, 'look at this sky').getByTestId('attachment').getAttribute('data-thumbnail'),
    'true',
    "A's browser drew a thumbnail into the reference",
  );
  const shown = await img.evaluate((e: HTMLImageElement) => e.decode().then(() => ({ src: e.src, w: e.naturalWidth, h: e.naturalHeight, alt: e.alt })));
  assert.ok(shown.src.startsWith(`blob:${app.origin}/`), `the preview comes from a blob: URL of the portal, not ${shown.src}`);
  assert.ok(shown.w > 0);
  assert.deepEqual([shown.w, shown.h, shown.alt], [320, 200, 'sunset.png']);
  const page = await fetch(app.origin);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.ok(csp.split('; ').includes("img-src 'self' blob:"), `images from this origin and blob: URLs only: ${csp}`);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

  const saved = await download(bob, message(bob, 'look at this sky').getByRole('button', { name: 'Download' }));
  assert.equal(saved.name, 'sunset.png');
  assert.equal(sha256(saved.bytes), sha256(png), 'the bytes B decrypted are the bytes A attached');

  await img.scrollIntoViewIfNeeded();
  await bob.screenshot({ path: join(ARTIFACTS, 'file-image-preview.png') });
  assert.deepEqual(await seriousViolations(bob), [], 'axe on B with the preview');
  // On a phone-sized screen the picture fits the message column.
  await bob.setViewportSize({ width: 390, height: 800 });
  const box = await img.boundingBox();
  assert.ok(box !== null && box.width > 0 && box.x + box.width <= 390, `the preview fits 390 px: ${JSON.stringify(box)}`);
  await bob.screenshot({ path: join(ARTIFACTS, 'file-image-preview-390.png') });
  assert.deepEqual(await seriousViolations(bob), [], 'axe on B with the preview at 390 px');
  await bob.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(folks.errors, []);
});

test('a file that is not an image is a card with name, size and Download; an SVG with a script is a card and runs nothing', T, async () => {
  const notes = Buffer.concat([Buffer.from('field notes\n'), randomBytes(300_000)]);
  await attach(alice, { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: notes }, 'the raw notes');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><circle r="9"/></svg>');
  await attach(alice, { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: svg }, 'our logo');
  await waitForTexts(bob, ['the raw notes', 'our logo'], 90_000);

  const card = message(bob, 'the raw notes').getByTestId('attachment');
  await card.getByTestId('attachment-name').filter({ hasText: 'notes.bin' }).waitFor();
  assert.match((await card.textContent()) ?? '', /293\.0 KB · application\/octet-stream/);
  const got = await download(bob, card.getByRole('button', { name: 'Download notes.bin' }));
  assert.equal(got.name, 'notes.bin');
  assert.equal(sha256(got.bytes), sha256(notes));

  const logo = message(bob, 'our logo').getByTestId('attachment');
  await logo.getByTestId('attachment-name').filter({ hasText: 'logo.svg' }).waitFor();
  assert.equal(await message(bob, 'our logo').locator('img').count(), 0, 'an SVG is never shown');
  const svgBack = await download(bob, logo.getByRole('button', { name: 'Download logo.svg' }));
  assert.equal(sha256(svgBack.bytes), sha256(svg));
  assert.equal(await bob.locator('svg circle[r="9"]').count(), 0, 'the SVG was not put in the page');
  await bob.screenshot({ path: join(ARTIFACTS, 'file-cards.png') });

  // B keeps what it fetched (to serve it on) in IndexedDB, encrypted: no chunk holds a slice of the plaintext.
  const kept = await keptFiles(bob);
  assert.equal(kept.files, 3, 'the PNG, the notes and the SVG are recorded');
  assert.equal(kept.chunks.length, 1 + 2 + 1, 'every chunk is kept (the notes are two 256 KiB chunks)');
  for (const c of kept.chunks) {
    const bytes = Uint8Array.from(c);
    for (const plain of [notes.subarray(100_000, 100_032), notes.subarray(0, 12), svg.subarray(0, 24)])
      assert.ok(!contains(bytes, plain), 'a kept chunk holds plaintext');
  }
  assert.ok(
    kept.chunks.some((c) => c.length === 256 * 1024 + 16),
    'control: the chunks are there, 256 KiB + the tag',
  );
  assert.deepEqual(await seriousViolations(bob), [], 'axe on B with file cards');
  assert.deepEqual(folks.errors, [], 'no dialog, CSP report or page error');
});

test("B pastes a picture as a reply to A's, A answers it; a file dropped on the box waits and ✕ takes it back", T, async () => {
  const png = makePng(120, 90, 33);
  await message(bob, 'look at this sky').hover();
  await message(bob, 'look at this sky').getByRole('button', { name: 'Reply' }).click();
  await bob.getByTestId('replying-to').waitFor();
  await bob.getByLabel(/^Message #/).evaluate(
    (box, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'reply.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    [...png],
  );
  await bob.getByTestId('attachment-draft').filter({ hasText: 'reply.png' }).waitFor();
  await bob.getByLabel(/^Message #/).press('Enter');
  for (const page of [alice, bob]) {
    const img = page.locator('[data-testid=attachment-image][alt="reply.png"]');
    await img.waitFor({ timeout: 120_000 });
    assert.deepEqual(await img.evaluate((e: HTMLImageElement) => e.decode().then(() => [e.naturalWidth, e.naturalHeight])), [120, 90]);
    await page.getByTestId('message').filter({ has: img }).getByTestId('reply-quote').filter({ hasText: 'look at this sky' }).waitFor();
  }
  // A message that is only a file is quoted by the file's name.
  const pasted = alice.getByTestId('message').filter({ has: alice.locator('[data-testid=attachment-image][alt="reply.png"]') });
  await pasted.hover();
  await pasted.getByRole('button', { name: 'Reply' }).click();
  await alice.getByLabel(/^Message #/).fill('nice one');
  await alice.getByLabel(/^Message #/).press('Enter');
  await waitForTexts(bob, ['nice one'], 90_000);
  await message(bob, 'nice one').getByTestId('reply-quote').filter({ hasText: 'reply.png' }).waitFor();

  await alice.getByLabel(/^Message #/).evaluate((box) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped here'], 'dropped.txt', { type: 'text/plain' }));
    box.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await alice.getByTestId('attachment-draft').filter({ hasText: 'dropped.txt' }).waitFor();
  await alice.getByRole('button', { name: 'Remove the attachment' }).click();
  await alice.getByTestId('attachment-draft').waitFor({ state: 'detached' });
  assert.deepEqual(folks.errors, []);
});

test('a file over the limit is refused in words and nothing is sent', T, async () => {
  const before = await alice.getByTestId('message').count();
  // A file on disk: the browser reads it by path (a buffer this large crawls over the DevTools protocol).
  const dir = mkdtempSync(join(tmpdir(), 'parley-files-web-'));
  const film = join(dir, 'film.mov');
  writeFileSync(film, '');
  truncateSync(film, MAX_ATTACHMENT_BYTES + 1);
  await alice.getByTestId('attach-input').setInputFiles(film, { timeout: 60_000 });
  rmSync(dir, { recursive: true });
  await alice.getByRole('alert').filter({ hasText: 'film.mov is 25.0 MB: files up to 25.0 MB can be sent.' }).waitFor();
  assert.equal(await alice.getByTestId('attachment-draft').count(), 0, 'nothing waits to be sent');
  await alice.getByLabel(/^Message #/).press('Enter');
  await alice.waitForTimeout(500);
  assert.equal(await alice.getByTestId('message').count(), before);
  assert.deepEqual(await seriousViolations(alice), [], 'axe on A with the size error');
});
