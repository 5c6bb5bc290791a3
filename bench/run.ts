/**
 * Runs benchmarks and writes bench/results/<name>.json for each.
 *
 *   npm run bench                    every bench/*.bench.ts
 *   npm run bench -- verify          one (or several) by name
 *   npm run bench -- --smoke verify  tiny N, prints only (writes nothing)
 *
 * Exit code 1 if a benchmark misses its target or throws.
 */
import { readdirSync } from 'node:fs';
import { type Bench, formatResult, writeResult } from './lib/result.ts';

const here = new URL('.', import.meta.url);
export const benchNames = (): string[] =>
  readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();

export const loadBench = async (name: string): Promise<Bench> => {
  const mod = (await import(new URL(`${name}.bench.ts`, here).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new TypeError(`bench/${name}.bench.ts has no default export function`);
  return mod.default as Bench;
};

const main = async (argv: readonly string[]): Promise<number> => {
  const smoke = argv.includes('--smoke');
  const asked = argv.filter((a) => !a.startsWith('--'));
  const known = benchNames();
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
    return 2;
  }
  let failed = 0;
  for (const name of asked.length > 0 ? asked : known) {
    try {
      const result = await (await loadBench(name))({ smoke });
      if (result.name !== name) throw new Error(`returned name "${result.name}", expected "${name}"`);
      if (smoke) console.log(`${formatResult(result)} (smoke)`);
      else writeResult(result);
      if (!result.pass) failed++;
    } catch (e) {
      console.error(`${name}: threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
};

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
