/**
 * A register that remembers every value it held and from which position: `at(p)` answers "what was
 * it after applying entries 0..p". Writes come in increasing position order (the forward scan).
 */
export class Versioned<T> {
  private readonly positions: number[] = [];
  private readonly values: T[] = [];
  private readonly initial: T;

  constructor(initial: T) {
    this.initial = initial;
  }

  set(position: number, value: T): void {
    const n = this.positions.length;
    if (n > 0 && this.positions[n - 1] === position) {
      this.values[n - 1] = value;
      return;
    }
    this.positions.push(position);
    this.values.push(value);
  }

  /** The latest value (after the whole scan). */
  get latest(): T {
    const n = this.values.length;
    return n === 0 ? this.initial : (this.values[n - 1] as T);
  }

  at(position: number): T {
    const ps = this.positions;
    if (ps.length === 0 || (ps[0] as number) > position) return this.initial;
    if ((ps[ps.length - 1] as number) <= position) return this.values[ps.length - 1] as T;
    let lo = 0;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((ps[mid] as number) <= position) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo] as T;
  }
}
