/**
 * Room rendezvous on the DHT. A peer in a room announces itself twice:
 *
 *   - as a provider of the room's CID (every announcing peer is listed: that is how peers find many);
 *   - by putting its signed PRESENCE record under `/parley/room/<hex>` (one record per key survives on
 *     each DHT node, the best by expiry; it carries role, capabilities and addresses, verified).
 *
 * `findRoomPeers` asks for both, verifies every presence record it sees with the protocol core, and
 * returns the union. Presence is a hint to dial, never proof of membership (THREATS 23, 24).
 * Announcements are re-published on an interval while the node runs.
 */

import type { AbortOptions, PeerId, PeerStore } from '@libp2p/interface';
import type { KadDHT, QueryEvent } from '@libp2p/kad-dht';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { type CryptoPort, concat, InvalidFieldError, openPresence, type Presence, presenceDhtKeyBytes, toHex, utf8 } from '@parley/protocol';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';

/** A presence record, or a function that signs a fresh one (called at every re-publish). */
export type PresenceSource = Uint8Array | (() => Uint8Array | Promise<Uint8Array>);

export interface RoomPeer {
  readonly peerId: string;
  /** Addresses from provider records and presence records, deduplicated. */
  readonly addrs: readonly string[];
  /** The verified presence record of this peer, when one was found. */
  readonly presence?: Presence;
}

export interface AnnounceResult {
  /** DHT peers that stored the presence record. */
  readonly stored: number;
  /** DHT peers that took the provider record. */
  readonly provided: number;
}

export interface RendezvousDeps {
  readonly dht: KadDHT;
  readonly peerStore: PeerStore;
  readonly self: PeerId;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  readonly republishIntervalMs: number;
  readonly queryTimeoutMs: number;
}

const RAW = 0x55;
const SHA2_256 = 0x12;

/**
 * The CID a room is provided under: raw codec, multihash sha2-256 of "parley/rendezvous/v1/" ||
 * room id. Hashing again keeps room rendezvous out of any other content's key space.
 */
export const roomCid = (room: Uint8Array, crypto: CryptoPort): CID => {
  if (room.length !== 32) throw new InvalidFieldError('room', 'expected 32 bytes');
  return CID.createV1(RAW, Digest.create(SHA2_256, crypto.sha256(concat(utf8('parley/rendezvous/v1/'), room))));
};

const count = async (events: AsyncIterable<QueryEvent>, messageName: string): Promise<number> => {
  let n = 0;
  for await (const e of events) if (e.name === 'PEER_RESPONSE' && e.messageName === messageName) n++;
  return n;
};

export class Rendezvous {
  private readonly deps: RendezvousDeps;
  private readonly announced = new Map<string, { room: Uint8Array; record: PresenceSource }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopping = new AbortController();

  constructor(deps: RendezvousDeps) {
    this.deps = deps;
  }

  start(): void {
    this.stopping = new AbortController();
    this.timer = setInterval(() => void this.republish(), this.deps.republishIntervalMs);
    // Never keep a process alive just to re-publish.
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
  }

  private signal(options: AbortOptions = {}): AbortSignal {
    const parts = [this.stopping.signal, AbortSignal.timeout(this.deps.queryTimeoutMs)];
    if (options.signal !== undefined) parts.push(options.signal);
    return AbortSignal.any(parts);
  }

  /** Checks that `bytes` is a valid presence record for `room` signed by this node's identity. */
  private ownRecord(room: Uint8Array, bytes: Uint8Array): void {
    const p = openPresence(bytes, this.deps.crypto, this.deps.now(), room);
    if (p.body.peerId !== this.deps.self.toString()) throw new InvalidFieldError('PRESENCE.p', 'not this node’s peer id');
  }

  private async publish(room: Uint8Array, source: PresenceSource, options?: AbortOptions): Promise<AnnounceResult> {
    const bytes = typeof source === 'function' ? await source() : source;
    this.ownRecord(room, bytes);
    const signal = this.signal(options);
    const [stored, provided] = await Promise.all([
      count(this.deps.dht.put(presenceDhtKeyBytes(room), bytes, { signal }), 'PUT_VALUE'),
      count(this.deps.dht.provide(roomCid(room, this.deps.crypto), { signal }), 'ADD_PROVIDER'),
    ]);
    return { stored, provided };
  }

  /**
   * Announces this node in `room` now and on every re-publish until stopAnnouncing(room). Throws the
   * protocol's typed error if the record is invalid or not this node's; DHT failures (no peers yet)
   * show as zero counts and are retried at the next re-publish.
   */
  async announceRoom(room: Uint8Array, record: PresenceSource, options?: AbortOptions): Promise<AnnounceResult> {
    const key = toHex(room);
    const result = await this.publish(room, record, options).catch((e: unknown) => {
      if ((e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError') return { stored: 0, provided: 0 };
      throw e;
    });
    this.announced.set(key, { room, record });
    return result;
  }

  async stopAnnouncing(room: Uint8Array): Promise<void> {
    this.announced.delete(toHex(room));
    await this.deps.dht.cancelReprovide(roomCid(room, this.deps.crypto)).catch(() => {});
  }

  private async republish(): Promise<void> {
    for (const { room, record } of this.announced.values()) {
      if (this.stopping.signal.aborted) return;
      await this.publish(room, record).catch(() => {});
    }
  }

  /**
   * Peers announcing `room`: providers of its CID plus the peers of every valid presence record seen
   * (invalid records are dropped). Excludes this node. Addresses are added to the peer store so that
   * the caller can dial by peer id.
   */
  async findRoomPeers(room: Uint8Array, options?: AbortOptions): Promise<RoomPeer[]> {
    const self = this.deps.self.toString();
    const peers = new Map<string, { addrs: Set<string>; presence?: Presence }>();
    const entry = (id: string) => {
      let e = peers.get(id);
      if (e === undefined) peers.set(id, (e = { addrs: new Set() }));
      return e;
    };
    const signal = this.signal(options);
    const providers = (async () => {
      for await (const e of this.deps.dht.findProviders(roomCid(room, this.deps.crypto), { signal })) {
        if (e.name !== 'PROVIDER') continue;
        for (const p of e.providers) {
          const id = p.id.toString();
          if (id === self) continue;
          const en = entry(id);
          for (const a of p.multiaddrs) en.addrs.add(a.toString());
        }
      }
    })();
    const records: Uint8Array[] = [];
    const presence = (async () => {
      for await (const e of this.deps.dht.get(presenceDhtKeyBytes(room), { signal })) {
        if (e.name === 'VALUE') records.push(e.value);
        else if (e.name === 'PEER_RESPONSE' && e.record !== undefined) records.push(e.record.value);
      }
    })();
    // A query that ends early (timeout, correction failure) keeps what it found.
    await Promise.allSettled([providers, presence]);
    for (const bytes of records) {
      try {
        const p = openPresence(bytes, this.deps.crypto, this.deps.now(), room).body;
        if (p.peerId === self) continue;
        const en = entry(p.peerId);
        if (en.presence === undefined || p.expiresAt > en.presence.expiresAt) en.presence = p;
        for (const a of p.addrs) en.addrs.add(a);
      } catch {
        // Invalid or expired: dropped (kad-dht's validator already refuses to store such records).
      }
    }
    const out: RoomPeer[] = [];
    for (const [peerId, e] of peers) {
      const addrs = [...e.addrs];
      if (addrs.length > 0) {
        await this.deps.peerStore.merge(peerIdFromString(peerId), { multiaddrs: addrs.map((a) => multiaddr(a)) }).catch(() => {});
      }
      out.push(e.presence === undefined ? { peerId, addrs } : { peerId, addrs, presence: e.presence });
    }
    return out;
  }
}
