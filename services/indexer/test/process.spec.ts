/**
 * The `parley-indexer` binary: --help lists every option, a bad value exits 2 naming the flag and its
 * variable, and a real process on PGlite answers /healthz, search and 429s, then exits 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { OPTIONS } from '../src/index.ts';

const BIN = new URL('../bin/parley-indexer.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('parley-indexer process', { timeout: 120_000 }, () => {
  it('--help lists every option with its variable; bad values exit 2 naming them', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const o of OPTIONS) {
      assert.ok(help.stdout.includes(`--${o.flag}`), o.flag);
      if (o.env !== '') assert.ok(help.stdout.includes(o.env), o.env);
    }
    const bad = spawnSync(process.execPath, [BIN, '--listing-difficulty', '99'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--listing-difficulty \/ PARLEY_INDEXER_LISTING_DIFFICULTY: must be between 0 and 64/);
    const env = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { ...process.env, PARLEY_INDEXER_SEEDS: 'Not/A Tag!!' } });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /PARLEY_INDEXER_SEEDS/);
  });

  it('serves search, rate-limits per IP, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-indexer-proc-'));
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      [BIN, '--data-dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--rate-limit', '1', '--rate-burst', '3', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const ready = await new Promise<{ http: string; peerId: string }>((resolve, reject) => {
      child.once('exit', () => reject(new Error('exited before ready')));
      createInterface({ input: child.stdout }).on('line', (l) => {
        if (l.startsWith('{"ready":true')) resolve(JSON.parse(l));
      });
    });
    assert.match(ready.peerId, /^12D3KooW/);
    assert.deepEqual(await (await fetch(`${ready.http}/healthz`)).json(), { ok: true });
    // Ten at once from one address: the burst (3) is served, the rest are limited (1/s refills at most one or two meanwhile).
    const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${ready.http}/v1/search?q=chess`)));
    const statuses = responses.map((r) => r.status);
    const ok = statuses.filter((x) => x === 200).length;
    assert.ok(ok >= 3 && ok <= 5, `served ${ok} of 10`);
    assert.equal(statuses.filter((x) => x === 429).length, 10 - ok, 'the others are 429');
    const limited = responses.find((r) => r.status === 429) as Response;
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(((await limited.json()) as { error: string }).error, 'rate');
    assert.equal((await fetch(`${ready.http}/healthz`)).status, 200, 'health checks are not rate-limited');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
