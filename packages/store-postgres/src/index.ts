/**
 * @parley/store-postgres — the ObjectStore of @parley/store over Postgres, with a drizzle-orm schema
 * and migrations kept in the repo (run on open). One adapter, two drivers: PGlite (embedded Postgres
 * in WebAssembly; the default, in memory or in a directory) and postgres.js (a real server, for hubs
 * and indexers). Both pass the @parley/store compliance suite.
 *
 * @example
 * ```ts
 * import { openPostgresStore } from '@parley/store-postgres';
 * const local = await openPostgresStore({ dataDir: './data/hub' }); // PGlite on disk
 * const hub = await openPostgresStore({ driver: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/parley' });
 * await hub.put(objects);
 * const { count, fingerprint } = await hub.fingerprint(room, channel, { lower, upper });
 * await hub.close();
 * ```
 */
export { type Db, rowsOf } from './db.ts';
export { PostgresFileStore } from './file-store.ts';
export { MIGRATIONS_FOLDER, migrate } from './migrate.ts';
export { openPostgresStore, type PgliteOptions, type PostgresOptions, type PostgresStoreOptions } from './open.ts';
export { PostgresStore } from './postgres-store.ts';
export * as schema from './schema.ts';
