/**
 * Range-based set reconciliation between two stores of 1,000,000 and 999,999 objects (one missing at
 * a random place): round trips and total bytes on the wire until the initiator knows the difference.
 * Baseline: sending the whole id list once (32 bytes per id), what a naive sync would cost.
 * Targets: at most 3 round trips and under 4 KB.
 */
import { type Item, Reconciler, SortedItems, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 20_000 : 1_000_000;
  const started = performance.now();
  // Ids from a counter-mode hash: deterministic, uniformly spread, like object ids.
  const all: Item[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const seed = new Uint8Array(8);
    new DataView(seed.buffer).setUint32(4, i);
    all[i] = { lamport: 1 + Math.floor(i / 40), id: nodeCrypto.sha256(seed) };
  }
  const missing = Math.floor(n * 0.6180339887);
  const a = new SortedItems(all.filter((_, i) => i !== missing));
  const b = new SortedItems(all);
  const buildMs = performance.now() - started;

  const init = new Reconciler(a, nodeCrypto, true);
  const resp = new Reconciler(b, nodeCrypto, false);
  const t0 = performance.now();
  let msg: Uint8Array | undefined = await init.initiate();
  let roundTrips = 0;
  let bytes = 0;
  const need: string[] = [];
  const sizes: number[] = [];
  while (msg !== undefined) {
    roundTrips++;
    bytes += msg.length;
    sizes.push(msg.length);
    const r = await resp.receive(msg);
    const reply = r.reply as Uint8Array;
    bytes += reply.length;
    sizes.push(reply.length);
    const step = await init.receive(reply);
    need.push(...step.need.map(toHex));
    msg = step.reply;
  }
  const ms = performance.now() - t0;
  if (need.length !== 1 || need[0] !== toHex((all[missing] as Item).id)) throw new Error(`found ${need.length} differences, expected the one missing id`);
  return makeResult({
    name: 'reconcile',
    value: bytes,
    unit: 'bytes',
    baseline: `full id list of ${n} objects`,
    baseline_value: n * 32,
    target: 'value < 4096',
    checks: { 'round trips <= 3': roundTrips <= 3 },
    details: { objects: n, round_trips: roundTrips, message_bytes: sizes, reconcile_ms: Math.round(ms), build_ms: Math.round(buildMs) },
  });
}
