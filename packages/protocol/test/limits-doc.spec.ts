/**
 * docs/LIMITS.md and src/limits.ts state the same limits: every key of LIMITS has a row in the
 * doc's table with the same value, and the table names no key that LIMITS lacks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LIMITS } from '../src/limits.ts';

const doc = readFileSync(new URL('../../../docs/LIMITS.md', import.meta.url), 'utf8');

/** Table rows whose first cell is a backticked key: | `maxFrameBytes` | 262_144 | bytes | why | */
const rows = new Map<string, string>();
for (const line of doc.split('\n')) {
  const m = /^\|\s*`(\w+)`\s*\|\s*([^|]*?)\s*\|/.exec(line);
  if (m === null) continue;
  assert.ok(!rows.has(m[1] as string), `docs/LIMITS.md lists ${m[1]} twice`);
  rows.set(m[1] as string, m[2] as string);
}

/** `262_144`, `262,144`, `262 144` and `` `262144` `` all read as 262144. */
const parseValue = (cell: string): number => Number(cell.replace(/[`_,\s\u00a0\u202f]/g, ''));

describe('docs/LIMITS.md', () => {
  it('has a row for every key in LIMITS, with the same value', () => {
    for (const [key, value] of Object.entries(LIMITS)) {
      const cell = rows.get(key);
      assert.ok(cell !== undefined, `LIMITS.${key} is missing from docs/LIMITS.md`);
      assert.equal(parseValue(cell), value, `LIMITS.${key} is ${value} in limits.ts but "${cell}" in docs/LIMITS.md`);
    }
  });

  it('documents no key that LIMITS lacks', () => {
    for (const key of rows.keys()) assert.ok(Object.hasOwn(LIMITS, key), `docs/LIMITS.md lists ${key}, which is not in LIMITS`);
  });
});
