import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type BenchResult, formatResult, makeResult, meetsTarget, parseTarget, writeResult } from '../lib/result.ts';
import { measure, median, percentile, sample, summarize } from '../lib/stats.ts';
import { benchNames, loadBench } from '../run.ts';

describe('stats', () => {
  it('median of odd and even sample counts, order-independent', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    const xs = [5, 9, 1, 3];
    median(xs);
    assert.deepEqual(xs, [5, 9, 1, 3], 'input not mutated');
  });

  it('percentiles interpolate between ranks and span min..max', () => {
    const xs = [10, 20, 30, 40, 50];
    assert.equal(percentile(xs, 0), 10);
    assert.equal(percentile(xs, 100), 50);
    assert.equal(percentile(xs, 50), 30);
    assert.equal(percentile(xs, 25), 20);
    assert.equal(percentile(xs, 90), 46);
    const s = summarize([4, 1, 3, 2]);
    assert.deepEqual([s.n, s.min, s.p50, s.max, s.mean], [4, 1, 2.5, 4, 2.5]);
    assert.ok(Math.abs(s.p90 - 3.7) < 1e-9 && Math.abs(s.p99 - 3.97) < 1e-9, `p90 ${s.p90}, p99 ${s.p99}`);
  });

  it('rejects empty input, NaN and out-of-range p', () => {
    assert.throws(() => median([]), RangeError);
    assert.throws(() => median([1, Number.NaN]), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], -1), RangeError);
  });

  it('measure warms up, then returns the median of the timed runs', async () => {
    let calls = 0;
    const samples = await sample(
      () => {
        calls++;
      },
      { runs: 5, warmup: 2 },
    );
    assert.equal(calls, 7);
    assert.equal(samples.length, 5);
    for (const s of samples) assert.ok(s >= 0);
    // An async function that sleeps ~20 ms: the median must reflect the sleep, not the scheduling of the call.
    const ms = await measure(() => new Promise((r) => setTimeout(r, 20)), { runs: 3 });
    assert.ok(ms >= 15 && ms < 1000, `median ${ms} ms`);
    await assert.rejects(() => measure(() => {}, { runs: 0 }), RangeError);
  });
});

describe('results', () => {
  const input = { name: 'demo', value: 50, unit: 'ops/s', baseline: 'naive', baseline_value: 10, target: 'ratio >= 5' };

  it('derives ratio and pass from the target', () => {
    const r = makeResult(input);
    assert.equal(r.ratio, 5);
    assert.equal(r.pass, true);
    assert.equal(makeResult({ ...input, value: 49 }).pass, false);
    assert.equal(meetsTarget('value <= 250', 250, 0), true);
    assert.equal(meetsTarget('value < 250', 250, 0), false);
    assert.deepEqual(parseTarget(' ratio>=1.5 '), { metric: 'ratio', op: '>=', threshold: 1.5 });
    assert.throws(() => parseTarget('fast enough'), RangeError);
    assert.throws(() => makeResult({ ...input, baseline_value: 0 }), RangeError);
  });

  it('writes exactly the agreed fields, plus details and machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
    try {
      const path = writeResult(makeResult({ ...input, details: { n: 3 } }), dir);
      assert.equal(path, join(dir, 'demo.json'));
      const json = JSON.parse(readFileSync(path, 'utf8'));
      assert.deepEqual(Object.keys(json), ['name', 'value', 'unit', 'baseline', 'baseline_value', 'ratio', 'target', 'pass', 'details', 'machine']);
      assert.deepEqual(Object.keys(json.machine), ['cpus', 'node', 'date']);
      assert.equal(json.machine.node, process.version);
      assert.deepEqual(json.details, { n: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a one-line summary', () => {
    const line = formatResult(makeResult(input));
    assert.equal(line, 'demo: 50 ops/s vs naive 10 ops/s = 5.00x (target ratio >= 5) PASS');
  });
});

/** A result every consumer of bench/results can rely on. */
const assertWellFormed = (r: BenchResult, name: string): void => {
  assert.equal(r.name, name);
  for (const k of ['value', 'baseline_value', 'ratio'] as const) assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${name}.${k} = ${r[k]}`);
  for (const k of ['unit', 'baseline', 'target'] as const) assert.ok(typeof r[k] === 'string' && r[k].length > 0, `${name}.${k}`);
  assert.ok(Math.abs(r.ratio - r.value / r.baseline_value) < 1e-9 * r.ratio, `${name}.ratio is value / baseline_value`);
  assert.equal(typeof r.pass, 'boolean');
  assert.doesNotThrow(() => parseTarget(r.target));
  const allowed = new Set(['name', 'value', 'unit', 'baseline', 'baseline_value', 'ratio', 'target', 'pass', 'details', 'machine']);
  for (const k of Object.keys(r)) assert.ok(allowed.has(k), `${name}: unexpected field ${k}`);
  if (r.details !== undefined) assert.equal(typeof r.details, 'object');
};

const SMOKE_BUDGET_MS = 120_000;

describe('every benchmark in smoke mode', () => {
  const names = benchNames();
  it('finds the benchmarks', () => assert.ok(names.includes('verify'), `found: ${names.join(', ')}`));
  for (const name of names) {
    // Seconds on a quiet machine; the benchmarks that start hubs, databases and peer processes take
    // several times longer when the 2-core machine is shared with other suites, hence the margin.
    it(`${name} runs in seconds and returns a well-formed result`, { timeout: SMOKE_BUDGET_MS }, async () => {
      const started = performance.now();
      const r = await (await loadBench(name))({ smoke: true });
      assertWellFormed(r, name);
      assert.ok(performance.now() - started < SMOKE_BUDGET_MS);
    });
  }
});
