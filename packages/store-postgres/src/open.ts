/**
 * Opening a PostgresStore: pick a driver, wrap it in drizzle, run the migrations. PGlite (embedded
 * Postgres in WebAssembly) is the default: in memory, or in `dataDir` on disk. A client passed in
 * stays the caller's: closing the store does not close it.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { PostgresStore } from './postgres-store.ts';

export interface PgliteOptions {
  readonly driver?: 'pglite';
  /** A directory for a persistent database; default: in memory. Ignored with `client`. */
  readonly dataDir?: string;
  readonly client?: PGlite;
}

export interface PostgresOptions {
  readonly driver: 'postgres';
  /** e.g. postgres://user@127.0.0.1:5432/db. Either this or `client`. */
  readonly url?: string;
  readonly client?: Sql;
  /** Pool size when the store creates the client (default 10). */
  readonly max?: number;
}

export type PostgresStoreOptions = PgliteOptions | PostgresOptions;

const openPglite = async (o: PgliteOptions): Promise<PostgresStore> => {
  const [{ PGlite }, { drizzle }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
  const client = o.client ?? (await PGlite.create(o.dataDir));
  const db = drizzle(client) as unknown as Db;
  try {
    await migrate(db);
  } catch (e) {
    if (o.client === undefined) await client.close();
    throw e;
  }
  return new PostgresStore(db, async () => {
    if (o.client === undefined) await client.close();
  });
};

const openPostgres = async (o: PostgresOptions): Promise<PostgresStore> => {
  const [{ default: postgres }, { drizzle }] = await Promise.all([import('postgres'), import('drizzle-orm/postgres-js')]);
  if (o.client === undefined && o.url === undefined) throw new TypeError('openPostgresStore: pass `url` or `client` for the postgres driver');
  const client = o.client ?? postgres(o.url as string, { max: o.max ?? 10, onnotice: () => {} });
  const db = drizzle(client) as unknown as Db;
  try {
    await migrate(db);
  } catch (e) {
    if (o.client === undefined) await client.end();
    throw e;
  }
  // A connection lost mid-transaction never reports itself ended (postgres.js 3.4.x), so after one,
  // end() must not wait for it; otherwise give running queries a few seconds.
  return new PostgresStore(db, async (afterLoss) => {
    if (o.client === undefined) await client.end({ timeout: afterLoss ? 0 : 5 });
  });
};

/** Opens (and migrates) a store; with no options, an in-memory PGlite database. */
export const openPostgresStore = async (options: PostgresStoreOptions = {}): Promise<PostgresStore> =>
  options.driver === 'postgres' ? openPostgres(options) : openPglite(options);
