/**
 * The one result shape every benchmark returns, and how it is written and printed.
 *
 * bench/results/<name>.json holds exactly { name, value, unit, baseline, baseline_value, ratio,
 * target, pass } plus optional `details` and `machine`. `target` reads `ratio >= 5` or
 * `value <= 250` (metric, operator, threshold), so `pass` is computed in one place.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

export interface Machine {
  /** Logical CPU count and model, e.g. `8 x AMD EPYC 7763`. */
  readonly cpus: string;
  readonly node: string;
  /** ISO 8601 time of the run. */
  readonly date: string;
}

export interface BenchResult {
  readonly name: string;
  /** The measured quantity, in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** What `value` is compared with, named, e.g. `noble ed25519 verify`. */
  readonly baseline: string;
  readonly baseline_value: number;
  /** value / baseline_value. */
  readonly ratio: number;
  /** e.g. `ratio >= 5`. */
  readonly target: string;
  readonly pass: boolean;
  readonly details?: Record<string, unknown>;
  readonly machine?: Machine;
}

export interface BenchOptions {
  /** Tiny N so the whole benchmark takes seconds at most; numbers are then only indicative. */
  readonly smoke: boolean;
}

/** What every `bench/<name>.bench.ts` exports as default. */
export type Bench = (opts: BenchOptions) => Promise<BenchResult>;

const TARGET = /^(ratio|value)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$/;

export interface Target {
  readonly metric: 'ratio' | 'value';
  readonly op: '>=' | '<=' | '>' | '<';
  readonly threshold: number;
}

export const parseTarget = (target: string): Target => {
  const m = TARGET.exec(target.trim());
  if (m === null) throw new RangeError(`target: expected "ratio|value >=|<=|>|< number", got "${target}"`);
  return { metric: m[1] as Target['metric'], op: m[2] as Target['op'], threshold: Number(m[3]) };
};

export const meetsTarget = (target: string, value: number, ratio: number): boolean => {
  const t = parseTarget(target);
  const x = t.metric === 'ratio' ? ratio : value;
  switch (t.op) {
    case '>=':
      return x >= t.threshold;
    case '<=':
      return x <= t.threshold;
    case '>':
      return x > t.threshold;
    case '<':
      return x < t.threshold;
  }
};

export interface ResultInput {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: string;
  readonly baseline_value: number;
  readonly target: string;
  readonly details?: Record<string, unknown>;
  /** Further named targets that must also hold for `pass` (recorded under details.checks). */
  readonly checks?: Record<string, boolean>;
}

/** Builds a result with `ratio` and `pass` derived from the inputs, fields in their canonical order. */
export const makeResult = (r: ResultInput): BenchResult => {
  if (!Number.isFinite(r.value)) throw new RangeError(`${r.name}: value ${r.value} is not finite`);
  if (!Number.isFinite(r.baseline_value) || r.baseline_value === 0) throw new RangeError(`${r.name}: baseline_value ${r.baseline_value} is unusable`);
  const ratio = r.value / r.baseline_value;
  return {
    name: r.name,
    value: r.value,
    unit: r.unit,
    baseline: r.baseline,
    baseline_value: r.baseline_value,
    ratio,
    target: r.target,
    pass: meetsTarget(r.target, r.value, ratio) && Object.values(r.checks ?? {}).every(Boolean),
    ...(r.details === undefined && r.checks === undefined ? {} : { details: { ...r.details, ...(r.checks === undefined ? {} : { checks: r.checks }) } }),
  };
};

export const machine = (now: Date = new Date()): Machine => ({
  cpus: `${availableParallelism()} x ${cpus()[0]?.model.trim() ?? 'unknown cpu'}`,
  node: process.version,
  date: now.toISOString(),
});

const round = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString());

/** One line, e.g. `verify: 8410 verifies/s vs noble ed25519 verify 702 verifies/s = 11.98x (target ratio >= 5) PASS`. */
export const formatResult = (r: BenchResult): string =>
  `${r.name}: ${round(r.value)} ${r.unit} vs ${r.baseline} ${round(r.baseline_value)} ${r.unit} = ${r.ratio.toFixed(2)}x (target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`;

export const RESULTS_DIR = new URL('../results/', import.meta.url).pathname;

/** Writes `<dir>/<name>.json` (with `machine` filled in) and prints the one-line summary. Returns the path. */
export const writeResult = (r: BenchResult, dir: string = RESULTS_DIR): string => {
  const { details, machine: m, ...core } = r;
  const out = { ...core, ...(details === undefined ? {} : { details }), machine: m ?? machine() };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${r.name}.json`);
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  console.log(formatResult(r));
  return path;
};
