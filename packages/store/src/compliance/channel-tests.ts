/** Compliance: a channel's history (range paging), have-vectors and seq lookups. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredObject } from '../stored-object.ts';
import type { SuiteContext } from './context.ts';
import { cursorOf, Fixtures, historyOrder, ids } from './fixtures.ts';

export const channelTests = (ctx: SuiteContext): void => {
  describe('channel history', () => {
    it('range orders by (lamport, id) and holds only the ENVELOPEs of that room and channel', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(30);
        const room = f.room();
        const ch = f.channel();
        const hist = f.history(room, ch, 60);
        const noise = [
          ...f.history(room, f.channel(), 10),
          ...f.history(f.room(), ch, 10),
          f.other('EPOCH_BUNDLE', room, { channel: ch }),
          f.entry({ room, device: f.key(), seq: 1, lamport: 5 }),
        ];
        await s.put(f.shuffle([...hist, ...noise]));
        const all = ids(historyOrder(hist));
        assert.deepEqual(ids(await s.range(room, ch, { limit: 1000 })), all);
        assert.deepEqual(ids(await s.range(room, ch, { limit: 1000, order: 'desc' })), [...all].reverse());
        assert.deepEqual(ids(await s.range(room, ch, { limit: 7 })), all.slice(0, 7));
        assert.deepEqual(ids(await s.range(room, ch, { limit: 7, order: 'desc' })), all.slice(-7).reverse());
        assert.deepEqual(await s.range(room, f.channel(), { limit: 10 }), []);
      }));

    it('batches of any size put into an existing history keep it in (lamport, id) order', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(33);
        const room = f.room();
        const ch = f.channel();
        const hist = f.shuffle(f.history(room, ch, 300, 6));
        let at = 0;
        for (const size of [5, 70, 1, 40, 120, 3, 61]) {
          await s.put(hist.slice(at, at + size));
          at += size;
          assert.deepEqual(ids(await s.range(room, ch, { limit: 1000 })), ids(historyOrder(hist.slice(0, at))));
        }
      }));

    it('after and before are exclusive, alone and together, in both orders', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(31);
        const room = f.room();
        const ch = f.channel();
        const sorted = historyOrder(f.history(room, ch, 40));
        await s.put(f.shuffle(sorted));
        const all = ids(sorted);
        const at = (i: number) => cursorOf(sorted[i] as StoredObject);
        assert.deepEqual(ids(await s.range(room, ch, { after: at(9), limit: 5 })), all.slice(10, 15));
        assert.deepEqual(ids(await s.range(room, ch, { before: at(9), limit: 5, order: 'desc' })), all.slice(4, 9).reverse());
        assert.deepEqual(ids(await s.range(room, ch, { after: at(9), before: at(20), limit: 100 })), all.slice(10, 20));
        assert.deepEqual(ids(await s.range(room, ch, { after: at(9), before: at(20), limit: 3, order: 'desc' })), all.slice(17, 20).reverse());
        assert.deepEqual(await s.range(room, ch, { after: at(20), before: at(9), limit: 100 }), []);
        // A cursor need not be a held object: a position between two lamports.
        const gap = { lamport: (sorted[0]?.lamport as number) + 0, id: new Uint8Array(32).fill(0xff) };
        const expected = all.filter((_, i) => (sorted[i]?.lamport as number) > gap.lamport);
        assert.deepEqual(ids(await s.range(room, ch, { after: gap, limit: 100 })), expected);
      }));

    it('paging through a history in either direction visits each object once', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(32);
        const room = f.room();
        const ch = f.channel();
        const hist = f.history(room, ch, 95, 5);
        await s.put(hist);
        const all = ids(historyOrder(hist));
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let cursor: StoredObject | undefined;
          for (;;) {
            const c = cursor === undefined ? undefined : cursorOf(cursor);
            const page = await s.range(room, ch, order === 'asc' ? { after: c, limit: 10 } : { before: c, limit: 10, order });
            seen.push(...ids(page));
            if (page.length < 10) break;
            cursor = page[page.length - 1];
          }
          assert.deepEqual(seen, order === 'asc' ? all : [...all].reverse());
        }
      }));

    it('range checks its arguments', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(33);
        const room = f.room();
        const ch = f.channel();
        for (const limit of [0, -1, 1.5, 10_001, Number.NaN]) await assert.rejects(s.range(room, ch, { limit }), InvalidArgumentError);
        await assert.rejects(s.range(room, ch, { limit: 5, order: 'up' as 'asc' }), InvalidArgumentError);
        await assert.rejects(s.range(room, ch, { limit: 5, after: { lamport: 1, id: new Uint8Array(2) } }), InvalidArgumentError);
        await assert.rejects(s.range(room, new Uint8Array(32), { limit: 5 }), InvalidArgumentError);
        await assert.rejects(s.range(new Uint8Array(16), ch, { limit: 5 }), InvalidArgumentError);
      }));

    it('haveVector is the highest contiguous seq from 1 per device', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(34);
        const room = f.room();
        const ch = f.channel();
        const [a, b, c, d] = [f.key(), f.key(), f.key(), f.key()] as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
        const env = (device: Uint8Array, seq: number) => f.envelope({ room, channel: ch, device, seq, lamport: seq });
        await s.put([1, 2, 3, 5, 6].map((n) => env(a, n)));
        await s.put([2, 3].map((n) => env(b, n)));
        await s.put([1].map((n) => env(c, n)));
        await s.put([env(d, 1), env(d, 1), env(d, 2)]);
        await s.put([env(a, 1)].map((o) => ({ ...o, channel: f.channel() })));
        const want = (entries: [Uint8Array, number][]) => Object.fromEntries(entries.map(([k, n]) => [toHex(k), n]).sort());
        assert.deepEqual(
          await s.haveVector(room, ch),
          want([
            [a, 3],
            [c, 1],
            [d, 2],
          ]),
        );
        await s.put([env(a, 4), env(b, 1)]);
        assert.deepEqual(
          await s.haveVector(room, ch),
          want([
            [a, 6],
            [b, 3],
            [c, 1],
            [d, 2],
          ]),
        );
        assert.deepEqual(await s.haveVector(room, f.channel()), {});
      }));

    it('haveVector falls back when held seqs are deleted', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(35);
        const room = f.room();
        const ch = f.channel();
        const dev = f.key();
        const objs = [1, 2, 3, 4, 5].map((seq) => f.envelope({ room, channel: ch, device: dev, seq, lamport: seq }));
        const twin = f.envelope({ room, channel: ch, device: dev, seq: 2, lamport: 9 });
        await s.put([...objs, twin]);
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 5 });
        await s.delete([(objs[1] as StoredObject).id]);
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 5 }, 'seq 2 is still held by its twin');
        await s.delete([twin.id]);
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 1 });
        await s.delete([(objs[0] as StoredObject).id]);
        assert.deepEqual(await s.haveVector(room, ch), {});
        await s.put([objs[0] as StoredObject, objs[1] as StoredObject]);
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 5 });
      }));

    it('bySeq returns one device span, ordered by (seq, id), twins included', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(36);
        const room = f.room();
        const ch = f.channel();
        const dev = f.key();
        const objs = Array.from({ length: 20 }, (_, i) => f.envelope({ room, channel: ch, device: dev, seq: i + 1, lamport: 40 - i }));
        const twin = f.envelope({ room, channel: ch, device: dev, seq: 7, lamport: 1 });
        await s.put([...f.shuffle(objs), twin, f.envelope({ room, channel: ch, device: f.key(), seq: 7, lamport: 7 })]);
        const got = await s.bySeq(room, ch, dev, 5, 9);
        assert.deepEqual(
          got.map((o) => o.seq),
          [5, 6, 7, 7, 8, 9],
        );
        const sevens = got.filter((o) => o.seq === 7).map((o) => toHex(o.id));
        assert.deepEqual(sevens, [...sevens].sort());
        assert.equal((await s.bySeq(room, ch, dev, 18, 1000)).length, 3);
        assert.deepEqual(await s.bySeq(room, ch, dev, 9, 5), []);
        assert.deepEqual(await s.bySeq(room, ch, f.key(), 1, 10), []);
        await assert.rejects(s.bySeq(room, ch, dev, -1, 5), InvalidArgumentError);
      }));
  });
};
