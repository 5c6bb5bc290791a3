/** Compliance: the store side of range-based set reconciliation (fingerprints, splits, ids). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import type { Bounds, Cursor } from '../cursor.ts';
import { InvalidArgumentError } from '../errors.ts';
import { addFingerprints, EMPTY_FINGERPRINT, fingerprintOf } from '../fingerprint.ts';
import type { ObjectStore } from '../object-store.ts';
import type { StoredObject } from '../stored-object.ts';
import type { SuiteContext } from './context.ts';
import { cursorOf, Fixtures, historyOrder, ids } from './fixtures.ts';

const hexFp = (f: { count: number; fingerprint: Uint8Array }) => ({ count: f.count, fingerprint: toHex(f.fingerprint) });
const cur = (c: Cursor | undefined) => (c === undefined ? undefined : `${c.lamport}:${toHex(c.id)}`);

/**
 * A minimal range-based set reconciliation between two channels of one store (standing in for two
 * peers): equal fingerprints end a range; small ranges exchange ids; others split where the larger side says.
 */
const reconcile = async (
  s: ObjectStore,
  a: [Uint8Array, Uint8Array],
  b: [Uint8Array, Uint8Array],
  bounds: Bounds,
  diff: { a: Set<string>; b: Set<string> },
): Promise<number> => {
  const [fa, fb] = [await s.fingerprint(a[0], a[1], bounds), await s.fingerprint(b[0], b[1], bounds)];
  if (fa.count === fb.count && toHex(fa.fingerprint) === toHex(fb.fingerprint)) return 1;
  if (fa.count + fb.count <= 8) {
    const ia = new Set((await s.rangeIds(a[0], a[1], bounds, 16)).map((c) => toHex(c.id)));
    const ib = new Set((await s.rangeIds(b[0], b[1], bounds, 16)).map((c) => toHex(c.id)));
    for (const x of ia) if (!ib.has(x)) diff.a.add(x);
    for (const x of ib) if (!ia.has(x)) diff.b.add(x);
    return 1;
  }
  const [sr, sc] = fa.count >= fb.count ? a : b;
  let rounds = 1;
  for (const part of await s.split(sr, sc, bounds, 4)) rounds += await reconcile(s, a, b, { lower: part.lower, upper: part.upper }, diff);
  return rounds;
};

export const syncTests = (ctx: SuiteContext): void => {
  describe('range-based reconciliation', () => {
    it('fingerprint is the count and sum of the ids in [lower, upper)', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(40);
        const room = f.room();
        const ch = f.channel();
        const sorted = historyOrder(f.history(room, ch, 120));
        await s.put(f.shuffle([...sorted, ...f.history(room, f.channel(), 5), f.other('EPOCH_BUNDLE', room, { channel: ch })]));
        assert.deepEqual(hexFp(await s.fingerprint(room, ch)), hexFp(fingerprintOf(sorted.map((o) => o.id))));
        assert.deepEqual(hexFp(await s.fingerprint(room, f.channel())), hexFp(EMPTY_FINGERPRINT));
        for (let k = 0; k < 25; k++) {
          const i = f.int(0, sorted.length - 1);
          const j = f.int(i, sorted.length);
          const lower = i === 0 && k % 2 === 0 ? undefined : cursorOf(sorted[i] as StoredObject);
          const upper = j === sorted.length ? undefined : cursorOf(sorted[j] as StoredObject);
          const want = fingerprintOf(sorted.slice(i, j).map((o) => o.id));
          assert.deepEqual(hexFp(await s.fingerprint(room, ch, { lower, upper })), hexFp(want), `range [${i}, ${j})`);
        }
      }));

    it('split cuts a range into near-equal parts that cover it exactly', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(41);
        const room = f.room();
        const ch = f.channel();
        const sorted = historyOrder(f.history(room, ch, 103));
        await s.put(sorted);
        const cases: [Bounds, number][] = [
          [{}, 4],
          [{}, 1],
          [{ lower: cursorOf(sorted[10] as StoredObject), upper: cursorOf(sorted[90] as StoredObject) }, 7],
          [{ lower: cursorOf(sorted[50] as StoredObject) }, 16],
          [{ lower: cursorOf(sorted[100] as StoredObject) }, 16],
          [{}, 1024],
        ];
        for (const [bounds, parts] of cases) {
          const got = await s.split(room, ch, bounds, parts);
          const whole = await s.fingerprint(room, ch, bounds);
          assert.equal(got.length, Math.min(parts, whole.count));
          assert.equal(cur(got[0]?.lower), cur(bounds.lower));
          assert.equal(cur(got[got.length - 1]?.upper), cur(bounds.upper));
          for (let i = 0; i + 1 < got.length; i++) assert.equal(cur(got[i]?.upper), cur(got[i + 1]?.lower));
          const sizes = got.map((p) => p.count);
          assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
          assert.deepEqual(hexFp(addFingerprints(...got)), hexFp(whole));
          for (const p of got) assert.deepEqual(hexFp(await s.fingerprint(room, ch, p)), hexFp(p));
        }
        const empty = await s.split(room, f.channel(), { upper: cursorOf(sorted[3] as StoredObject) }, 4);
        assert.deepEqual(
          empty.map((p) => [cur(p.lower), cur(p.upper), p.count]),
          [[undefined, cur(cursorOf(sorted[3] as StoredObject)), 0]],
        );
        await assert.rejects(s.split(room, ch, {}, 0), InvalidArgumentError);
      }));

    it('rangeIds lists the cursors of a range, ascending, up to a limit', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(42);
        const room = f.room();
        const ch = f.channel();
        const sorted = historyOrder(f.history(room, ch, 30));
        await s.put(f.shuffle(sorted));
        const bounds = { lower: cursorOf(sorted[5] as StoredObject), upper: cursorOf(sorted[25] as StoredObject) };
        const got = await s.rangeIds(room, ch, bounds, 100);
        assert.deepEqual(ids(got), ids(sorted.slice(5, 25)));
        assert.deepEqual(
          got.map((c) => c.lamport),
          sorted.slice(5, 25).map((o) => o.lamport),
        );
        assert.deepEqual(ids(await s.rangeIds(room, ch, bounds, 3)), ids(sorted.slice(5, 8)));
        await assert.rejects(s.rangeIds(room, ch, bounds, 0), InvalidArgumentError);
      }));

    it('is enough to reconcile two large sets: each side learns exactly what it lacks', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(43);
        const ch = f.channel();
        const [ra, rb] = [f.room(), f.room()];
        const common = f.history(ra, ch, ctx.largeBatch, 6);
        const onlyA = f.history(ra, ch, 7).map((o) => ({ ...o, lamport: f.int(1, ctx.largeBatch / 2) }));
        const onlyB = f.history(rb, ch, 5).map((o) => ({ ...o, lamport: f.int(1, ctx.largeBatch / 2) }));
        await s.put([...common, ...onlyA]);
        await s.put([...common.map((o) => ({ ...o, room: rb })), ...onlyB]);
        const diff = { a: new Set<string>(), b: new Set<string>() };
        const rounds = await reconcile(s, [ra, ch], [rb, ch], {}, diff);
        assert.deepEqual([...diff.a].sort(), ids(onlyA).sort());
        assert.deepEqual([...diff.b].sort(), ids(onlyB).sort());
        assert.ok(rounds < ctx.largeBatch / 4, `${rounds} ranges compared for ${ctx.largeBatch} objects`);
      }));
  });
};
