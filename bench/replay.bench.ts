/**
 * Authority replay: ordering + forward scan + cut-off pass over already-verified entries (signature
 * verification happens once, at ingest; see the ingest benchmark). Measures the median of 3 replays
 * of 10k and 100k entries of a realistic moderation-heavy log. Targets: 100k in under 1 s, and
 * linear: the 100k time within 1.5x of ten times the 10k time.
 */
import { replayAuthority } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { buildAuthorityChain } from './lib/authority-corpus.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { measure } from './lib/stats.ts';

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const big = opts.smoke ? 2_000 : 100_000;
  const small = big / 10;
  const built = performance.now();
  const entries = buildAuthorityChain(big);
  const buildMs = performance.now() - built;
  const head = entries.slice(0, small);
  const check = replayAuthority(entries, nodeCrypto);
  if (check.rejected.length > 0 || check.pending.length > 0) {
    throw new Error(`corpus is not fully valid: ${check.rejected[0]?.error.message ?? check.pending[0]?.error.message}`);
  }
  const tSmall = await measure(() => replayAuthority(head, nodeCrypto), { runs: 3, warmup: 1 });
  const tBig = await measure(() => replayAuthority(entries, nodeCrypto), { runs: 3, warmup: 1 });
  return makeResult({
    name: 'replay',
    value: tBig,
    unit: 'ms',
    baseline: `10 x replay of ${small} entries (linear extrapolation)`,
    baseline_value: tSmall * 10,
    target: 'value < 1000',
    checks: { 'linear: ratio <= 1.5': tBig / (tSmall * 10) <= 1.5 },
    details: {
      entries: big,
      ms_10k: tSmall,
      ms_100k: tBig,
      entries_per_s: (big / tBig) * 1000,
      corpus_build_ms: Math.round(buildMs),
      members: check.members().length,
      valid: check.validEntries().length,
    },
  });
}
