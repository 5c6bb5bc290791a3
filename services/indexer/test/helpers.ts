/**
 * Indexer test helpers: a database on each backend (PGlite in a temp directory, and a fresh database
 * on the machine's Postgres, which must be reachable: the suite fails, never skips, if it is not),
 * rooms built through the real authority log with directory settings, and listings with real (low
 * difficulty) proof of work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Author,
  type AuthorityEntry,
  accountKeys,
  certifyDevice,
  createGenesis,
  createListing,
  type DiscoverySettings,
  deviceKeys,
  type Listing,
  nextEntry,
  type RoomState,
  replayAuthority,
  type Signed,
  toHex,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import postgres from 'postgres';
import type { DatabaseConfig } from '../src/index.ts';
import type { RoomAuthority } from '../src/room-authority.ts';

export const crypto = nodeCrypto;
export const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Listing difficulty in tests: real work, a few hundred hashes. */
export const D = 8;

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  database(label: string): Promise<DatabaseConfig>;
  cleanup(): Promise<void>;
}

export const pgliteBackend = (): Backend => {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    async database(label) {
      const dir = mkdtempSync(join(tmpdir(), `parley-indexer-${label}-`));
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
    async database(label) {
      try {
        await admin`select 1`;
      } catch (e) {
        throw new Error(`Postgres is not reachable at ${ADMIN_URL} (${(e as Error).message}); the discovery suite needs it (PARLEY_TEST_PG_URL overrides).`);
      }
      const name = `zz_idx_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
      await admin.unsafe(`create database "${name}"`);
      names.push(name);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return { kind: 'postgres', url: url.toString(), max: 4 };
    },
    async cleanup() {
      for (const n of names) await admin.unsafe(`drop database if exists "${n}" with (force)`);
      await admin.end();
    },
  };
};

export const BACKENDS: (() => Backend)[] = [pgliteBackend, postgresBackend];

const enc = new TextEncoder();
export const seed = (s: string): Uint8Array => crypto.sha256(enc.encode(s));

export interface Person {
  readonly author: Author;
  readonly deviceSecret: Uint8Array;
}

export const person = (name: string): Person => {
  const account = accountKeys(seed(`acct:${name}`), crypto);
  const device = deviceKeys(seed(`dev:${name}`), seed(`box:${name}`), crypto);
  const cert = certifyDevice(account, device, 1_750_000_000_000, crypto, name);
  return { author: { account: account.publicKey, signer: device.sign, cert }, deviceSecret: device.sign.secret };
};

export interface BuiltRoom {
  readonly id: Uint8Array;
  readonly hex: string;
  readonly owner: Person;
  readonly settings: DiscoverySettings;
  readonly entries: Signed<AuthorityEntry>[];
  readonly state: RoomState;
}

/** A room whose owner listed it with `settings`, built and replayed by the protocol core. */
export const listedRoom = (ownerName: string, settings: DiscoverySettings, now = Date.now()): BuiltRoom => {
  const owner = person(ownerName);
  const g = createGenesis({ author: owner.author, name: settings.name, nonce: seed(`nonce:${ownerName}:${settings.name}`).slice(0, 16), time: now }, crypto);
  let state = replayAuthority([g], crypto);
  const d = nextEntry(state, owner.author, { kind: 'set_discovery', settings }, now + 1, crypto);
  state = replayAuthority([g, d], crypto);
  return { id: g.body.room, hex: toHex(g.body.room), owner, settings, entries: [g, d], state };
};

/** A hub as a listing signer: its libp2p Ed25519 key is both `a` and `u` (no account, no certificate). */
export const hubPerson = (name: string): Person => {
  const key = accountKeys(seed(`hub:${name}`), crypto);
  return { author: { account: key.publicKey, signer: key }, deviceSecret: key.secret };
};

/** The room with one more entry by its owner: SET_POLICY pinning the hub with this peer id. */
export const pinHub = (r: BuiltRoom, hubPeerId: string, now = Date.now()): BuiltRoom => {
  const policy = { ...r.state.policy(), hubs: [hubPeerId] };
  const e = nextEntry(r.state, r.owner.author, { kind: 'set_policy', policy }, now + 2, crypto);
  const entries = [...r.entries, e];
  return { ...r, entries, state: replayAuthority(entries, crypto) };
};

export interface ListingInit {
  readonly room: Uint8Array;
  readonly by: Person;
  readonly settings: DiscoverySettings;
  readonly issuedAt?: number;
  readonly ttlMs?: number;
  readonly difficulty?: number;
}

export const listing = (o: ListingInit): Signed<Listing> => {
  const t = o.issuedAt ?? Date.now();
  return createListing(
    {
      signer: o.by.author.signer.publicKey,
      account: o.by.author.account,
      room: o.room,
      name: o.settings.name,
      description: o.settings.description,
      language: o.settings.language,
      tags: [...o.settings.tags],
      color: o.settings.color,
      issuedAt: t,
      expiresAt: t + (o.ttlMs ?? 60 * 60_000),
    },
    o.by.deviceSecret,
    crypto,
    { difficulty: o.difficulty ?? D },
  );
};

export const roomListing = (r: BuiltRoom, o: Partial<ListingInit> = {}): Signed<Listing> => listing({ room: r.id, by: r.owner, settings: r.settings, ...o });

/**
 * A RoomAuthority over rooms built in the test (the DHT fetch is exercised by network.spec.ts). It
 * caches like DhtRoomAuthority: `fetches` counts the lookups a real one would make (a first ask, or a
 * cached answer older than `maxAgeMs`).
 */
export const knownRooms = (rooms: readonly BuiltRoom[]): RoomAuthority & { readonly fetches: string[] } => {
  const by = new Map(rooms.map((r) => [r.hex, r.state]));
  const fetchedAt = new Map<string, number>();
  const fetches: string[] = [];
  return {
    fetches,
    state: async (room, maxAgeMs) => {
      const h = toHex(room);
      const at = fetchedAt.get(h);
      if (at === undefined || (maxAgeMs !== undefined && Date.now() - at > maxAgeMs)) {
        fetches.push(h);
        fetchedAt.set(h, Date.now());
      }
      return by.get(h);
    },
  };
};

export const settings = (name: string, tags: string[], description = '', language = 'en'): DiscoverySettings => ({
  name,
  description,
  language,
  tags: [...tags].sort(),
  color: 0x3366ff,
});

/** Retries `fn` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export const eventually = async <T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`eventually(${what}): timed out after ${timeoutMs} ms${last === undefined ? '' : `; last error: ${(last as Error).message ?? last}`}`);
};
