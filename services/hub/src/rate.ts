/** Per-peer token buckets: `rate` tokens per second, at most `burst` saved up. */
export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rate: number, burst: number, now: () => number = Date.now) {
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
  }

  /** Takes `n` tokens from `key`'s bucket; false (and nothing taken) if it holds fewer. */
  take(key: string, n = 1): boolean {
    const t = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: t };
    b.tokens = Math.min(this.#burst, b.tokens + ((t - b.at) / 1000) * this.#rate);
    b.at = t;
    if (this.#buckets.size > 50_000) this.#buckets.clear();
    this.#buckets.set(key, b);
    if (b.tokens < n) return false;
    b.tokens -= n;
    return true;
  }
}
