/**
 * What the verification pool is for: keeping the event loop responsive while a node checks a burst of
 * signatures (gossip fan-in). 12 bursts of 1,000 signed objects arrive 10 ms apart; measured is the
 * longest event-loop stall (perf_hooks histogram, ms) while verifying them on a worker pool, against
 * verifying them inline on the main thread in the same run. Target: the pool's longest stall at most
 * a quarter of the inline one. Throughput of both is reported beside it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type SignatureCheck, signingInput } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { spawnNodeWorker, VerifyPool } from '@parley/verify';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';

const makeChecks = (n: number): SignatureCheck[] =>
  Array.from({ length: n }, (_, i) => {
    const secret = nodeCrypto.sha256(new TextEncoder().encode(`vp-${i % 64}`));
    const message = signingInput('ENVELOPE', new TextEncoder().encode(`object ${i}`.padEnd(300, '.')));
    return { publicKey: nodeCrypto.ed25519PublicKey(secret), message, signature: nodeCrypto.ed25519Sign(secret, message) };
  });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Feeds `bursts` bursts to `handle`, 10 ms apart; returns the longest stall (ms) and the time to finish. */
const drive = async (bursts: SignatureCheck[][], handle: (b: SignatureCheck[]) => Promise<unknown> | unknown): Promise<{ stall: number; ms: number }> => {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const done: Promise<unknown>[] = [];
  for (const b of bursts) {
    done.push(Promise.resolve(handle(b)));
    await sleep(10);
  }
  await Promise.all(done);
  const ms = performance.now() - t0;
  h.disable();
  return { stall: h.max / 1e6, ms };
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const burst = opts.smoke ? 20 : 1000;
  const count = opts.smoke ? 5 : 12;
  const checks = makeChecks(burst * count);
  const bursts = Array.from({ length: count }, (_, i) => checks.slice(i * burst, (i + 1) * burst));
  const inline = await drive(bursts, (b) => b.map((c) => nodeCrypto.ed25519Verify(c.publicKey, c.message, c.signature)));
  const pool = new VerifyPool(spawnNodeWorker, { size: 1, maxBatch: 128 });
  await pool.verifyMany(checks.slice(0, 64)); // start the worker
  const pooled = await drive(bursts, (b) => pool.verifyMany(b));
  await pool.close();
  return makeResult({
    name: 'verify-pool',
    value: pooled.stall,
    unit: 'ms longest event-loop stall',
    baseline: 'inline verification on the main thread',
    baseline_value: inline.stall,
    target: 'ratio <= 0.25',
    details: {
      objects: checks.length,
      burst,
      pool_total_ms: Math.round(pooled.ms),
      inline_total_ms: Math.round(inline.ms),
      pool_verifies_per_s: Math.round((checks.length / pooled.ms) * 1000),
      inline_verifies_per_s: Math.round((checks.length / inline.ms) * 1000),
    },
  });
}
