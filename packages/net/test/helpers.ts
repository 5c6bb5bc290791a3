/**
 * Test helpers: real libp2p nodes on 127.0.0.1 in test mode, a retry helper for what the network
 * makes eventual, an in-memory sync source, and a real room (genesis entry) from the protocol core.
 */
import { accountKeys, createGenesis, type HaveVector, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { createParleyNode, type ParleyNode, type ParleyNodeOptions, type SyncSource } from '../src/index.ts';

export const crypto = nodeCrypto;

/** Deterministic 32-byte seeds for named test identities. */
export const seed = (name: string): Uint8Array => crypto.sha256(new TextEncoder().encode(`parley-net-test:${name}`));

/** A node listening on a random loopback WebSockets port, DHT server, test-mode allowances. */
export const testNode = (name: string, opts: ParleyNodeOptions = {}): Promise<ParleyNode> =>
  createParleyNode({ identitySeed: seed(name), listen: ['/ip4/127.0.0.1/tcp/0/ws'], dhtMode: 'server', testMode: true, ...opts });

/** Retries `fn` until it returns a value other than undefined/false (or stops throwing); fails after `timeoutMs`. */
export const eventually = async <T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, intervalMs = 250): Promise<T> => {
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
  throw new Error(`eventually: timed out after ${timeoutMs} ms${last === undefined ? '' : `; last error: ${(last as Error).message ?? last}`}`);
};

export const T0 = Date.now();

/** A real room: its creator's account key and signed genesis entry. */
export const testRoom = (name: string) => {
  const account = accountKeys(seed(`account:${name}`), crypto);
  const genesis = createGenesis(
    { author: { account: account.publicKey, signer: account }, name, nonce: seed(`nonce:${name}`).subarray(0, 16), time: T0 },
    crypto,
  );
  return { account, genesis, room: genesis.body.room };
};

/** An in-memory SyncSource: authority frames per room, envelope frames per (room, channel, device, seq). */
export class MemorySource implements SyncSource {
  readonly authorityFrames = new Map<string, Uint8Array[]>();
  readonly haves = new Map<string, HaveVector>();
  readonly ranges = new Map<string, Map<number, Uint8Array>>();

  addAuthority(room: Uint8Array, frame: Uint8Array): void {
    const k = toHex(room);
    this.authorityFrames.set(k, [...(this.authorityFrames.get(k) ?? []), frame]);
  }

  setHave(room: Uint8Array, channel: Uint8Array, have: HaveVector): void {
    this.haves.set(`${toHex(room)}/${toHex(channel)}`, have);
  }

  addEnvelope(room: Uint8Array, channel: Uint8Array, device: Uint8Array, seq: number, frame: Uint8Array): void {
    const k = `${toHex(room)}/${toHex(channel)}/${toHex(device)}`;
    const m = this.ranges.get(k) ?? new Map<number, Uint8Array>();
    m.set(seq, frame);
    this.ranges.set(k, m);
  }

  authority(room: Uint8Array): Uint8Array[] | undefined {
    return this.authorityFrames.get(toHex(room));
  }

  have(room: Uint8Array, channel: Uint8Array): HaveVector | undefined {
    return this.haves.get(`${toHex(room)}/${toHex(channel)}`);
  }

  range(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Uint8Array[] | undefined {
    const m = this.ranges.get(`${toHex(room)}/${toHex(channel)}/${toHex(device)}`);
    if (m === undefined) return undefined;
    const out: Uint8Array[] = [];
    for (let s = fromSeq; s <= toSeq; s++) {
      const f = m.get(s);
      if (f !== undefined) out.push(f);
    }
    return out;
  }
}
