/**
 * Runs in Chromium: the store's own byte budget (`maxBytes`), which keeps a peer below the
 * browser's quota, and persistence across a close and reopen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { InvalidArgumentError, type StoredObject } from '@parley/store';
import { Fixtures, norm } from '@parley/store/compliance';
import { deleteIndexedDbStore, type IndexedDbStore, openIndexedDbStore, StoreQuotaError } from '../../src/index.ts';

const bytesOf = (os: readonly StoredObject[]): number => os.reduce((n, o) => n + o.bytes.length, 0);
const overBudget = (method: string) => (e: unknown) =>
  e instanceof StoreQuotaError && e.code === 'ERR_STORE_QUOTA' && e.reason === 'budget' && e.field === method;

const withStore = async (name: string, maxBytes: number | undefined, fn: (s: IndexedDbStore) => Promise<void>): Promise<void> => {
  const s = await openIndexedDbStore({ name, maxBytes });
  try {
    await fn(s);
  } finally {
    await s.close();
    await deleteIndexedDbStore(name);
  }
};

describe('IndexedDB store: byte budget (THREATS 30)', () => {
  it('a put over the budget is refused whole with a typed error, loses nothing, and fits again after evict', () =>
    withStore('budget-put', 10_000, async (s) => {
      const f = new Fixtures(4000);
      const [room, channel, device] = [f.room(), f.channel(), f.key()];
      const env = (seq: number) => f.envelope({ room, channel, device, seq, lamport: seq, receivedAt: seq, size: 1000 });
      const first = [1, 2, 3, 4, 5, 6, 7, 8].map(env);
      assert.equal(await s.put(first), 8);
      const refused = [9, 10, 11].map(env);
      await assert.rejects(s.put(refused), overBudget('put'));
      assert.deepEqual(await s.totalUsage(), { count: 8, bytes: 8000 });
      assert.deepEqual(await s.has(refused.map((o) => o.id)), [false, false, false]);
      assert.deepEqual(await s.haveVector(room, channel), { [toHex(device)]: 8 });
      assert.equal(await s.put(first.slice(0, 2)), 0, 'objects already held cost nothing');

      // Room for the refused batch: evict the oldest and it goes through.
      assert.deepEqual(
        (await s.evict(room, 7000)).map(toHex),
        first.slice(0, 1).map((o) => toHex(o.id)),
      );
      assert.equal(await s.put(refused), 3);
      assert.deepEqual(await s.usage(room), { count: 10, bytes: 10_000 });
      assert.deepEqual(await s.totalUsage(), await s.usage(room));
    }));

  it('the budget covers every room; an enqueue over it is refused and leaves the outbox as it was', () =>
    withStore('budget-enqueue', 5000, async (s) => {
      const f = new Fixtures(4001);
      const [r1, r2, channel] = [f.room(), f.room(), f.channel()];
      const a = f.history(r1, channel, 3).map((o) => ({ ...o, bytes: f.frame('ENVELOPE', 1000) }));
      const b = f.history(r2, channel, 1).map((o) => ({ ...o, bytes: f.frame('ENVELOPE', 1000) }));
      await s.put([...a, ...b]);
      const mine = f.envelope({ room: r2, channel, device: f.key(), seq: 1, lamport: 9, size: 1500 });
      await assert.rejects(s.enqueue(mine), overBudget('enqueue'));
      assert.deepEqual(await s.pending(), []);
      assert.deepEqual(await s.has([mine.id]), [false]);
      assert.deepEqual(await s.totalUsage(), { count: 4, bytes: bytesOf([...a, ...b]) });
      await s.evict(r1, 1000);
      assert.equal(await s.enqueue(mine), true);
      assert.deepEqual(
        (await s.pending()).map((p) => toHex(p.object.id)),
        [toHex(mine.id)],
      );
      assert.deepEqual(await s.totalUsage(), { count: 3, bytes: 3500 });
    }));

  it('checks its options', async () => {
    await assert.rejects(openIndexedDbStore({ name: '' }), InvalidArgumentError);
    await assert.rejects(openIndexedDbStore({ name: 'x', maxBytes: -1 }), InvalidArgumentError);
  });
});

describe('IndexedDB store: durability', () => {
  it('keeps objects, have-vectors, usage and the outbox across a close and reopen', async () => {
    const f = new Fixtures(4100);
    const [room, channel] = [f.room(), f.channel()];
    const hist = f.history(room, channel, 50);
    const mine = f.envelope({ room, channel, device: f.key(), seq: 1, lamport: 99 });
    const first = await openIndexedDbStore({ name: 'reopen' });
    await first.put(hist);
    await first.enqueue(mine, ['hub-a']);
    await first.attempted(mine.id, 10, 20);
    const before = { have: await first.haveVector(room, channel), usage: await first.usage(room), fp: await first.fingerprint(room, channel) };
    await first.close();
    const again = await openIndexedDbStore({ name: 'reopen' });
    try {
      assert.deepEqual(await again.haveVector(room, channel), before.have);
      assert.deepEqual(await again.usage(room), before.usage);
      assert.deepEqual(await again.fingerprint(room, channel), before.fp);
      const [p] = await again.pending();
      assert.deepEqual(norm(p?.object), norm(mine));
      assert.deepEqual([p?.attempts, p?.lastAttemptAt, p?.nextAttemptAt, p?.targets], [1, 10, 20, ['hub-a']]);
    } finally {
      await again.close();
      await deleteIndexedDbStore('reopen');
    }
  });
});
