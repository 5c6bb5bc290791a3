/**
 * Test databases: PGlite in memory, and a uniquely named database on the machine's Postgres that is
 * dropped at the end. An unreachable Postgres fails the suite (never skips it), saying how to start it.
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres, { type Sql } from 'postgres';
import type { PostgresStore } from '../src/index.ts';

export const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const START_HINT = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Empties every table, so one database serves many tests. */
export const truncate = async (store: PostgresStore): Promise<void> => {
  await store.db.execute(sql`truncate objects, room_usage, channel_heads, outbox restart identity`);
};

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A client on the admin database, for terminating backends and the like. */
  readonly admin: Sql;
  drop(): Promise<void>;
}

export const createTestDatabase = async (label: string): Promise<TestDatabase> => {
  const admin = postgres(ADMIN_URL, { max: 2, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (e) {
    await admin.end({ timeout: 0 });
    throw new Error(
      `Postgres is not reachable at ${ADMIN_URL} (${(e as Error).message}). The store-postgres suite needs it: start it with\n  ${START_HINT}\n(or point PARLEY_TEST_PG_URL at a server with trust auth).`,
    );
  }
  const name = `zz_store_${label}_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
};

/** One in-memory PGlite for a whole file: starting one takes seconds. */
export const memoryPglite = (): Promise<PGlite> => PGlite.create();
