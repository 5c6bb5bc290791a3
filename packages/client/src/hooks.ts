/**
 * The node's verification and sync hooks, bound to a client once it exists: a node is built before
 * its client (or by someone else, e.g. a hub that shares one node), so the hooks delegate late.
 */
import type { GossipOutcome, ParleyNodeOptions, SyncSource } from '@parley/net';

interface Bound {
  gossipOutcome(topic: string, bytes: Uint8Array, from: string): Promise<GossipOutcome>;
  syncSource(): SyncSource;
  connectionConfiguration(): RTCConfiguration;
}

export class ClientHooks {
  #client: Bound | undefined;
  #source: SyncSource | undefined;

  bind(client: Bound): void {
    this.#client = client;
    this.#source = client.syncSource();
  }

  /**
   * The `verify`, `sync` and `rtcConfiguration` options to build a node with (merged over `base`).
   * Until the client is bound, WebRTC gets `base.iceServers` (or the transport's default).
   */
  nodeOptions(base: ParleyNodeOptions = {}): Pick<ParleyNodeOptions, 'verify' | 'sync' | 'rtcConfiguration'> {
    const source: SyncSource = {
      authority: (room) => this.#source?.authority(room),
      have: (room, channel) => this.#source?.have(room, channel),
      range: (room, channel, device, from, to) => this.#source?.range(room, channel, device, from, to),
    };
    return {
      verify: { ...base.verify, gossip: (topic, bytes, from) => this.#client?.gossipOutcome(topic, bytes, from) ?? 'ignore' },
      sync: { ...base.sync, source },
      rtcConfiguration: () => this.#client?.connectionConfiguration() ?? (base.iceServers === undefined ? {} : { iceServers: [...base.iceServers] }),
    };
  }
}
