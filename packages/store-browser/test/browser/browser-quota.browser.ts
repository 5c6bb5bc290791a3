/**
 * Runs in Chromium on an origin of its own, whose storage quota the test sets through the host
 * function `parleySetQuota` (DevTools' Storage.overrideQuotaForOrigin), so that IndexedDB itself
 * refuses the write (THREATS 30).
 *
 * What Chromium does at its quota, as this test found: once a write is refused, every transaction
 * that writes anything is refused, and deleting records does not give the space back until the
 * browser compacts its files. Deleting still works. So the store stays readable and evictable, and
 * writes resume when the browser has room again (here: the quota is raised). A peer should not
 * get here: it opens its store with a `maxBytes` budget below the quota (see budget.browser.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import type { StoredObject } from '@parley/store';
import { Fixtures } from '@parley/store/compliance';
import { deleteIndexedDbStore, openIndexedDbStore, StoreQuotaError } from '../../src/index.ts';

declare global {
  /** Installed by the Node side: sets this origin's quota (undefined: the browser's own). */
  var parleySetQuota: (bytes: number | undefined) => Promise<void>;
}

const MiB = 1024 * 1024;
/** 16 frames of 48 KiB to a put: about 0.75 MiB per call. */
const FRAME = 48 * 1024;
const BATCH = 16;

const bytesOf = (os: readonly StoredObject[]): number => os.reduce((n, o) => n + o.bytes.length, 0);
const browserQuota = (method: string) => (e: unknown) =>
  e instanceof StoreQuotaError && e.code === 'ERR_STORE_QUOTA' && e.reason === 'browser' && e.field === method;

describe('THREATS 30: the browser IndexedDB quota exhausted', () => {
  it('a refused put is a typed StoreQuotaError; nothing committed is lost; the store stays readable and evictable, and writes again when there is room', async () => {
    await globalThis.parleySetQuota(4 * MiB);
    const s = await openIndexedDbStore({ name: 'browser-quota' });
    try {
      const f = new Fixtures(3000);
      const [room, channel, device] = [f.room(), f.channel(), f.key()];
      const mine = f.envelope({ room, channel, device: f.key(), seq: 1, lamport: 1, size: 100 });
      assert.equal(await s.enqueue(mine), true);

      const committed: StoredObject[] = [];
      let refused: StoredObject[] = [];
      let error: unknown;
      while (error === undefined && committed.length < 64 * BATCH) {
        const batch = Array.from({ length: BATCH }, (_, i) => {
          const seq = committed.length + i + 1;
          return f.envelope({ room, channel, device, seq, lamport: seq, receivedAt: seq + 10, size: FRAME });
        });
        try {
          await s.put(batch);
          committed.push(...batch);
        } catch (e) {
          [error, refused] = [e, batch];
        }
      }
      assert.ok(browserQuota('put')(error), `expected StoreQuotaError (browser) from put, got ${String(error)}`);
      assert.ok(committed.length >= BATCH, 'some batches fitted before the quota ran out');
      await assert.rejects(s.enqueue(f.envelope({ room, channel, device: f.key(), seq: 1, lamport: 1 })), browserQuota('enqueue'));

      // Nothing committed is lost and nothing of a refused call was written.
      assert.deepEqual(await s.usage(room), { count: committed.length + 1, bytes: bytesOf(committed) + mine.bytes.length });
      assert.ok((await s.has(committed.map((o) => o.id))).every(Boolean));
      assert.ok((await s.has(refused.map((o) => o.id))).every((held) => !held));
      assert.deepEqual(await s.haveVector(room, channel), { [toHex(device)]: committed.length, [toHex(mine.device as Uint8Array)]: 1 });
      assert.deepEqual(
        (await s.pending()).map((p) => toHex(p.object.id)),
        [toHex(mine.id)],
      );

      // Eviction still works over quota (it only deletes) and keeps the pending message.
      const evicted = await s.evict(room, Math.floor(bytesOf(committed) / 2));
      assert.ok(evicted.length >= committed.length / 2 - 1);
      const kept = committed.length - evicted.length;
      assert.deepEqual(await s.usage(room), { count: kept + 1, bytes: kept * FRAME + mine.bytes.length });
      assert.deepEqual(await s.totalUsage(), await s.usage(room));
      assert.deepEqual(await s.has([mine.id]), [true]);
      assert.equal((await s.range(room, channel, { limit: 10_000 })).length, kept + 1);

      // With room again, writes resume and the usage counters are exact.
      await globalThis.parleySetQuota(256 * MiB);
      assert.equal(await s.put(refused), BATCH);
      const big = f.envelope({ room, channel, device: f.key(), seq: 1, lamport: 1, size: FRAME });
      assert.equal(await s.enqueue(big), true);
      assert.equal(await s.ack(mine.id, 'hub-1'), 'done');
      assert.deepEqual(await s.usage(room), { count: kept + 1 + BATCH + 1, bytes: (kept + BATCH + 1) * FRAME + mine.bytes.length });
      assert.deepEqual(await s.totalUsage(), await s.usage(room));
    } finally {
      await s.close();
      await deleteIndexedDbStore('browser-quota');
      await globalThis.parleySetQuota(undefined);
    }
  });
});
