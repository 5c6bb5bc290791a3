/**
 * The seams between the hub's core (rooms, ingest, storage, sync) and its operations side (config,
 * HTTP, metrics, logs). The core reports through these interfaces and never imports prom-client,
 * pino or node:http; the operations side implements them.
 */

import type { ParleyNode } from '@parley/net';

/** Why the hub refused or dropped something: the label of `rejections_total` and of log lines. */
export type RejectReason =
  | 'invalid' // failed decode, signature or authorization (ProtocolError)
  | 'too-large' // over the hub's max object size
  | 'quota' // the room is over its byte quota and eviction could not make room
  | 'rate' // the peer is over its rate limit
  | 'not-served' // a room this hub does not serve
  | 'strict' // the channel's durability is `strict`: the hub stores nothing for it
  | 'busy' // too many concurrent streams or connections
  | 'internal';

/** Counters and gauges the core updates; the operations side backs them with prom-client. */
export interface HubMetrics {
  /** Objects newly stored (duplicates not counted), by object type (ENVELOPE, AUTHORITY_ENTRY, ...). */
  stored(type: string, n: number): void;
  /** Objects refused, by reason. */
  rejected(reason: RejectReason, n?: number): void;
  /** A sync session (one request stream) started and ended. */
  syncSession(kind: string): void;
  /** Current counts, sampled on scrape. */
  setPeers(n: number): void;
  setRooms(n: number): void;
}

/**
 * Structured logging the core may use. Field values are ids, counts, reasons and peer ids only:
 * never frame bytes, payloads or anything derived from message content (the canary test scans logs).
 */
export interface HubLog {
  info(fields: Record<string, string | number | boolean>, msg: string): void;
  warn(fields: Record<string, string | number | boolean>, msg: string): void;
  error(fields: Record<string, string | number | boolean>, msg: string): void;
}

export const NO_METRICS: HubMetrics = { stored() {}, rejected() {}, syncSession() {}, setPeers() {}, setRooms() {} };
export const NO_LOG: HubLog = { info() {}, warn() {}, error() {} };

/** What `/readyz`, `/metrics` and the admin API ask the core. */
export interface HubStatus {
  readonly peerId: string;
  readonly multiaddrs: readonly string[];
  /** Started, store open and migrated, listening. */
  readonly ready: boolean;
  readonly storage: 'pglite' | 'postgres' | 'off';
  readonly peers: number;
  readonly rooms: readonly ServedRoom[];
}

export interface ServedRoom {
  /** 64 hex. */
  readonly room: string;
  /** Why it is served: the room's policy names this hub, an operator pinned it, or both. */
  readonly pinnedBy: readonly ('policy' | 'operator')[];
  readonly objects: number;
  readonly bytes: number;
}

/** The core as the operations side drives it. */
export interface HubCore {
  /** The hub's libp2p node (valid after start): the operations side registers the TURN protocol on it. */
  readonly node: ParleyNode;
  start(): Promise<void>;
  /** Stops accepting, finishes in-flight commits, closes the store and the node. */
  stop(): Promise<void>;
  status(): Promise<HubStatus>;
  /** Operator pin (persisted): serve this room even if its policy does not name this hub. */
  pinRoom(room: Uint8Array): Promise<void>;
  unpinRoom(room: Uint8Array): Promise<void>;
}
