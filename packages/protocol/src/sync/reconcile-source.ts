/**
 * What range-based set reconciliation needs from a set of objects ordered by (lamport, id): counts,
 * fingerprints and ids of half-open ranges [lower, upper). Stores implement it over their indexes
 * (Postgres: SUM over id limbs); `SortedItems` is the in-memory implementation.
 */
import { compare } from '../bytes.ts';
import { InvalidFieldError } from '../errors.ts';

/** A position in (lamport, id) order. `id` may be a prefix: it sorts before every id it prefixes. */
export interface Bound {
  readonly lamport: number;
  readonly id: Uint8Array;
}

export interface Item {
  readonly lamport: number;
  readonly id: Uint8Array;
}

export interface RangeSummary {
  readonly count: number;
  /** Sum of the ids as 256-bit big-endian integers, mod 2^256 (32 bytes). */
  readonly sum: Uint8Array;
}

export interface ReconcileSource {
  /** Items in [lower, upper): `undefined` bounds are -infinity / +infinity. */
  summary(lower: Bound | undefined, upper: Bound | undefined): RangeSummary | Promise<RangeSummary>;
  /** The items of [lower, upper), in order, at most `limit`. */
  items(lower: Bound | undefined, upper: Bound | undefined, limit: number): readonly Item[] | Promise<readonly Item[]>;
}

export const compareBound = (a: Bound, b: Bound): number => a.lamport - b.lamport || compare(a.id, b.id);

const MASK = (1n << 256n) - 1n;
const toBig = (b: Uint8Array): bigint => {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
};
export const sumBytes = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  let x = v & MASK;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

/** An in-memory sorted set with prefix sums: O(log n) summaries. */
export class SortedItems implements ReconcileSource {
  readonly items_: Item[];
  private readonly prefix: bigint[];

  constructor(items: Iterable<Item>) {
    const sorted = [...items].sort(compareBound);
    for (let i = 1; i < sorted.length; i++) {
      if (compareBound(sorted[i - 1] as Item, sorted[i] as Item) === 0) throw new InvalidFieldError('items', 'duplicate item');
    }
    this.items_ = sorted;
    this.prefix = new Array<bigint>(sorted.length + 1);
    let acc = 0n;
    this.prefix[0] = 0n;
    for (let i = 0; i < sorted.length; i++) {
      acc = (acc + toBig((sorted[i] as Item).id)) & MASK;
      this.prefix[i + 1] = acc;
    }
  }

  get size(): number {
    return this.items_.length;
  }

  /** Index of the first item >= bound (items.length for +infinity). */
  indexOf(bound: Bound | undefined): number {
    if (bound === undefined) return this.items_.length;
    let lo = 0;
    let hi = this.items_.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareBound(this.items_[mid] as Item, bound) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  summary(lower: Bound | undefined, upper: Bound | undefined): RangeSummary {
    const a = lower === undefined ? 0 : this.indexOf(lower);
    const b = Math.max(a, this.indexOf(upper));
    return { count: b - a, sum: sumBytes(((this.prefix[b] as bigint) - (this.prefix[a] as bigint)) & MASK) };
  }

  items(lower: Bound | undefined, upper: Bound | undefined, limit: number): readonly Item[] {
    const a = lower === undefined ? 0 : this.indexOf(lower);
    const b = Math.max(a, this.indexOf(upper));
    return this.items_.slice(a, Math.min(b, a + limit));
  }
}
