/** WriteBatch: objects arriving while a write runs share the next transaction; each learns exactly whether it was new; a failed write fails its own callers only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '@parley/protocol';
import { MemoryStore, type ObjectStore, type StoredObject } from '@parley/store';
import { Fixtures } from '@parley/store/compliance';
import { WriteBatch } from '../src/write-batch.ts';

/** A MemoryStore that counts its put and has calls and takes a few ms for each, as IndexedDB does. */
const countingStore = () => {
  const inner = new MemoryStore();
  const calls = { put: 0, has: 0 };
  let failNext = false;
  const slow = () => new Promise((r) => setTimeout(r, 3));
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'put')
        return async (objs: readonly StoredObject[]) => {
          calls.put++;
          await slow();
          if (failNext) {
            failNext = false;
            throw new Error('disk full');
          }
          return target.put(objs);
        };
      if (prop === 'has')
        return async (ids: readonly Uint8Array[], room?: Uint8Array) => {
          calls.has++;
          await slow();
          return target.has(ids, room);
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as ObjectStore;
  return { store, inner, calls, failOnce: () => void (failNext = true) };
};

const fx = new Fixtures(7);
const room = fx.room();
const channel = fx.channel();
const device = fx.key();
const envelopes = (n: number, from = 1) => Array.from({ length: n }, (_, i) => fx.envelope({ room, channel, device, seq: from + i, lamport: from + i }));

test('100 objects added at once go in a handful of transactions, each told it was new', async () => {
  const { store, inner, calls } = countingStore();
  const b = new WriteBatch(store);
  const objs = envelopes(100);
  const fresh = await Promise.all(objs.map((o) => b.add(toHex(room), o)));
  assert.ok(fresh.every((f) => f));
  assert.ok(calls.put <= 3, `${calls.put} puts for 100 objects`);
  assert.equal(
    (
      await inner.has(
        objs.map((o) => o.id),
        room,
      )
    ).filter(Boolean).length,
    100,
  );
});

test('novelty is exact per object when a batch mixes held and new ones', async () => {
  const { store, inner } = countingStore();
  const objs = envelopes(10, 200);
  await inner.put(objs.filter((_, i) => i % 3 === 0));
  const b = new WriteBatch(store);
  const fresh = await Promise.all(objs.map((o) => b.add(toHex(room), o)));
  assert.deepEqual(
    fresh,
    objs.map((_, i) => i % 3 !== 0),
  );
});

test('a failed write rejects its own batch; the next batch still lands', async () => {
  const { store, inner, failOnce } = countingStore();
  const b = new WriteBatch(store);
  failOnce();
  const first = envelopes(1, 300)[0] as StoredObject;
  await assert.rejects(b.add(toHex(room), first), /disk full/);
  const second = envelopes(1, 301)[0] as StoredObject;
  assert.equal(await b.add(toHex(room), second), true);
  assert.deepEqual(await inner.has([first.id, second.id], room), [false, true]);
});
