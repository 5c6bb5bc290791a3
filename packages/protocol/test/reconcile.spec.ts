import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../src/bytes.ts';
import { ProtocolError } from '../src/errors.ts';
import { Reconciler } from '../src/sync/reconcile.ts';
import { decodeReconcileMessage, encodeReconcileMessage } from '../src/sync/reconcile-message.ts';
import { type Item, SortedItems } from '../src/sync/reconcile-source.ts';
import { fuzz } from './fuzz/harness.ts';
import { crypto, seededRandom } from './helpers.ts';

/** Runs a whole reconciliation in memory; returns what the initiator learned and the cost. */
export const reconcile = async (a: SortedItems, b: SortedItems, opts?: { branching: number; idThreshold: number }) => {
  const init = new Reconciler(a, crypto, true, opts);
  const resp = new Reconciler(b, crypto, false, opts);
  let msg: Uint8Array | undefined = await init.initiate();
  const have: string[] = [];
  const need: string[] = [];
  let roundTrips = 0;
  let bytes = 0;
  while (msg !== undefined) {
    if (roundTrips > 64) throw new Error('did not terminate');
    roundTrips++;
    bytes += msg.length;
    const reply = await resp.receive(msg);
    bytes += (reply.reply as Uint8Array).length;
    const step = await init.receive(reply.reply as Uint8Array);
    have.push(...step.have.map(toHex));
    need.push(...step.need.map(toHex));
    msg = step.reply;
  }
  return { have: have.sort(), need: need.sort(), roundTrips, bytes };
};

const items = (seed: string, n: number, lamports = 50): Item[] => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({ lamport: 1 + (i % lamports), id: r(32) }));
};

describe('range-based set reconciliation', () => {
  it('finds exactly the symmetric difference (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(400), fc.nat(30), fc.nat(30), fc.string(), fc.integer({ min: 2, max: 16 }), async (shared, onlyA, onlyB, seed, branching) => {
        const common = items(`c${seed}`, shared);
        const a = items(`a${seed}`, onlyA);
        const b = items(`b${seed}`, onlyB);
        const res = await reconcile(new SortedItems([...common, ...a]), new SortedItems([...common, ...b]), { branching, idThreshold: 4 });
        assert.deepEqual(res.have, a.map((i) => toHex(i.id)).sort());
        assert.deepEqual(res.need, b.map((i) => toHex(i.id)).sort());
      }),
      { numRuns: 60 },
    );
  });

  it('identical sets finish in one round trip', async () => {
    const s = items('same', 5000);
    const res = await reconcile(new SortedItems(s), new SortedItems(s));
    assert.equal(res.roundTrips, 1);
    assert.deepEqual([res.have, res.need], [[], []]);
  });

  it('garbage and hostile messages raise typed errors only', () => {
    const s = new SortedItems(items('fz', 300));
    const seeds = [encodeReconcileMessage([{ mode: 'fingerprint', upper: undefined, count: 3, fingerprint: new Uint8Array(12) }])];
    const r = fuzz({ name: 'reconcile-message', seeds, decode: decodeReconcileMessage });
    assert.ok(r.inputs > 0);
    void s;
    const tooManyIds = encodeReconcileMessage([{ mode: 'ids', upper: undefined, ids: Array.from({ length: 1025 }, () => new Uint8Array(32)) }]);
    assert.throws(() => decodeReconcileMessage(tooManyIds), ProtocolError);
    const decreasing = encodeReconcileMessage([
      { mode: 'skip', upper: { lamport: 5, id: new Uint8Array(0) } },
      { mode: 'skip', upper: { lamport: 4, id: new Uint8Array(0) } },
      { mode: 'skip', upper: undefined },
    ]);
    assert.throws(
      () => decodeReconcileMessage(decreasing),
      (e: ProtocolError) => e.code === 'ERR_FIELD',
    );
  });
});
