/**
 * The indexer's database: PGlite (embedded Postgres in WebAssembly, in a directory or in memory) by
 * default, Postgres through postgres.js when a URL is given; both wrapped in drizzle and migrated on
 * open (drizzle records applied migrations, so opening again is a no-op).
 */
import { fileURLToPath } from 'node:url';
import type { Db } from '@parley/store-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';

export type { Db };

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

export type DatabaseConfig =
  | { readonly kind: 'pglite'; readonly dataDir?: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly max?: number };

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * The directory is small and hot (it lives in memory): random reads cost about what sequential ones
 * do. With the default (4) the planner scans every row to match a common word instead of using the
 * GIN index, three times slower (measured at 100,000 rooms, bench/search.bench.ts).
 */
const RANDOM_PAGE_COST = 1.1;
const PLANNER = `SET random_page_cost = ${RANDOM_PAGE_COST}`;

const migrate = async (db: Db): Promise<void> => {
  const config = { migrationsFolder: MIGRATIONS_FOLDER, migrationsTable: '__indexer_migrations' };
  await new PgDialect().migrate(readMigrationFiles(config), db._.session as PgSession, config);
};

export const openDatabase = async (c: DatabaseConfig): Promise<Database> => {
  if (c.kind === 'pglite') {
    const [{ PGlite }, { drizzle }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    const client = await PGlite.create(c.dataDir);
    await client.exec(PLANNER);
    const db = drizzle(client) as unknown as Db;
    try {
      await migrate(db);
    } catch (e) {
      await client.close();
      throw e;
    }
    return { db, kind: 'pglite', close: () => client.close() };
  }
  const [{ default: postgres }, { drizzle }] = await Promise.all([import('postgres'), import('drizzle-orm/postgres-js')]);
  const client = postgres(c.url, { max: c.max ?? 10, onnotice: () => {}, connection: { random_page_cost: RANDOM_PAGE_COST } });
  const db = drizzle(client) as unknown as Db;
  try {
    await migrate(db);
  } catch (e) {
    await client.end({ timeout: 0 });
    throw e;
  }
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
};
