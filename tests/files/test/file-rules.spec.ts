/**
 * A room's file rules (PROTOCOL 12.5) with a real hub process: once the owner limits files to
 * 300 KiB of images, a sender's client refuses a larger file and a PDF before encrypting anything,
 * an allowed image still goes through, a member refuses to fetch an older file over the limit, and
 * the hub refuses the upload of that older file (its size is bound to the file id by the piece list).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ClientError } from '@parley/client';
import { toHex } from '@parley/protocol';
import { Cast, community, crypto, eventually } from '../../adversarial/kit.ts';

const KB = 1024;
const bytes = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 32) out.set(crypto.sha256(Uint8Array.of(seed, o & 0xff, (o >> 8) & 0xff, (o >> 16) & 0xff)).subarray(0, Math.min(32, n - o)), o);
  return out;
};
const notAllowed = (re: RegExp) => (e: unknown) => e instanceof ClientError && e.code === 'file-not-allowed' && re.test(e.message);

const cast = new Cast();
after(() => cast.close());

test('file rules: refused by the sender, the fetcher and the hub; allowed files still flow', { timeout: 240_000 }, async () => {
  const hub = await cast.hub('file-rules');
  const { room, general, owner: a, members } = await community(cast, 'file-rules', ['b'], hub, { durability: 'replicated' });
  const b = members.b as NonNullable<typeof members.b>;

  // Before any rules: a 600 KiB image goes out, and b fetches it (b now holds its chunks).
  const big = bytes(600 * KB, 1);
  const before = await a.sendFile(room, general, big, { name: 'big.png', type: 'image/png' });
  await eventually('b has the message', async () => (await b.store.get(before, room)) !== undefined);
  assert.equal(toHex(crypto.sha256(await b.fetchFile(room, before))), toHex(crypto.sha256(big)));

  await a.setFileRules(room, { maxBytes: 300 * KB, types: ['image/*'] });
  await eventually('b sees the rules', () => b.state(room).policy().files?.maxBytes === 300 * KB);
  await eventually('the hub acknowledged the rules', async () => (await a.pendingCount()) === 0);

  await assert.rejects(
    a.sendFile(room, general, bytes(300 * KB + 1, 2), { name: 'big2.png', type: 'image/png' }),
    notAllowed(/over this room's limit of 307200/),
  );
  await assert.rejects(
    a.sendFile(room, general, bytes(10 * KB, 3), { name: 'doc.pdf', type: 'application/pdf' }),
    notAllowed(/application\/pdf is not a type/),
  );
  const small = bytes(300 * KB, 4);
  const ok = await a.sendFile(room, general, small, { name: 'small.webp', type: 'image/webp' });
  await eventually('b has the allowed file', async () => (await b.store.get(ok, room)) !== undefined);
  assert.equal(toHex(crypto.sha256(await b.fetchFile(room, ok))), toHex(crypto.sha256(small)));

  await assert.rejects(b.fetchFile(room, before), notAllowed(/over this room's limit/), 'b no longer fetches the older, larger file');
  // b offers the chunks it holds to the pinned hub: the allowed file is taken, the older one refused.
  await assert.rejects(b.uploadFiles(room), /refused|not-served/, 'the hub refuses the 600 KiB upload');

  // Lifting the rules lets the older file through again.
  await a.setFileRules(room, undefined);
  await eventually('b sees no rules', () => b.state(room).policy().files === undefined);
  assert.equal(toHex(crypto.sha256(await b.fetchFile(room, before))), toHex(crypto.sha256(big)));
});
