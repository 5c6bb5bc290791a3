/**
 * search: the indexer's search API under load. 100,000 listed rooms (one verified listing each, with
 * a realistic mix of names, descriptions, languages and two-level tags) in a fresh Postgres database;
 * the indexer's HTTP side in its own process; autocannon sends 200 req/s for 30 s over 8 connections,
 * cycling through full-text queries (relevance), tag and language filters and the other orders.
 *
 * The fill ends with `vacuum analyze` (what autovacuum does to a live directory).
 *
 * Value: p99 latency over HTTP on Postgres (target < 50 ms; check: 0 errors, 0 timeouts, 0 non-2xx).
 * Baseline, measured in the same run: p99 of the same queries run directly against the same database
 * (the search function in-process, one at a time), i.e. what HTTP, JSON and concurrency add. PGlite
 * (npm start's default) is measured the same way and reported beside it in details (full runs only).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type DatabaseConfig, IndexStore, openDatabase, parseSearchParams, search } from '@parley/indexer';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { percentile } from './lib/stats.ts';

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const WORDS = (
  'chess go poker bridge scrabble sudoku puzzles shooters fps moba rpg mmo strategy racing retro pixel speedrun indie ' +
  'jazz blues rock metal techno house ambient classical opera folk guitar piano drums synth vinyl karaoke choir ' +
  'python rust typescript golang linux kernel databases postgres security crypto robotics arduino electronics ai ' +
  'physics astronomy biology chemistry maths history philosophy economics linguistics geology climate ecology ' +
  'football basketball tennis cycling running climbing hiking skiing surfing yoga boxing fencing sailing rowing ' +
  'painting drawing sculpture photography film anime comics poetry novels fantasy scifi horror mystery romance ' +
  'cooking baking coffee tea wine beer gardening knitting woodworking pottery travel camping fishing birding cats dogs ' +
  'spanish french german japanese korean mandarin arabic portuguese italian russian esperanto latin greek'
).split(' ');
const TOPS = ['gaming', 'music', 'tech', 'science', 'sports', 'art', 'books', 'food', 'languages', 'social'];
const SUBS = ['general', 'beginners', 'news', 'help', 'events', 'meta', 'fans', 'pros', 'local', 'dev', 'chat', 'clips', 'memes', 'study', 'jobs'];
const LANGS = ['en', 'en', 'en', 'en-GB', 'de', 'fr', 'pt-BR', 'es', 'ja', 'ko'];

/** Fills `rooms` with n synthetic listed rooms in one statement per 20,000 (deterministic from the row number). */
export const fill = async (cfg: DatabaseConfig, n: number): Promise<void> => {
  const db = await openDatabase(cfg);
  const words = sql`ARRAY[${sql.join(
    WORDS.map((w) => sql`${w}`),
    sql`, `,
  )}]::text[]`;
  const tops = sql`ARRAY[${sql.join(
    TOPS.map((w) => sql`${w}`),
    sql`, `,
  )}]::text[]`;
  const subs = sql`ARRAY[${sql.join(
    SUBS.map((w) => sql`${w}`),
    sql`, `,
  )}]::text[]`;
  const langs = sql`ARRAY[${sql.join(
    LANGS.map((w) => sql`${w}`),
    sql`, `,
  )}]::text[]`;
  const now = Date.now();
  for (let from = 1; from <= n; from += 20_000) {
    const to = Math.min(n, from + 19_999);
    await db.db.execute(sql`
      insert into rooms (room, name, description, language, tags, tag_paths, tag_text, color, listing_id, first_seen, updated_at, expires_at, activity, up, down, score)
      select md5(i::text) || md5((-i)::text),
        initcap(w[1 + (i * 7) % wn]) || ' ' || initcap(w[1 + (i * 13) % wn]) || ' ' || i,
        'A place for ' || w[1 + (i * 3) % wn] || ' and ' || w[1 + (i * 11) % wn] || ' people: ' || w[1 + (i * 17) % wn] || ' nights, ' ||
          w[1 + (i * 19) % wn] || ' talk and ' || w[1 + (i * 23) % wn] || '. Everyone welcome.',
        l[1 + i % ln],
        ARRAY[t[1 + i % tn] || '/' || s[1 + (i / tn) % sn]],
        ARRAY[t[1 + i % tn], t[1 + i % tn] || '/' || s[1 + (i / tn) % sn]],
        t[1 + i % tn] || ' ' || s[1 + (i / tn) % sn],
        ((i::bigint * 2654435761) % 16777216)::int, md5(i::text), ${now}::bigint - i * 1000, ${now}::bigint, ${now}::bigint + 86400000,
        (i * 31) % 500, (i * 17) % 100, (i * 7) % 30, (i * 17) % 100 - (i * 7) % 30
      from generate_series(${from}::int, ${to}::int) as i,
        (select ${words} as w, ${tops} as t, ${subs} as s, ${langs} as l) v,
        lateral (select array_length(w, 1) as wn, array_length(t, 1) as tn, array_length(s, 1) as sn, array_length(l, 1) as ln) c`);
  }
  // A live directory's tables are vacuumed by autovacuum as they fill (GIN pending lists merged into
  // the index, the visibility map set for index-only scans); 100,000 rows written in seconds and loaded
  // at once are not, so the fill ends with the vacuum autovacuum would have run.
  await db.db.execute(sql`vacuum analyze`);
  await db.close();
};

/** The query mix: 60% full text (one or two words, sometimes with a tag or language), 40% browsing orders. */
export const queries = (count: number): string[] => {
  const out: string[] = [];
  let x = 12345;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)] as T;
  for (let i = 0; i < count; i++) {
    const p = new URLSearchParams();
    const kind = rnd(10);
    if (kind < 6) {
      p.set('q', rnd(2) === 0 ? pick(WORDS) : `${pick(WORDS)} ${pick(WORDS)}`);
      if (kind === 4) p.set('tag', pick(TOPS));
      if (kind === 5) p.set('lang', pick(LANGS));
    } else {
      p.set('sort', pick(['activity', 'age', 'votes']));
      if (kind >= 8) p.set('tag', `${pick(TOPS)}/${pick(SUBS)}`);
      else if (kind === 7) p.set('tag', pick(TOPS));
    }
    p.set('limit', '20');
    out.push(`/v1/search?${p.toString()}`);
  }
  return out;
};

const direct = async (cfg: DatabaseConfig, paths: readonly string[]): Promise<number[]> => {
  const db = await openDatabase(cfg);
  const store = new IndexStore(db.db);
  const ms: number[] = [];
  for (const p of paths.slice(0, 10)) await search(store, parseSearchParams(new URL(p, 'http://x').searchParams), Date.now()); // warm-up
  for (const p of paths) {
    const q = parseSearchParams(new URL(p, 'http://x').searchParams);
    const t0 = performance.now();
    await search(store, q, Date.now());
    ms.push(performance.now() - t0);
  }
  await db.close();
  return ms;
};

const serve = async (cfg: DatabaseConfig): Promise<{ url: string; child: ChildProcess }> => {
  const child = fork(new URL('./lib/search-server.ts', import.meta.url).pathname, [], {
    env: { ...process.env, SEARCH_BENCH_DB: JSON.stringify(cfg) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`search server exited with ${code}`)));
    rl.on('line', (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        // not the ready line
      }
    });
  });
  return { url, child };
};

interface Measured {
  readonly p99: number;
  readonly p50: number;
  readonly directP99: number;
  readonly directP50: number;
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly fillMs: number;
}

const measureBackend = async (cfg: DatabaseConfig, n: number, durationS: number, rate: number, smoke: boolean): Promise<Measured> => {
  const t0 = performance.now();
  await fill(cfg, n);
  const fillMs = performance.now() - t0;
  const paths = queries(2_000);
  const d = await direct(cfg, paths.slice(0, smoke ? 40 : 400));
  const { url, child } = await serve(cfg);
  try {
    // Warm the server (JIT, the database pool) before measuring: 200 requests, 8 at a time.
    for (let w = 0; w < (smoke ? 24 : 200); w += 8) await Promise.all(paths.slice(w, w + 8).map((p) => fetch(url + p).then((r) => r.arrayBuffer())));
    let i = 0;
    const r = await autocannon({
      url,
      connections: 8,
      duration: durationS,
      overallRate: rate,
      timeout: 10,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    });
    return {
      p99: r.latency.p99,
      p50: r.latency.p50,
      directP99: percentile(d, 99),
      directP50: percentile(d, 50),
      requests: r.requests.total,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      fillMs,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 2_000 : 100_000;
  const duration = opts.smoke ? 2 : 30;
  const rate = opts.smoke ? 50 : 200;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const name = `zz_bench_search_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-bench-'));
  try {
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const pg = await measureBackend({ kind: 'postgres', url: url.toString(), max: 10 }, n, duration, rate, opts.smoke);
    // PGlite takes tens of seconds to start on a loaded machine: measured in full runs only.
    const lite = opts.smoke ? 'not measured in smoke mode' : await measureBackend({ kind: 'pglite', dataDir: dir }, n, duration, rate, opts.smoke);
    return makeResult({
      name: 'search',
      value: pg.p99,
      unit: 'ms p99',
      baseline: 'the same queries run directly against the database, one at a time (p99)',
      baseline_value: Math.max(pg.directP99, 0.001),
      target: 'value < 50',
      details: { rooms: n, rate, durationS: duration, connections: 8, postgres: pg, pglite: lite },
      checks: {
        'postgres: 0 errors': pg.errors + pg.timeouts + pg.non2xx === 0,
        'postgres: all requests sent': pg.requests >= rate * duration * 0.95,
      },
    });
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
