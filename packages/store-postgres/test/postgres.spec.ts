import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { complianceSuite, Fixtures } from '@parley/store/compliance';
import postgres, { type Sql } from 'postgres';
import { MIGRATIONS_FOLDER, openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase, truncate } from './harness.ts';

let db: TestDatabase;
let client: Sql;
before(async () => {
  db = await createTestDatabase('compliance');
  client = postgres(db.url, { max: 4, onnotice: () => {} });
});
after(async () => {
  await client?.end();
  await db?.drop();
});

complianceSuite('Postgres (postgres.js)', async () => {
  const store = await openPostgresStore({ driver: 'postgres', client });
  await truncate(store);
  return store;
});

describe('Postgres lifecycle', () => {
  it('migrations are idempotent and data survives a new client', async () => {
    const f = new Fixtures(901);
    const room = f.room();
    const a = await openPostgresStore({ driver: 'postgres', url: db.url, max: 1 });
    await truncate(a);
    await a.put(f.history(room, f.channel(), 12));
    await a.close();
    const b = await openPostgresStore({ driver: 'postgres', url: db.url, max: 1 });
    try {
      assert.equal((await b.usage(room)).count, 12);
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const [m] = await client<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
      assert.equal(m?.n, journal.entries.length, 'each migration applied once');
    } finally {
      await b.close();
    }
  });
});
