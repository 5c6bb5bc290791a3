/**
 * Options of `createParleyNode`, shared by the Node and browser variants, and the loopback
 * allowances of test mode (never defaults in production).
 */
import { type CryptoPort, LISTING_DIFFICULTY } from '@parley/protocol';
import type { Libp2pOptions } from 'libp2p';
import type { PeerCache } from './bootstrap.ts';
import type { GossipValidator } from './gossip.ts';
import { DEFAULT_PENALTY_POLICY, type PenaltyPolicyInit } from './penalties.ts';
import type { SyncLimits } from './sync/messages.ts';
import type { SyncSink, SyncSource } from './sync/source.ts';

/**
 * Everything that decides whether bytes from a peer are valid. Injected so that a client can move
 * verification off the event loop (a worker) and so that tests control the clock.
 */
export interface VerifyHooks {
  /** Signature and hash primitives for DHT records and message ids. Node default: node:crypto; browser: noble. */
  readonly crypto?: CryptoPort;
  /** The clock records are checked against (ms). Default Date.now. */
  readonly now?: () => number;
  /** Proof-of-work a listing in a tag set must carry. Default LISTING_DIFFICULTY. */
  readonly listingDifficulty?: number;
  /**
   * Verdict on each gossip message. Default: a structural frame check only; a client plugs in the
   * protocol core's decode -> validate -> authorize.
   */
  readonly gossip?: GossipValidator;
}

export type DhtMode = 'client' | 'server' | 'auto';

export interface ParleyNodeOptions {
  /** 32-byte Ed25519 seed of the node's libp2p identity (random when absent). Presence records are signed with it. */
  readonly identitySeed?: Uint8Array;
  /** Multiaddrs to listen on. Node default `/ip4/0.0.0.0/tcp/0/ws`; browser default `/p2p-circuit` and `/webrtc`. */
  readonly listen?: readonly string[];
  /** Multiaddrs to announce instead of the listen addresses (a hub behind a proxy). */
  readonly announce?: readonly string[];
  /**
   * Configured bootstrap multiaddrs (hubs), each ending in `/p2p/<peer id>` or a `/dnsaddr/<domain>`
   * whose `_dnsaddr.<domain>` TXT records list them. Dialled after the cached peers, see `peerCache`.
   */
  readonly bootstrap?: readonly string[];
  /** Multiaddrs from an invite, dialled after `bootstrap`; more with `node.addBootstrap(addrs)`. */
  readonly invite?: readonly string[];
  /** Where the multiaddrs of peers this node dialled are kept between sessions; dialled first on start. */
  readonly peerCache?: PeerCache;
  /** How many addresses the peer cache keeps. Default 32. */
  readonly peerCacheSize?: number;
  /** How often the peer cache is saved while running (and always on stop). Default 5 minutes. */
  readonly peerCacheSaveMs?: number;
  /** Time limit of one bootstrap dial, dnsaddr resolution included. Default 10 s. */
  readonly bootstrapDialTimeoutMs?: number;
  /**
   * DNS resolver for `/dnsaddr/` (and `/dns4/`...) addresses. Default: libp2p's (node:dns on Node,
   * DNS-over-HTTPS in browsers). Tests inject a stub.
   */
  readonly dns?: Libp2pOptions['dns'];
  /** Node only: find peers on the local network with mDNS (hubs, bots) and dial them. Default false. */
  readonly mdns?: boolean;
  /**
   * 'server' answers DHT queries and stores records (hubs, tests); 'client' only asks (browsers);
   * 'auto' (Node default) becomes a server once libp2p finds a public address.
   */
  readonly dhtMode?: DhtMode;
  /** Loopback allowances for tests in one process on 127.0.0.1; see TEST_MODE below. */
  readonly testMode?: boolean;
  /**
   * Multiaddrs this node may dial (true: dial). A browser page passes the addresses its
   * Content-Security-Policy lets it reach, so that it never tries a WebSocket the page would block.
   * When set, it replaces libp2p's default address rules (and test mode's allow-all).
   */
  readonly dialFilter?: (multiaddr: string) => boolean;
  readonly verify?: VerifyHooks;
  /** What this node serves over the sync protocol (none: it only asks), where PUTs go (hubs), and limit overrides. */
  readonly sync?: { readonly source?: SyncSource; readonly sink?: SyncSink; readonly limits?: Partial<SyncLimits> };
  /** How often room announcements are re-published. Default 10 minutes. */
  readonly republishIntervalMs?: number;
  /** Time limit of one DHT query (announce, find). Default 30 s. */
  readonly queryTimeoutMs?: number;
  /** How often bootstrap peers are re-dialled while none is connected. Default 30 s. */
  readonly bootstrapRetryMs?: number;
  /**
   * When a misbehaving peer is cut off: the weighted penalties it earned within `windowMs` reach
   * `threshold`, and the node hangs up on it and refuses it by peer id (inbound and outbound) for
   * `banMs`. Defaults (DEFAULTS.penalties): 100 points within 10 minutes block for 10 minutes; a
   * forged signature weighs 25, an undecodable object or sync message 20, an oversized one 10, an
   * unauthorized or cut-off object 2, a sync timeout 1, ERR_UNKNOWN_REFERENCE 0. Every weight must
   * stay below the threshold (no single event blocks). Fields given here are merged over the defaults.
   */
  readonly penalties?: PenaltyPolicyInit;
  /**
   * Time limit of dialling one address (ms), a WebRTC upgrade included: libp2p's default is 6 s, which
   * also caps each rung of the client's fallback ladder. Default: libp2p's.
   */
  readonly addressDialTimeoutMs?: number;
  /** Most open connections (libp2p's connection manager prunes beyond it). Default: libp2p's (300). */
  readonly maxConnections?: number;
  /** Node only: offer circuit-relay v2 reservations (hubs). */
  readonly relayServer?: boolean;
  /**
   * Node only, with `relayServer`: how much the relay carries. Default libp2p's (15 reservations,
   * each relayed connection 2 minutes and 128 KiB), a relay for signalling only; a hub, whose relay is
   * the last rung of the fallback ladder and carries chat, passes HUB_RELAY_LIMITS.
   */
  readonly relayLimits?: RelayLimits;
  /** Node only: add the WebRTC transport (node-datachannel). Default false; browsers always have it. */
  readonly webrtc?: boolean;
  /**
   * STUN/TURN servers for WebRTC (a room's or hub's, with short-lived TURN credentials). Default:
   * libp2p's public STUN list; `[]` for none (loopback tests, where lookups of public servers only cost time).
   */
  readonly iceServers?: readonly RTCIceServer[];
  /**
   * The WebRTC configuration of each new peer connection, asked for every time (TURN credentials
   * expire; relay-only mode can be switched on). Overrides `iceServers`.
   */
  readonly rtcConfiguration?: () => RTCConfiguration | Promise<RTCConfiguration>;
}

/** Bounds of a circuit-relay v2 server (see ParleyNodeOptions.relayLimits). */
export interface RelayLimits {
  /** Peers holding a reservation at once. */
  readonly maxReservations: number;
  /** Lifetime of one relayed connection (ms); the relay then closes it and the peers dial again. */
  readonly durationMs: number;
  /** Bytes one relayed connection may carry, each direction; then it is closed likewise. */
  readonly dataBytes: number;
}

/**
 * A hub's relay: the last rung of the fallback ladder (PROTOCOL 10, "Fallback ladder"), so it carries chat between
 * peers that cannot reach each other otherwise (relay-only mode without TURN, strict NATs), for many
 * browsers; each relayed connection stays bounded (an hour, 64 MiB) so one pair cannot use the hub as
 * an open pipe, and is dialled again when it ends.
 */
export const HUB_RELAY_LIMITS: RelayLimits = { maxReservations: 1024, durationMs: 60 * 60_000, dataBytes: 64 * 1024 * 1024 };

/** What the WebRTC transport is built with: the per-connection function, else the static servers. */
export const webRtcInit = (opts: ParleyNodeOptions): { rtcConfiguration?: RTCConfiguration | (() => RTCConfiguration | Promise<RTCConfiguration>) } => {
  if (opts.rtcConfiguration !== undefined) return { rtcConfiguration: opts.rtcConfiguration };
  return opts.iceServers === undefined ? {} : { rtcConfiguration: { iceServers: [...opts.iceServers] } };
};

export const DEFAULTS = {
  republishIntervalMs: 10 * 60_000,
  queryTimeoutMs: 30_000,
  bootstrapRetryMs: 30_000,
  bootstrapDialTimeoutMs: 10_000,
  peerCacheSize: 32,
  peerCacheSaveMs: 5 * 60_000,
  listingDifficulty: LISTING_DIFFICULTY,
  penalties: DEFAULT_PENALTY_POLICY,
} as const;

/**
 * Test mode, for many nodes in one process on 127.0.0.1, each allowance measured as necessary:
 * - kad-dht keeps private addresses (its default mapper drops them and the routing table stays empty);
 * - gossipsub's IP-colocation penalty is off (it graylists every peer sharing 127.0.0.1);
 * - the connection manager lets 127.0.0.0/8 past its per-host inbound rate limit;
 * - dialling private addresses is allowed.
 */
export const TEST_MODE = {
  allow: ['/ip4/127.0.0.0/ipcidr/8'],
  ipColocationFactorWeight: 0,
} as const;
