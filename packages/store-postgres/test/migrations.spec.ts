/** The migrations kept in the repo are exactly what drizzle-kit generates from schema.ts. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_FOLDER } from '../src/index.ts';

const pkg = fileURLToPath(new URL('..', import.meta.url));
// The package exports no bin subpath: find it beside its package.json.
const drizzleKit = join(dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');

describe('migrations', () => {
  it('are up to date with the schema (drizzle-kit generate finds nothing to add)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zz-store-migrations-'));
    try {
      cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
      // drizzle-kit prefixes --out with './', so it must be relative to the working directory.
      const r = spawnSync(process.execPath, [drizzleKit, 'generate', '--dialect', 'postgresql', '--schema', './src/schema.ts', '--out', relative(pkg, dir)], {
        cwd: pkg,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /No schema changes/, `schema.ts changed without a migration: run \`npm run generate -w packages/store-postgres\`\n${r.stdout}`);
      assert.deepEqual(readdirSync(dir).sort(), readdirSync(MIGRATIONS_FOLDER).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
