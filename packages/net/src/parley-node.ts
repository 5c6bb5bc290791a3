/**
 * ParleyNode: one libp2p node with Parley's services wired in (identify, ping, kad-dht under
 * `/parley/kad/1.0.0` with Parley's record validators, gossipsub with frame ids, the sync protocol),
 * plus room rendezvous and room gossip on top. Platform variants (create-node.node.ts,
 * create-node.browser.ts) only choose transports and extra services; everything else is here.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { type GossipSub, gossipsub } from '@libp2p/gossipsub';
import { type Identify, identify } from '@libp2p/identify';
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface';
import { type KadDHT, kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht';
import { peerIdFromString } from '@libp2p/peer-id';
import { type Ping, ping } from '@libp2p/ping';
import { multiaddr } from '@multiformats/multiaddr';
import { type CryptoPort, type HaveVector, LIMITS, type PresenceRole, peerIdOfEd25519, signPresence, toHex, validateMultiaddr } from '@parley/protocol';
import { createLibp2p, type Libp2pOptions, type ServiceFactoryMap } from 'libp2p';
import { Bootstrapper } from './bootstrap.ts';
import { type ChunkService, parleyChunks } from './chunks/chunk-service.ts';
import { PARLEY_NAMESPACE, parleySelector, parleyValidator, type RecordVerifyContext } from './dht-records.ts';
import { frameMessageId, frameShapeValidator, type GossipMessage, RoomGossip } from './gossip.ts';
import { type GossipStreamKeeper, keepGossipStreams } from './gossip-streams.ts';
import { DEFAULTS, type ParleyNodeOptions, TEST_MODE } from './options.ts';
import { type BlockedPeer, PenaltyBox } from './penalties.ts';
import { type AnnounceResult, type PresenceSource, Rendezvous, type RoomPeer } from './rendezvous.ts';
import { type PutResult, parleySync, type SyncService } from './sync/service.ts';
import { type PublishResult, TagListings, type TagRead } from './tag-listings.ts';
import { authorityTopic, channelTopic } from './topics.ts';

export const DHT_PROTOCOL = '/parley/kad/1.0.0';

export interface ParleyServices {
  identify: Identify;
  ping: Ping;
  dht: KadDHT;
  pubsub: GossipSub;
  sync: SyncService;
  chunks: ChunkService;
  [extra: string]: unknown;
}

/** What a platform variant contributes. */
export interface Platform {
  readonly transports: NonNullable<Libp2pOptions['transports']>;
  readonly services?: ServiceFactoryMap<Record<string, unknown>>;
  /** Peer discovery modules (Node: mDNS); discovered peers are dialled. */
  readonly peerDiscovery?: NonNullable<Libp2pOptions['peerDiscovery']>;
  readonly defaultListen: readonly string[];
  readonly defaultCrypto: CryptoPort;
  readonly defaultDhtMode: 'client' | 'server' | 'auto';
  /** Called after the node started / stopped (process-wide resources such as native WebRTC). */
  readonly onStarted?: () => void;
  readonly onStopped?: () => Promise<void>;
}

export interface PresenceInit {
  readonly role?: PresenceRole;
  /** PRESENCE_CAPS bits. */
  readonly caps?: number;
  /** Lifetime from now; at most 24 h. Default 1 h. */
  readonly ttlMs?: number;
  /** Addresses to advertise; default this node's own (valid ones, at most LIMITS.maxAddrs). */
  readonly addrs?: readonly string[];
}

const asPeerId = (p: PeerId | string): PeerId => (typeof p === 'string' ? peerIdFromString(p) : p);

export class ParleyNode {
  readonly libp2p: Libp2p<ParleyServices>;
  readonly penalties: PenaltyBox;
  readonly gossip: RoomGossip;
  readonly rendezvous: Rendezvous;
  /** Room listings under tag keys (PROTOCOL 8.5): read, and publish by read-merge-put. */
  readonly tags: TagListings;
  readonly crypto: CryptoPort;
  private readonly seed: Uint8Array;
  private readonly now: () => number;
  private readonly bootstrapper: Bootstrapper;
  private readonly dhtMode: 'client' | 'server' | 'auto';
  private readonly platform: Platform;
  private readonly dialDiscovered: boolean;
  private running = false;
  private stopHangingUp: (() => void) | undefined;
  private gossipStreams: GossipStreamKeeper | undefined;

  constructor(libp2p: Libp2p<ParleyServices>, seed: Uint8Array, opts: ParleyNodeOptions, platform: Platform, penalties: PenaltyBox) {
    this.libp2p = libp2p;
    this.seed = seed;
    this.penalties = penalties;
    this.crypto = opts.verify?.crypto ?? platform.defaultCrypto;
    this.now = opts.verify?.now ?? Date.now;
    this.dhtMode = opts.dhtMode ?? platform.defaultDhtMode;
    this.platform = platform;
    this.gossip = new RoomGossip(libp2p.services.pubsub, opts.verify?.gossip ?? frameShapeValidator, penalties);
    this.rendezvous = new Rendezvous({
      dht: libp2p.services.dht,
      peerStore: libp2p.peerStore,
      self: libp2p.peerId,
      crypto: this.crypto,
      now: this.now,
      republishIntervalMs: opts.republishIntervalMs ?? DEFAULTS.republishIntervalMs,
      queryTimeoutMs: opts.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
    });
    this.tags = new TagListings({
      dht: libp2p.services.dht,
      crypto: this.crypto,
      now: this.now,
      listingDifficulty: opts.verify?.listingDifficulty ?? DEFAULTS.listingDifficulty,
      queryTimeoutMs: opts.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
    });
    this.bootstrapper = new Bootstrapper(libp2p, {
      addrs: opts.bootstrap,
      invite: opts.invite,
      cache: opts.peerCache,
      retryMs: opts.bootstrapRetryMs ?? DEFAULTS.bootstrapRetryMs,
      dialTimeoutMs: opts.bootstrapDialTimeoutMs ?? DEFAULTS.bootstrapDialTimeoutMs,
      cacheSize: opts.peerCacheSize ?? DEFAULTS.peerCacheSize,
      saveIntervalMs: opts.peerCacheSaveMs ?? DEFAULTS.peerCacheSaveMs,
    });
    this.dialDiscovered = (platform.peerDiscovery?.length ?? 0) > 0;
  }

  /** A peer crossed the penalty threshold: close every connection to it (the gater refuses new ones). */
  private readonly onBlock = (b: BlockedPeer): void => {
    let id: PeerId;
    try {
      id = peerIdFromString(b.peer);
    } catch {
      return; // penalties recorded under something that is not a peer id: nothing to hang up on
    }
    this.libp2p.hangUp(id).catch(() => {});
  };

  /** Dials a peer found by a discovery module (mDNS) unless already connected. */
  private readonly onDiscovery = (evt: CustomEvent<{ id: PeerId; multiaddrs: unknown[] }>): void => {
    const { id } = evt.detail;
    if (id.equals(this.libp2p.peerId) || this.libp2p.getConnections(id).length > 0) return;
    this.libp2p.dial(id, { signal: AbortSignal.timeout(DEFAULTS.bootstrapDialTimeoutMs) }).catch(() => {});
  };

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  get sync(): SyncService {
    return this.libp2p.services.sync;
  }

  /** The chunk protocol (PROTOCOL 12.4): `chunks.serve(source, sink)` sets what this node serves. */
  get chunks(): ChunkService {
    return this.libp2p.services.chunks;
  }

  /**
   * Before closing a relayed connection to `peer` that another one replaces: resolves true once
   * gossip runs both ways over an unlimited connection (no frame is lost at the switch), false after
   * `timeoutMs` (default 3 s) or when there is no such connection. True for a peer gossip does not know.
   */
  gossipSettled(peer: string, timeoutMs = 3_000): Promise<boolean> {
    return this.gossipStreams?.settled(peer, timeoutMs) ?? Promise.resolve(true);
  }

  /** This node's dialable addresses, each ending in /p2p/<peer id>. */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString());
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.libp2p.start();
    this.running = true;
    this.platform.onStarted?.();
    if (this.dhtMode === 'server') await this.libp2p.services.dht.setMode('server');
    this.stopHangingUp = this.penalties.onBlock(this.onBlock);
    this.gossipStreams = keepGossipStreams(this.libp2p, this.libp2p.services.pubsub);
    this.gossip.start();
    this.rendezvous.start();
    if (this.dialDiscovered) this.libp2p.addEventListener('peer:discovery', this.onDiscovery);
    await this.bootstrapper.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.dialDiscovered) this.libp2p.removeEventListener('peer:discovery', this.onDiscovery);
    await this.bootstrapper.stop();
    this.rendezvous.stop();
    this.gossip.stop();
    this.stopHangingUp?.();
    this.stopHangingUp = undefined;
    this.gossipStreams?.stop();
    this.gossipStreams = undefined;
    await this.libp2p.stop();
    await this.platform.onStopped?.();
  }

  /**
   * Adds bootstrap addresses from an invite (dialled after the cached and configured ones); if the
   * node has no connection they are tried now.
   */
  addBootstrap(addrs: readonly string[]): void {
    this.bootstrapper.add(addrs);
  }

  /** The layered bootstrap (dial attempts in `attempts`, the cache snapshot in `snapshot()`). */
  get bootstrap(): Bootstrapper {
    return this.bootstrapper;
  }

  /**
   * Dials a peer by id (addresses from the peer store) or by a multiaddr string with /p2p/; `force`
   * opens a new connection even if one exists (the fallback ladder upgrading a relayed one).
   */
  async dial(target: PeerId | string, options?: AbortOptions & { force?: boolean }): Promise<void> {
    const t = typeof target === 'string' && target.startsWith('/') ? multiaddr(target) : asPeerId(target);
    await this.libp2p.dial(t, options);
  }

  // ---- rendezvous ----

  /** A presence record for `room` signed with this node's identity key. */
  signPresence(room: Uint8Array, init: PresenceInit = {}): Uint8Array {
    const signer = this.crypto.ed25519PublicKey(this.seed);
    const own = `/p2p/${this.peerId}`;
    const addrs =
      init.addrs ??
      this.multiaddrs()
        .map((a) => (a.endsWith(own) ? a.slice(0, -own.length) : a))
        .filter((a) => {
          try {
            return validateMultiaddr(a, 'addr') === a;
          } catch {
            return false;
          }
        })
        .slice(0, LIMITS.maxAddrs);
    const issuedAt = this.now();
    const body = {
      signer,
      peerId: peerIdOfEd25519(signer),
      room,
      role: init.role ?? 'client',
      addrs: [...new Set(addrs)],
      caps: init.caps ?? 0,
      issuedAt,
      expiresAt: issuedAt + (init.ttlMs ?? 60 * 60_000),
    };
    return signPresence(body, this.seed, this.crypto).bytes;
  }

  /** Announces this node in `room` (provider record + presence record), re-published while started. */
  announceRoom(room: Uint8Array, record?: PresenceSource, options?: AbortOptions): Promise<AnnounceResult> {
    return this.rendezvous.announceRoom(room, record ?? (() => this.signPresence(room)), options);
  }

  stopAnnouncing(room: Uint8Array): Promise<void> {
    return this.rendezvous.stopAnnouncing(room);
  }

  findRoomPeers(room: Uint8Array, options?: AbortOptions): Promise<RoomPeer[]> {
    return this.rendezvous.findRoomPeers(room, options);
  }

  // ---- directory ----

  /** Publishes a LISTING frame under each of its tags and their ancestors (read, merge, put). */
  publishListing(listing: Uint8Array, options?: AbortOptions): Promise<PublishResult> {
    return this.tags.publish(listing, options);
  }

  /** Every valid listing the DHT holds under a tag path (e.g. `gaming/fps`). */
  readTag(path: string, options?: AbortOptions): Promise<TagRead> {
    return this.tags.read(path, options);
  }

  // ---- gossip ----

  /** Subscribes to the room's authority topic; returns the topic. */
  joinRoom(room: Uint8Array): string {
    const t = authorityTopic(room);
    this.gossip.join(t);
    return t;
  }

  joinChannel(room: Uint8Array, channel: Uint8Array): string {
    const t = channelTopic(room, channel);
    this.gossip.join(t);
    return t;
  }

  publish(topic: string, frame: Uint8Array): Promise<number> {
    return this.gossip.publish(topic, frame);
  }

  onMessage(listener: (m: GossipMessage) => void): () => void {
    return this.gossip.subscribe(listener);
  }

  // ---- sync ----

  getAuthority(peer: PeerId | string, room: Uint8Array, options?: AbortOptions): Promise<Uint8Array[]> {
    return this.sync.getAuthority(asPeerId(peer), room, options);
  }

  have(peer: PeerId | string, room: Uint8Array, channel: Uint8Array, options?: AbortOptions): Promise<HaveVector> {
    return this.sync.have(asPeerId(peer), room, channel, options);
  }

  getRange(
    peer: PeerId | string,
    room: Uint8Array,
    channel: Uint8Array,
    device: Uint8Array,
    fromSeq: number,
    toSeq: number,
    options?: AbortOptions,
  ): Promise<Uint8Array[]> {
    return this.sync.getRange(asPeerId(peer), room, channel, device, fromSeq, toSeq, options);
  }

  /** Offers frames of `room` to a storing peer (a hub); see SyncService.put. */
  put(peer: PeerId | string, room: Uint8Array, frames: readonly Uint8Array[], options?: AbortOptions): Promise<PutResult> {
    return this.sync.put(asPeerId(peer), room, frames, options);
  }
}

/** Builds (does not start) a node from the shared options and a platform's transports. */
export const buildParleyNode = async (opts: ParleyNodeOptions, platform: Platform): Promise<ParleyNode> => {
  const seed = opts.identitySeed ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new RangeError('identitySeed: expected 32 bytes');
  const crypto = opts.verify?.crypto ?? platform.defaultCrypto;
  const ctx: RecordVerifyContext = {
    crypto,
    now: opts.verify?.now ?? Date.now,
    listingDifficulty: opts.verify?.listingDifficulty ?? DEFAULTS.listingDifficulty,
  };
  const test = opts.testMode === true;
  const penalties = new PenaltyBox({ policy: opts.penalties });
  // Blocked peers are refused by peer id: dialling them, and their connections either way once the
  // encryption handshake names them (relayed and WebRTC connections included). Test mode also dials
  // private addresses; otherwise, without a dial filter, denyDialMultiaddr stays unset so that
  // libp2p's default applies.
  const blocked = (peer: PeerId): boolean => penalties.refuses(peer.toString());
  // A dial filter (a page's CSP allows WebSockets to its hubs only) replaces libp2p's default too.
  const filter = opts.dialFilter;
  const connectionGater: NonNullable<Libp2pOptions['connectionGater']> = {
    denyDialPeer: blocked,
    denyInboundEncryptedConnection: blocked,
    denyOutboundEncryptedConnection: blocked,
    ...(filter !== undefined ? { denyDialMultiaddr: (ma) => !filter(ma.toString()) } : test ? { denyDialMultiaddr: () => false } : {}),
  };
  const dhtMode = opts.dhtMode ?? platform.defaultDhtMode;
  const options: Libp2pOptions<ParleyServices> = {
    start: false,
    privateKey: await generateKeyPairFromSeed('Ed25519', seed),
    addresses: { listen: [...(opts.listen ?? platform.defaultListen)], announce: opts.announce === undefined ? undefined : [...opts.announce] },
    transports: platform.transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: platform.peerDiscovery === undefined ? undefined : [...platform.peerDiscovery],
    dns: opts.dns,
    connectionGater,
    connectionManager:
      test || opts.maxConnections !== undefined || opts.addressDialTimeoutMs !== undefined
        ? {
            ...(test ? { allow: [...TEST_MODE.allow] } : {}),
            ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
            ...(opts.addressDialTimeoutMs !== undefined
              ? { addressDialTimeout: opts.addressDialTimeoutMs, dialTimeout: Math.max(10_000, opts.addressDialTimeoutMs) }
              : {}),
          }
        : undefined,
    services: {
      ...platform.services,
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: dhtMode === 'client',
        validators: { [PARLEY_NAMESPACE]: parleyValidator(ctx) },
        selectors: { [PARLEY_NAMESPACE]: parleySelector(ctx) },
        peerInfoMapper: test ? passthroughMapper : removePrivateAddressesMapper,
      }),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: frameMessageId(crypto),
        msgIdToStrFn: toHex,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        // One frame plus protobuf framing per message.
        maxInboundDataLength: LIMITS.maxFrameBytes + 4096,
        scoreParams: test ? { IPColocationFactorWeight: TEST_MODE.ipColocationFactorWeight } : {},
        // A relayed (limited) connection is the fallback ladder's last rung: chat must flow over it.
        runOnLimitedConnection: true,
      }),
      sync: parleySync({ source: opts.sync?.source, sink: opts.sync?.sink, limits: opts.sync?.limits, penalties }),
      chunks: parleyChunks({ penalties }),
    },
  };
  const libp2p = await createLibp2p(options);
  return new ParleyNode(libp2p, seed, opts, platform, penalties);
};
