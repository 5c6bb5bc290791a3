/**
 * The node's verification and sync hooks, bound to a client once it exists: a node is built before
 * its client (or by someone else, e.g. a hub that shares one node), so the hooks delegate late.
 */
import type { ParleyNodeOptions, SyncSource } from '@parley/net';
import type { Verdict } from './ingest.ts';

interface Bound {
  verdict(topic: string, bytes: Uint8Array, from: string): Promise<Verdict>;
  syncSource(): SyncSource;
}

export class ClientHooks {
  #client: Bound | undefined;
  #source: SyncSource | undefined;

  bind(client: Bound): void {
    this.#client = client;
    this.#source = client.syncSource();
  }

  /** The `verify` and `sync` options to build a node with (merged over `base`). */
  nodeOptions(base: ParleyNodeOptions = {}): Pick<ParleyNodeOptions, 'verify' | 'sync'> {
    const source: SyncSource = {
      authority: (room) => this.#source?.authority(room),
      have: (room, channel) => this.#source?.have(room, channel),
      range: (room, channel, device, from, to) => this.#source?.range(room, channel, device, from, to),
    };
    return {
      verify: { ...base.verify, gossip: (topic, bytes, from) => this.#client?.verdict(topic, bytes, from) ?? 'ignore' },
      sync: { ...base.sync, source },
    };
  }
}
