/**
 * One channel's envelopes in memory: an array sorted by (lamport, id) for paging and reconciliation,
 * and a per-device seq index for have-vectors. The reference for what the SQL adapters compute.
 */
import { compare, type HaveVector, toHex } from '@parley/protocol';
import { splitStarts } from '../arguments.ts';
import { type Bounds, type Cursor, compareCursors } from '../cursor.ts';
import { EMPTY_FINGERPRINT, type Fingerprint, fingerprintOf } from '../fingerprint.ts';
import type { RangeSummary } from '../object-store.ts';
import type { StoredObject } from '../stored-object.ts';

export const cursorOf = (o: StoredObject): Cursor => ({ lamport: o.lamport as number, id: o.id });

export class ChannelLog {
  /** Sorted by (lamport, id). */
  #sorted: StoredObject[] = [];
  /** device hex -> seq -> objects with that seq (several when a device equivocated). */
  readonly #seqs = new Map<string, Map<number, StoredObject[]>>();

  get size(): number {
    return this.#sorted.length;
  }

  /** First index whose cursor is >= c (or > c when `strict`). */
  #index(c: Cursor, strict: boolean): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareCursors(cursorOf(this.#sorted[mid] as StoredObject), c);
      if (d < 0 || (strict && d === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(o: StoredObject): void {
    this.#sorted.splice(this.#index(cursorOf(o), false), 0, o);
    this.#indexSeq(o);
  }

  /**
   * Adds a batch: small ones by binary insertion, large ones by sorting the batch and merging it
   * into the sorted array in one pass (inserting one by one is quadratic when a late joiner's
   * batches arrive per device, i.e. out of (lamport, id) order).
   */
  addMany(batch: readonly StoredObject[]): void {
    if (batch.length < 32) {
      for (const o of batch) this.add(o);
      return;
    }
    const incoming = [...batch].sort((a, b) => compareCursors(cursorOf(a), cursorOf(b)));
    const old = this.#sorted;
    const merged: StoredObject[] = new Array(old.length + incoming.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < incoming.length) {
      const a = old[i] as StoredObject;
      const b = incoming[j] as StoredObject;
      if (compareCursors(cursorOf(a), cursorOf(b)) <= 0) {
        merged[k++] = a;
        i++;
      } else {
        merged[k++] = b;
        j++;
      }
    }
    while (i < old.length) merged[k++] = old[i++] as StoredObject;
    while (j < incoming.length) merged[k++] = incoming[j++] as StoredObject;
    this.#sorted = merged;
    for (const o of incoming) this.#indexSeq(o);
  }

  #indexSeq(o: StoredObject): void {
    const d = toHex(o.device as Uint8Array);
    let bySeq = this.#seqs.get(d);
    if (bySeq === undefined) this.#seqs.set(d, (bySeq = new Map()));
    const seq = o.seq as number;
    bySeq.set(seq, [...(bySeq.get(seq) ?? []), o]);
  }

  remove(o: StoredObject): void {
    const i = this.#index(cursorOf(o), false);
    if (i < this.#sorted.length && compare((this.#sorted[i] as StoredObject).id, o.id) === 0) this.#sorted.splice(i, 1);
    const d = toHex(o.device as Uint8Array);
    const bySeq = this.#seqs.get(d);
    const left = (bySeq?.get(o.seq as number) ?? []).filter((x) => compare(x.id, o.id) !== 0);
    if (left.length > 0) bySeq?.set(o.seq as number, left);
    else bySeq?.delete(o.seq as number);
    if (bySeq?.size === 0) this.#seqs.delete(d);
  }

  range(after: Cursor | undefined, before: Cursor | undefined, limit: number, order: 'asc' | 'desc'): StoredObject[] {
    const start = after === undefined ? 0 : this.#index(after, true);
    const end = before === undefined ? this.#sorted.length : this.#index(before, false);
    if (start >= end) return [];
    if (order === 'asc') return this.#sorted.slice(start, Math.min(end, start + limit));
    return this.#sorted.slice(Math.max(start, end - limit), end).reverse();
  }

  haveVector(): HaveVector {
    const out: HaveVector = {};
    for (const d of [...this.#seqs.keys()].sort()) {
      const bySeq = this.#seqs.get(d) as Map<number, StoredObject[]>;
      let n = 0;
      while (bySeq.has(n + 1)) n++;
      if (n > 0) out[d] = n;
    }
    return out;
  }

  bySeq(device: Uint8Array, from: number, to: number): StoredObject[] {
    const bySeq = this.#seqs.get(toHex(device));
    if (bySeq === undefined || from > to) return [];
    const out: StoredObject[] = [];
    // Walk whichever is smaller: the requested span or the device's stream.
    const seqs = to - from < bySeq.size ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : [...bySeq.keys()].filter((s) => s >= from && s <= to);
    for (const s of seqs.sort((a, b) => a - b)) out.push(...[...(bySeq.get(s) ?? [])].sort((a, b) => compare(a.id, b.id)));
    return out;
  }

  #slice(b: Bounds): [number, number] {
    const lo = b.lower === undefined ? 0 : this.#index(b.lower, false);
    const hi = b.upper === undefined ? this.#sorted.length : this.#index(b.upper, false);
    return [lo, Math.max(lo, hi)];
  }

  fingerprint(b: Bounds): Fingerprint {
    const [lo, hi] = this.#slice(b);
    return lo === hi ? EMPTY_FINGERPRINT : fingerprintOf(this.#sorted.slice(lo, hi).map((o) => o.id));
  }

  split(b: Bounds, parts: number): RangeSummary[] {
    const [lo, hi] = this.#slice(b);
    const starts = splitStarts(hi - lo, parts);
    if (starts.length === 0) return [{ lower: b.lower, upper: b.upper, ...EMPTY_FINGERPRINT }];
    return starts.map((s, i) => {
      const next = starts[i + 1];
      const items = this.#sorted.slice(lo + s, next === undefined ? hi : lo + next);
      return {
        lower: i === 0 ? b.lower : cursorOf(items[0] as StoredObject),
        upper: next === undefined ? b.upper : cursorOf(this.#sorted[lo + next] as StoredObject),
        ...fingerprintOf(items.map((o) => o.id)),
      };
    });
  }

  rangeIds(b: Bounds, limit: number): Cursor[] {
    const [lo, hi] = this.#slice(b);
    return this.#sorted.slice(lo, Math.min(hi, lo + limit)).map(cursorOf);
  }
}
