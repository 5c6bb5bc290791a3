/**
 * A real `parley-hub` process for the files suite, on PGlite (in a fresh directory) or on a fresh
 * database of the machine's Postgres (127.0.0.1:5432, trust auth; the suite fails if it is down).
 * The shape matches the adversarial kit's HubProcess, so its `community` helper works with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@parley/protocol';
import postgres from 'postgres';
import type { HubProcess } from '../adversarial/kit.ts';
import { stopProcess } from '../kit/index.ts';

const HUB_BIN = new URL('../../services/hub/bin/parley-hub.ts', import.meta.url).pathname;
const TOKEN = 'files-suite-admin-token-0123456789';
export const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FilesHub extends HubProcess {
  /** The Postgres database URL when the hub runs on Postgres. */
  readonly databaseUrl: string | undefined;
  /** Drops the Postgres database (after stop). */
  cleanup(): Promise<void>;
}

const freshDatabase = async (label: string): Promise<{ url: string; drop: () => Promise<void> }> => {
  const admin = postgres(ADMIN_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (e) {
    await admin.end({ timeout: 0 });
    throw new Error(`Postgres is not reachable at ${ADMIN_URL} (${(e as Error).message}); the files suite needs it (set PARLEY_TEST_PG_URL)`);
  }
  const name = `zz_files_${label}_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
};

export const startFilesHub = async (label: string, storage: 'pglite' | 'postgres'): Promise<FilesHub> => {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-files-${label}-`));
  const db = storage === 'postgres' ? await freshDatabase(label) : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_HUB_ADMIN_TOKEN: TOKEN };
  delete env.DATABASE_URL;
  if (db !== undefined) env.DATABASE_URL = db.url;
  const child: ChildProcess = spawn(
    process.execPath,
    [HUB_BIN, '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dataDir, '--test-mode', '--log-level', 'warn'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = await new Promise<{ peerId: string; multiaddrs: string[]; http: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`hub did not start in 180 s; stderr: ${err}`)), 180_000);
    const look = (): void => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"ready":true')) continue;
        clearTimeout(t);
        resolve(JSON.parse(line));
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}; stderr: ${err}`)));
  });
  const admin = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${ready.http}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  const logs = (): Record<string, unknown>[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{') && !l.startsWith('{"ready"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    peerId: ready.peerId,
    addr: ready.multiaddrs[0] as string,
    http: ready.http,
    dataDir,
    databaseUrl: db?.url,
    logs,
    rejected: () => logs().flatMap((l) => (l.msg === 'object rejected' ? [{ id: String(l.id), code: String(l.code) }] : [])),
    pin: async (room) => {
      await admin('PUT', `/admin/rooms/${toHex(room)}`);
    },
    objects: async (room) =>
      ((await admin('GET', '/admin/rooms')) as { rooms: { room: string; objects: number }[] }).rooms.find((r) => r.room === toHex(room))?.objects ?? 0,
    stop: async () => {
      await stopProcess(child);
    },
    cleanup: async () => {
      await db?.drop();
    },
  };
};
