/** The FileStore compliance suite on PGlite (in memory) and on the machine's Postgres. */
import { after, before } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { fileStoreSuite } from '@parley/store/compliance';
import { sql } from 'drizzle-orm';
import postgres, { type Sql } from 'postgres';
import { openPostgresStore, type PostgresStore } from '../src/index.ts';
import { createTestDatabase, memoryPglite, type TestDatabase } from './harness.ts';

let lite: PGlite;
let db: TestDatabase;
let client: Sql;
before(async () => {
  lite = await memoryPglite();
  db = await createTestDatabase('files');
  client = postgres(db.url, { max: 4, onnotice: () => {} });
});
after(async () => {
  await lite?.close();
  await client?.end();
  await db?.drop();
});

const emptied = async (store: PostgresStore) => {
  await store.db.execute(sql`truncate files, file_chunks`);
  return { files: store.files, close: () => store.close() };
};

fileStoreSuite('PGlite (in memory)', async () => emptied(await openPostgresStore({ client: lite })));
fileStoreSuite('Postgres (postgres.js)', async () => emptied(await openPostgresStore({ driver: 'postgres', client })));
