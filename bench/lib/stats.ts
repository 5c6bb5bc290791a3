/** Small, dependency-free statistics for benchmarks: median, percentiles and a timed-runs helper. */

const sorted = (xs: readonly number[], what: string): number[] => {
  if (xs.length === 0) throw new RangeError(`${what}: no samples`);
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`${what}: sample ${x} is not a finite number`);
  return [...xs].sort((a, b) => a - b);
};

/**
 * The p-th percentile (0..100) with linear interpolation between closest ranks, so
 * `percentile(xs, 50)` equals `median(xs)` and p=0 / p=100 are the minimum / maximum.
 */
export const percentile = (xs: readonly number[], p: number): number => {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const s = sorted(xs, 'percentile');
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (rank - lo);
};

/** The median; the mean of the two middle samples when there is an even number of them. */
export const median = (xs: readonly number[]): number => percentile(xs, 50);

export const mean = (xs: readonly number[]): number => {
  const s = sorted(xs, 'mean');
  return s.reduce((a, b) => a + b, 0) / s.length;
};

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export const summarize = (xs: readonly number[]): Summary => ({
  n: xs.length,
  min: percentile(xs, 0),
  p50: percentile(xs, 50),
  p90: percentile(xs, 90),
  p99: percentile(xs, 99),
  max: percentile(xs, 100),
  mean: mean(xs),
});

export interface MeasureOptions {
  /** Timed runs; the median of them is returned. */
  readonly runs: number;
  /** Untimed runs first, so JIT warm-up and lazy tables do not count. Default 1. */
  readonly warmup?: number;
}

/** Times `fn` (sync or async) `runs` times after `warmup` untimed calls; returns every sample in ms. */
export const sample = async (fn: () => unknown, opts: MeasureOptions): Promise<number[]> => {
  const { runs, warmup = 1 } = opts;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`measure: runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`measure: warmup must be a non-negative integer, got ${warmup}`);
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
};

/** The median duration in milliseconds of `runs` timed calls of `fn`, after a warm-up. */
export const measure = async (fn: () => unknown, opts: MeasureOptions): Promise<number> => median(await sample(fn, opts));
