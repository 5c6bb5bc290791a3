/**
 * Group commit: concurrent puts and has-queries become one store call each while an earlier call
 * runs; every caller resolves with its own answer only after its batch's call finished, and sees
 * that call's error if it failed. Property-tested against a plain MemoryStore.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { MemoryStore, type ObjectStore, type StoredObject } from '@parley/store';
import { Fixtures } from '@parley/store/compliance';
import fc from 'fast-check';
import { groupCommit } from '../src/group-commit.ts';

/** A MemoryStore that counts put/has calls and can be made to fail or to hold a call open. */
const counting = () => {
  const inner = new MemoryStore();
  const calls = { put: 0, has: 0 };
  let fail = false;
  let gate: Promise<void> | undefined;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'put')
        return async (objects: readonly StoredObject[]) => {
          calls.put++;
          await gate;
          if (fail) throw new Error('disk full');
          return target.put(objects);
        };
      if (prop === 'has')
        return async (ids: readonly Uint8Array[], room?: Uint8Array) => {
          calls.has++;
          await gate;
          return target.has(ids, room);
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as ObjectStore;
  return {
    store,
    calls,
    fail: (on: boolean) => void (fail = on),
    hold: () => {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
};

describe('hub group commit', () => {
  it('runs puts queued behind a running one as one call, and credits each caller', async () => {
    const f = new Fixtures(1);
    const room = f.room();
    const channel = f.channel();
    const objs = f.history(room, channel, 30);
    const c = counting();
    const store = groupCommit(c.store);
    const release = c.hold();
    const first = store.put(objs.slice(0, 10));
    const rest = [store.put(objs.slice(10, 20)), store.put(objs.slice(20, 30)), store.put(objs.slice(0, 5))];
    assert.equal(c.calls.put, 1, 'the first put goes at once');
    release();
    assert.deepEqual(await Promise.all([first, ...rest]), [10, 10, 10, 0]);
    assert.equal(c.calls.put, 2, 'the three queued puts went as one call');
    assert.equal((await store.usage(room)).count, 30);
  });

  it('with a linger, gathers calls arriving a few ms apart into one store call', async () => {
    const f = new Fixtures(3);
    const room = f.room();
    const objs = f.history(room, f.channel(), 4);
    const c = counting();
    const store = groupCommit(c.store, { lingerMs: 40 });
    const got: Promise<number>[] = [];
    for (const o of objs) {
      got.push(store.put([o]));
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.deepEqual(await Promise.all(got), [1, 1, 1, 1]);
    assert.equal(c.calls.put, 1);
    assert.deepEqual(
      await store.has(
        objs.map((o) => o.id),
        room,
      ),
      [true, true, true, true],
    );
  });

  it("gives every caller of a failed batch the batch's error, then recovers", async () => {
    const f = new Fixtures(2);
    const objs = f.history(f.room(), f.channel(), 6);
    const c = counting();
    const store = groupCommit(c.store);
    const release = c.hold();
    const first = store.put(objs.slice(0, 2));
    c.fail(true);
    const queued = [store.put(objs.slice(2, 4)), store.put(objs.slice(4, 6))];
    release();
    await assert.rejects(first, /disk full/);
    for (const q of queued) await assert.rejects(q, /disk full/);
    c.fail(false);
    assert.equal(await store.put(objs), 6);
  });

  it('answers batched has-queries per caller and per room (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.nat(2), fc.nat(20), fc.nat(20)), { minLength: 1, maxLength: 12 }),
        async (seed, asks) => {
          const f = new Fixtures(seed);
          const rooms = [f.room(), f.room(), f.room()];
          const held = rooms.map((r) => f.history(r, f.channel(), 20));
          const plain = new MemoryStore();
          for (const h of held) await plain.put(h.filter((_, i) => i % 2 === 0));
          const c = counting();
          for (const h of held) await c.store.put(h.filter((_, i) => i % 2 === 0));
          const store = groupCommit(c.store);
          const release = c.hold();
          const queries = asks.map(([r, a, b]) => ({
            room: rooms[r] as Uint8Array,
            ids: (held[r] as StoredObject[]).slice(Math.min(a, b), Math.max(a, b) + 1).map((o) => o.id),
          }));
          const got = queries.map((q) => store.has(q.ids, q.room));
          release();
          const answers = await Promise.all(got);
          for (const [i, q] of queries.entries())
            assert.deepEqual(answers[i], await plain.has(q.ids, q.room), `query ${i} in room ${toHex(q.room).slice(0, 8)}`);
          assert.ok(c.calls.has <= 1 + rooms.length, `${c.calls.has} has-calls for ${queries.length} queries`);
        },
      ),
      { numRuns: 50 },
    );
  });
});
