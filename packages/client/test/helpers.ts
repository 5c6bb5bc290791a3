/**
 * Test helpers: clients on real libp2p nodes on 127.0.0.1 (net's test mode), seeded identities and
 * randomness, node:crypto, short sync and key delays, and a retry helper for what the network makes
 * eventual.
 */
import type { RandomSource } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import { createIdentity, type Identity, ParleyClient, type ParleyClientOptions } from '../src/index.ts';

export const crypto = nodeCrypto;

/** Deterministic byte stream: SHA-256(name || counter) blocks. */
export const seededRandom = (name: string): RandomSource => {
  let counter = 0;
  let buf = new Uint8Array(0);
  return (n) => {
    while (buf.length < n) {
      const block = crypto.sha256(new TextEncoder().encode(`${name}/${counter++}`));
      const next = new Uint8Array(buf.length + block.length);
      next.set(buf);
      next.set(block, buf.length);
      buf = next;
    }
    const out = buf.slice(0, n);
    buf = buf.slice(n);
    return out;
  };
};

export const identity = (name: string): Identity => createIdentity({ displayName: name, random: seededRandom(`id:${name}`), crypto, now: 1_750_000_000_000 });

export interface TestClientOptions extends Partial<ParleyClientOptions> {
  readonly bootstrap?: readonly string[];
  /** Suffix for the node's libp2p key, so that a restarted client gets a fresh peer id. */
  readonly incarnation?: number;
}

export const testClient = (name: string, o: TestClientOptions = {}): Promise<ParleyClient> =>
  ParleyClient.create({
    identity: o.identity ?? identity(name),
    store: o.store ?? new MemoryStore(),
    crypto,
    random: o.random ?? seededRandom(`rnd:${name}:${o.incarnation ?? 0}`),
    syncIntervalMs: 1000,
    keyDelayMs: 300,
    node: {
      identitySeed: crypto.sha256(new TextEncoder().encode(`node:${name}:${o.incarnation ?? 0}`)),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      bootstrap: o.bootstrap,
    },
    ...o,
  });

/** Retries `fn` until it returns a value other than undefined/false (or stops throwing); fails after `timeoutMs`. */
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

export const texts = async (c: ParleyClient, room: Uint8Array, channel: Uint8Array, limit = 1000): Promise<(string | undefined)[]> =>
  (await c.history(room, channel, { limit })).map((m) => m.text);
