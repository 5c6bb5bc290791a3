/**
 * A fresh hub database for one benchmark run: a PGlite directory under os.tmpdir(), or a new
 * database on the machine's Postgres ($PARLEY_TEST_PG_URL, default postgres@127.0.0.1:5432);
 * `drop` removes it. Fails loudly, naming the benchmark, when Postgres is not there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubStorage } from '@parley/hub';
import postgres from 'postgres';

export type Backend = 'pglite' | 'postgres';

export const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const freshStorage = async (backend: Backend, label: string): Promise<{ storage: HubStorage; drop: () => Promise<void> }> => {
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), `parley-bench-${label}-`));
    return { storage: { kind: 'pglite', dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = postgres(ADMIN_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  const name = `zz_bench_${label.replaceAll('-', '_')}_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (e) {
    await admin.end({ timeout: 0 });
    throw new Error(`bench ${label} needs Postgres at ${ADMIN_URL}: ${(e as Error).message}`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    storage: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
};
