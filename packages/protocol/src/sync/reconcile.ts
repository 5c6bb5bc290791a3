/**
 * Range-based set reconciliation (A. Meyer, "Range-Based Set Reconciliation"; wire shaped like
 * negentropy): two peers find the symmetric difference of their sets of (lamport, id) items by
 * exchanging fingerprints of ranges, splitting only the ranges that differ, and listing ids once a
 * range is small. For n items and d differences it costs O(d log n) bytes and about
 * log_branching(n / idThreshold) round trips. Pure: the store behind `ReconcileSource` may be async.
 */
import { compare, concat, toHex } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { LIMITS } from '../limits.ts';
import { decodeReconcileMessage, encodeReconcileMessage, FINGERPRINT_BYTES, type WireRange } from './reconcile-message.ts';
import type { Bound, Item, RangeSummary, ReconcileSource } from './reconcile-source.ts';

export interface ReconcileOptions {
  /** Parts a differing range is split into. */
  readonly branching: number;
  /** Ranges with at most this many items are sent as id lists. */
  readonly idThreshold: number;
}

export const DEFAULT_RECONCILE: ReconcileOptions = { branching: 16, idThreshold: 16 };

export interface ReconcileStep {
  /** The message to send back; undefined when reconciliation is complete (initiator only). */
  readonly reply: Uint8Array | undefined;
  /** Initiator only: ids I hold that the other side lacks. */
  readonly have: Uint8Array[];
  /** Initiator only: ids the other side holds that I lack. */
  readonly need: Uint8Array[];
}

const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};

export const wireFingerprint = (s: RangeSummary, crypto: CryptoPort): Uint8Array => crypto.sha256(concat(s.sum, u64(s.count))).subarray(0, FINGERPRINT_BYTES);

/** The shortest bound that sorts after `prev` and at or before `next`. */
export const boundBetween = (prev: Item, next: Item): Bound => {
  if (prev.lamport < next.lamport) return { lamport: next.lamport, id: new Uint8Array(0) };
  let k = 0;
  while (k < 32 && prev.id[k] === next.id[k]) k++;
  return { lamport: next.lamport, id: next.id.subarray(0, k + 1) };
};

export class Reconciler {
  private readonly source: ReconcileSource;
  private readonly crypto: CryptoPort;
  private readonly opts: ReconcileOptions;
  private readonly initiator: boolean;

  constructor(source: ReconcileSource, crypto: CryptoPort, initiator: boolean, opts: ReconcileOptions = DEFAULT_RECONCILE) {
    this.source = source;
    this.crypto = crypto;
    this.initiator = initiator;
    this.opts = opts;
  }

  /** The initiator's first message: the whole set, split. */
  async initiate(): Promise<Uint8Array> {
    const out: WireRange[] = [];
    const all = await this.source.summary(undefined, undefined);
    await this.splitOrList(out, undefined, undefined, all.count);
    return encodeReconcileMessage(out);
  }

  /** Processes a message from the other side (decoded and bounded first: typed errors on garbage). */
  async receive(message: Uint8Array): Promise<ReconcileStep> {
    const ranges = decodeReconcileMessage(message);
    const out: WireRange[] = [];
    const have: Uint8Array[] = [];
    const need: Uint8Array[] = [];
    let lower: Bound | undefined;
    for (const r of ranges) {
      if (r.mode === 'skip') {
        pushSkip(out, r.upper);
      } else if (r.mode === 'fingerprint') {
        const mine = await this.source.summary(lower, r.upper);
        const same = mine.count === r.count && equalBytes(wireFingerprint(mine, this.crypto), r.fingerprint);
        if (same) pushSkip(out, r.upper);
        else await this.splitOrList(out, lower, r.upper, mine.count);
      } else {
        const mine = await this.source.items(lower, r.upper, LIMITS.maxReconcileIds + 1);
        if (this.initiator) {
          const theirs = new Set(r.ids.map(toHex));
          const ours = new Set(mine.map((i) => toHex(i.id)));
          for (const i of mine) if (!theirs.has(toHex(i.id))) have.push(i.id);
          for (const id of r.ids) if (!ours.has(toHex(id))) need.push(id);
          pushSkip(out, r.upper);
        } else if (mine.length <= LIMITS.maxReconcileIds) {
          out.push({ mode: 'ids', upper: r.upper, ids: mine.map((i) => i.id) });
        } else {
          await this.splitOrList(out, lower, r.upper, mine.length);
        }
      }
      lower = r.upper;
    }
    const done = out.every((r) => r.mode === 'skip');
    return { reply: done && this.initiator ? undefined : encodeReconcileMessage(out), have, need };
  }

  /** Emits my items of [lower, upper) as an id list when small, else as `branching` fingerprinted parts. */
  private async splitOrList(out: WireRange[], lower: Bound | undefined, upper: Bound | undefined, count: number): Promise<void> {
    if (count <= this.opts.idThreshold) {
      const items = await this.source.items(lower, upper, count);
      out.push({ mode: 'ids', upper, ids: items.map((i) => i.id) });
      return;
    }
    const items = await this.source.items(lower, upper, count);
    const parts = Math.min(this.opts.branching, items.length);
    let from: Bound | undefined = lower;
    for (let p = 1; p <= parts; p++) {
      const end = Math.floor((p * items.length) / parts);
      const partUpper = p === parts ? upper : boundBetween(items[end - 1] as Item, items[end] as Item);
      const s = await this.source.summary(from, partUpper);
      out.push({ mode: 'fingerprint', upper: partUpper, count: s.count, fingerprint: wireFingerprint(s, this.crypto) });
      from = partUpper;
    }
  }
}

const pushSkip = (out: WireRange[], upper: Bound | undefined): void => {
  const last = out[out.length - 1];
  if (last?.mode === 'skip') out[out.length - 1] = { mode: 'skip', upper };
  else out.push({ mode: 'skip', upper });
};

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => compare(a, b) === 0;
