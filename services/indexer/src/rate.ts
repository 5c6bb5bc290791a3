/** Token buckets per key (client IP): `rate` tokens per second, at most `burst` saved up. */
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

  /** Takes one token from `key`'s bucket; false (nothing taken) when it is empty. */
  take(key: string): boolean {
    const t = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: t };
    b.tokens = Math.min(this.#burst, b.tokens + ((t - b.at) / 1000) * this.#rate);
    b.at = t;
    // A flood of distinct addresses must not grow memory without bound: start over (everyone gets a full bucket once).
    if (this.#buckets.size > 50_000) this.#buckets.clear();
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
