/**
 * Regenerates the frozen vectors: imports every `gen-*.ts` beside this file, calls its exported
 * `generate()` and writes each returned file here as pretty JSON with a stable key order.
 *
 *   npm run vectors -w @parley/protocol             write every file
 *   npm run vectors -w @parley/protocol -- --check  write nothing; exit 1 if any file would change
 *
 * Generators must be deterministic (seeded keys, fixed times), so regenerating unchanged code
 * rewrites identical bytes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { serialize } from './serialize.ts';
import type { JsonValue, VectorFile, VectorGenerator } from './vector-file.ts';

const here = new URL('.', import.meta.url);

export { serialize } from './serialize.ts';

/** The checks vectors-count.spec.ts makes, applied before anything is written. */
const problems = (name: string, f: VectorFile): string[] => {
  const out: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]*\.json$/.test(name)) out.push(`file name "${name}" is not kebab-case *.json`);
  if (typeof f.type !== 'string' || f.type.length === 0) out.push('no type');
  if (typeof f.description !== 'string' || f.description.length === 0) out.push('no description');
  if (!Array.isArray(f.valid) || f.valid.length === 0) out.push('no valid case');
  if (!Array.isArray(f.invalid) || f.invalid.length === 0) out.push('no invalid case');
  const names = new Set<string>();
  for (const c of [...(f.valid ?? []), ...(f.invalid ?? [])]) {
    if (names.has(c.name)) out.push(`case name "${c.name}" used twice`);
    names.add(c.name);
    if (c.hex === undefined && c.frames === undefined) out.push(`case "${c.name}" has neither hex nor frames`);
  }
  for (const c of f.invalid ?? []) {
    if (!c.error) out.push(`invalid case "${c.name}" has no error`);
    if (!c.note) out.push(`invalid case "${c.name}" has no note`);
  }
  out.push(...notJson(f, 'file'));
  return out.map((p) => `${name}: ${p}`);
};

/** Values JSON.stringify would silently change or drop: Uint8Arrays, bigints, NaN, undefined in arrays. */
const notJson = (v: unknown, at: string): string[] => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return [];
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [`${at} is ${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => (x === undefined ? [`${at}[${i}] is undefined`] : notJson(x, `${at}[${i}]`)));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : notJson(x as JsonValue, `${at}.${k}`)));
  }
  return [`${at} is not plain JSON (${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v})`];
};

const main = async (check: boolean): Promise<number> => {
  const gens = readdirSync(here)
    .filter((f) => /^gen-.*\.ts$/.test(f))
    .sort();
  const files = new Map<string, { from: string; text: string }>();
  const errors: string[] = [];
  for (const gen of gens) {
    const mod = (await import(new URL(gen, here).href)) as { generate?: VectorGenerator };
    if (typeof mod.generate !== 'function') {
      errors.push(`${gen}: exports no generate()`);
      continue;
    }
    for (const [name, file] of Object.entries(mod.generate())) {
      const seen = files.get(name);
      if (seen !== undefined) errors.push(`${name}: written by both ${seen.from} and ${gen}`);
      errors.push(...problems(name, file));
      files.set(name, { from: gen, text: serialize(file) });
    }
  }
  if (errors.length > 0) {
    for (const e of errors) console.error(e);
    return 1;
  }
  let changed = 0;
  for (const [name, { from, text }] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const url = new URL(name, here);
    let old: string | undefined;
    try {
      old = readFileSync(url, 'utf8');
    } catch {
      old = undefined;
    }
    const state = old === undefined ? 'new' : old === text ? 'unchanged' : 'changed';
    if (state !== 'unchanged') changed++;
    if (!check) writeFileSync(url, text);
    console.log(`${state.padEnd(9)} ${name} (${from})`);
  }
  console.log(`${files.size} vector files from ${gens.length} generators${check ? `; ${changed} would change` : `; ${changed} written`}`);
  return check && changed > 0 ? 1 : 0;
};

if (import.meta.main) process.exitCode = await main(process.argv.includes('--check'));
