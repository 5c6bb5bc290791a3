/**
 * Hub test helpers: a hub on each storage backend (PGlite in a temp directory, and a fresh database
 * on the machine's Postgres, which must be reachable: the suite fails, never skips, if it is not),
 * clients on real libp2p nodes on 127.0.0.1, and a retry helper for what the network makes eventual.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentity, ParleyClient, type ParleyClientOptions } from '@parley/client';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import postgres from 'postgres';
import { createHubCore, type Hub, type HubCoreOptions, type HubStorage } from '../src/index.ts';

export const crypto = nodeCrypto;
export const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, empty storage for one hub (call again for a second hub). */
  storage(label: string): Promise<HubStorage>;
  /** Removes every database and directory this backend made. */
  cleanup(): Promise<void>;
}

export const pgliteBackend = (): Backend => {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    async storage(label) {
      const dir = mkdtempSync(join(tmpdir(), `parley-hub-${label}-`));
      dirs.push(dir);
      return { kind: 'pglite', dataDir: dir };
    },
    async cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
};

export const postgresBackend = (): Backend => {
  const admin = postgres(ADMIN_URL, { max: 2, connect_timeout: 5, onnotice: () => {} });
  const names: string[] = [];
  return {
    name: 'postgres',
    async storage(label) {
      try {
        await admin`select 1`;
      } catch (e) {
        throw new Error(`Postgres is not reachable at ${ADMIN_URL} (${(e as Error).message}); the hub suite needs it (PARLEY_TEST_PG_URL overrides).`);
      }
      const name = `zz_hub_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
      await admin.unsafe(`create database "${name}"`);
      names.push(name);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return { kind: 'postgres', url: url.toString() };
    },
    async cleanup() {
      for (const n of names) await admin.unsafe(`drop database if exists "${n}" with (force)`);
      await admin.end();
    },
  };
};

export const BACKENDS: (() => Backend)[] = [pgliteBackend, postgresBackend];

let hubCount = 0;
export const testHub = async (storage: HubStorage, o: Partial<HubCoreOptions> = {}): Promise<Hub> => {
  const hub = await createHubCore({
    storage,
    identitySeed: crypto.sha256(new TextEncoder().encode(`hub:${process.pid}:${hubCount++}`)),
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    testMode: true,
    syncIntervalMs: 1000,
    ...o,
  });
  await hub.start();
  return hub;
};

export const testClient = (name: string, o: Partial<ParleyClientOptions> & { bootstrap?: string[] } = {}): Promise<ParleyClient> =>
  ParleyClient.create({
    identity: createIdentity({ displayName: name, crypto }),
    store: new MemoryStore(),
    crypto,
    syncIntervalMs: 1000,
    keyDelayMs: 300,
    node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], dhtMode: 'server', testMode: true, iceServers: [], bootstrap: o.bootstrap },
    ...o,
  });

/** Retries `fn` until it returns a value other than undefined/false (or stops throwing); fails after `timeoutMs`. */
export const eventually = async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`eventually(${what}): timed out after ${timeoutMs} ms${last === undefined ? '' : `; last error: ${(last as Error).message ?? last}`}`);
};

export const texts = async (c: ParleyClient, room: Uint8Array, channel: Uint8Array): Promise<(string | undefined)[]> =>
  (await c.history(room, channel, { limit: 1000 })).map((m) => m.text);

/** Admin token the process tests start hubs with. */
export const TOKEN = 'test-admin-token-0123456789';

const BIN = new URL('../bin/parley-hub.ts', import.meta.url).pathname;

export interface Running {
  readonly child: ChildProcess;
  readonly ready: { peerId: string; multiaddrs: string[]; http: string };
  readonly logs: () => string;
}

export const startHubProcess = async (args: string[], env: Record<string, string> = {}): Promise<Running> => {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ready = await new Promise<Running['ready']>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`hub did not start in 60 s; stderr: ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"ready":true')) continue;
        clearTimeout(t);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}; stderr: ${err}`)));
  });
  return { child, ready, logs: () => out + err };
};

/** A fresh temp directory (a process hub keeps its identity file there even when it stores in Postgres). */
export const tempDir = (label: string): string => mkdtempSync(join(tmpdir(), `parley-hub-${label}-`));

/** Arguments and environment that start a hub process on `storage` (loopback, any free ports, test mode, admin token). */
export const processArgs = (
  storage: HubStorage,
  dataDir: string = storage.kind === 'pglite' ? (storage.dataDir as string) : tempDir('id'),
): { args: string[]; env: Record<string, string> } => ({
  args: ['--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dataDir, '--test-mode'],
  env: { PARLEY_HUB_ADMIN_TOKEN: TOKEN, ...(storage.kind === 'postgres' ? { DATABASE_URL: storage.url } : {}) },
});
