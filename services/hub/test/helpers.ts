/**
 * Hub test helpers: a hub on each storage backend (PGlite in a temp directory, and a fresh database
 * on the machine's Postgres, which must be reachable: the suite fails, never skips, if it is not),
 * clients on real libp2p nodes on 127.0.0.1, and a retry helper for what the network makes eventual.
 */
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
