/**
 * One device's bookkeeping during a forward scan: the authority seqs its valid entries used (a second
 * use is equivocation) and their positions (for the cut-off pass). Honest devices use seqs in
 * increasing order along the scan, so they are kept as an ascending array; the first out-of-order seq
 * switches to a Set, so no log, however signed, makes this slower than a Set.
 */
export class SignerLog {
  /** Positions of this device's valid entries, ascending. */
  readonly positions: number[] = [];
  private ascending: number[] = [];
  private set: Set<number> | undefined;

  used(seq: number): boolean {
    if (this.set !== undefined) return this.set.has(seq);
    const a = this.ascending;
    if (a.length === 0 || seq > (a[a.length - 1] as number)) return false;
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

  /** Records a valid entry; `seq` must not be `used` yet. */
  add(seq: number, position: number): void {
    this.positions.push(position);
    if (this.set !== undefined) {
      this.set.add(seq);
      return;
    }
    const a = this.ascending;
    if (a.length === 0 || seq > (a[a.length - 1] as number)) {
      a.push(seq);
      return;
    }
    this.set = new Set(a);
    this.set.add(seq);
    this.ascending = [];
  }
}
