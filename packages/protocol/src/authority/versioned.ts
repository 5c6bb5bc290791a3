/**
 * A register that remembers every value it held and from which position: `at(p)` answers "what was
 * it after applying entries 0..p". Writes come in increasing position order (the forward scan).
 */
export class Versioned<T> {
  // Most registers hold one or two values, and a replay makes tens of thousands of them: the arrays
  // are made at the size they need for those (the first push on an empty array reserves 16 slots).
  private positions: number[] | undefined;
  private values: T[] | undefined;
  private readonly initial: T;

  constructor(initial: T) {
    this.initial = initial;
  }

  set(position: number, value: T): void {
    const ps = this.positions;
    const vs = this.values;
    if (ps === undefined || vs === undefined) {
      this.positions = [position];
      this.values = [value];
      return;
    }
    const n = ps.length;
    if (ps[n - 1] === position) {
      vs[n - 1] = value;
      return;
    }
    if (n === 1) {
      this.positions = [ps[0] as number, position];
      this.values = [vs[0] as T, value];
      return;
    }
    ps.push(position);
    vs.push(value);
  }

  /** The latest value (after the whole scan). */
  get latest(): T {
    const vs = this.values;
    return vs === undefined ? this.initial : (vs[vs.length - 1] as T);
  }

  at(position: number): T {
    const ps = this.positions;
    const vs = this.values;
    if (ps === undefined || vs === undefined || (ps[0] as number) > position) return this.initial;
    if ((ps[ps.length - 1] as number) <= position) return vs[ps.length - 1] as T;
    let lo = 0;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((ps[mid] as number) <= position) lo = mid;
      else hi = mid - 1;
    }
    return vs[lo] as T;
  }
}
