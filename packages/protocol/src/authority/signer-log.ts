/**
 * One device's bookkeeping during a forward scan: the authority seqs its valid entries used (a second
 * use is equivocation) and their positions, side by side (for the cut-off pass, which then never goes
 * back to the entries). Honest devices use seqs in increasing order along the scan, so membership is
 * a binary search in `seqs`; the first out-of-order seq adds a Set, so no log, however signed, makes
 * this slower than a Set.
 */
export class SignerLog {
  /** Positions of this device's valid entries, ascending. */
  positions: readonly number[];
  /** seqs[i] is the seq of the entry at positions[i]; ascending until `set` exists. */
  seqs: readonly number[];
  private set: Set<number> | undefined;

  // Most devices sign one or two entries: the arrays start at the size they need (the first push on
  // an empty array reserves 16 slots, and a replay makes a log per device).
  constructor(seq: number, position: number) {
    this.positions = [position];
    this.seqs = [seq];
  }

  used(seq: number): boolean {
    if (this.set !== undefined) return this.set.has(seq);
    const a = this.seqs;
    if (seq > (a[a.length - 1] as number)) return false;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = a[mid] as number;
      if (v === seq) return true;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Records another valid entry; `seq` must not be `used` yet. */
  add(seq: number, position: number): void {
    const a = this.seqs;
    const n = a.length;
    if (this.set !== undefined) this.set.add(seq);
    else if (seq < (a[n - 1] as number)) {
      this.set = new Set(a);
      this.set.add(seq);
    }
    if (n === 1) {
      this.positions = [this.positions[0] as number, position];
      this.seqs = [a[0] as number, seq];
    } else {
      (this.positions as number[]).push(position);
      (a as number[]).push(seq);
    }
  }
}
