/**
 * Runs every suite (or the ones named on the command line) and ends with the plain total line
 * `N passed, M failed`. Node test suites report through scripts/run-reporter.ts, whose record we read; the
 * static checks (lint, types, cycles) count as one test each. Exit code 1 if anything failed.
 *
 *   node scripts/test-all.ts            all suites
 *   node scripts/test-all.ts protocol   one suite
 */
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { RunRecord } from './run-reporter.ts';
import { SUITES, type Suite } from './suites.ts';

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const suites = wanted.length === 0 ? SUITES : SUITES.filter((s) => wanted.includes(s.name));
if (suites.length === 0) {
  console.error(`unknown suite(s): ${wanted.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const nodeBin = process.execPath;
const tmp = mkdtempSync(join(tmpdir(), 'parley-test-'));
/** The longest a suite may run (ms); the slowest, web, takes about 6 minutes here. */
const SUITE_LIMIT_MS = 25 * 60_000;
let passed = 0;
let failed = 0;
const summary: string[] = [];
/** Every failed test's error, printed again after the summary: a log cut to its tail still says why. */
const failures: string[] = [];

/** What the run reporter (scripts/run-reporter.ts) wrote; nothing when the runner wrote nothing. */
const readRecord = (path: string): RunRecord => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch {
    return { total: undefined, files: {} };
  }
};

/** The suite's test files (its globs expanded as node --test does) that ran no test, by the run's record. */
const silentFiles = (s: Suite, rec: RunRecord): string[] => {
  const cwd = join(root, s.cwd ?? '.');
  const files = s.files.flatMap((g) => globSync(g, { cwd }).map((f) => resolve(cwd, f)));
  return [...new Set(files)].filter((f) => (rec.files[f] ?? 0) === 0);
};

const runSuite = (s: Suite): { pass: number; fail: number } => {
  const started = Date.now();
  console.log(`\n=== ${s.name} ===`);
  if (s.kind === 'check') {
    const r = spawnSync(s.command[0] as string, s.command.slice(1), { cwd: root, stdio: 'inherit', env: process.env });
    return r.status === 0 ? { pass: 1, fail: 0 } : { pass: 0, fail: 1 };
  }
  const record = join(tmp, `${s.name}.json`);
  const args = [
    '--test',
    `--test-concurrency=${s.concurrency ?? 1}`,
    `--test-timeout=${s.timeoutMs ?? 120_000}`,
    // Not --test-force-exit: with several files it ends the whole run once the tests known so far are
    // done, and files not yet started never run (measured: the store suite reported 25, 30, 36 or 41
    // of its 41 tests, silently). A file that leaks a handle is bounded by the suite's timeout instead.
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/run-reporter.ts')}`,
    `--test-reporter-destination=${record}`,
    ...s.files,
  ];
  // A suite's bound (a leaked handle keeps its file's process, and so the runner, alive): killed at 25 min.
  const r = spawnSync(nodeBin, args, {
    cwd: join(root, s.cwd ?? '.'),
    stdio: 'inherit',
    env: { ...process.env, ...s.env },
    timeout: SUITE_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.error !== undefined) console.log(`# ${s.name}: ${r.error.message} (killed after ${SUITE_LIMIT_MS / 60_000} min)`);
  // No record at all: the runner itself failed; the suite counts as one failure below.
  const rec = readRecord(record);
  const pass = rec.total?.passed ?? 0;
  // Every file of the suite must have run a test: one that did not (its process died before
  // reporting, or the run ended before it started) counts as a failure of its own.
  const silent = silentFiles(s, rec);
  for (const f of silent) console.log(`# ${s.name}: ${f} reported no test`);
  const fail = (rec.total?.failed ?? 0) + (rec.total?.cancelled ?? 0) + silent.length;
  for (const f of rec.failures ?? []) {
    const where = f.file === undefined ? '' : ` (${relative(root, f.file)})`;
    failures.push(`${s.name}: ${f.name}${where}${f.kind === undefined ? '' : ` [${f.kind}]`}\n${f.error.replace(/^/gm, '    ')}`);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0 && fail === 0) {
    summary.push(`${s.name}: runner exited ${r.status} (${secs}s)`);
    return { pass, fail: 1 };
  }
  if (pass + fail === 0) {
    summary.push(`${s.name}: ran no test (${secs}s)`);
    return { pass: 0, fail: 1 };
  }
  summary.push(`${s.name}: ${pass} passed, ${fail} failed (${secs}s)`);
  return { pass, fail };
};

/**
 * The portal's production build, once for every suite that uses it (`next build` takes a minute or
 * two here): those suites then find PARLEY_WEB_REUSE_BUILD=1 and start `next start` on it.
 */
const buildPortal = (): boolean => {
  const started = Date.now();
  console.log('\n=== portal-build ===');
  const next = join(root, 'node_modules/next/dist/bin/next');
  const r = spawnSync(nodeBin, [next, 'build'], { cwd: join(root, 'apps/web'), stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  summary.push(`portal-build: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return r.status === 0;
};

let portalBuilt = false;
for (const s of suites) {
  if (s.portal === true && !portalBuilt) {
    portalBuilt = true;
    if (buildPortal()) process.env.PARLEY_WEB_REUSE_BUILD = '1';
    else failed++;
  }
  const r = runSuite(s);
  if (s.kind === 'check') summary.push(`${s.name}: ${r.fail === 0 ? 'ok' : 'FAILED'}`);
  passed += r.pass;
  failed += r.fail;
}

if (failures.length > 0) {
  console.log('\n=== failures ===');
  for (const f of failures) console.log(f);
}
console.log('\n=== summary ===');
for (const line of summary) console.log(line);
rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
