/**
 * The verified object store: what a peer and a hub need to keep, page, reconcile and re-offer
 * signed objects. Every adapter (memory, IndexedDB, Postgres, PGlite) implements `ObjectStore` and
 * passes the compliance suite (`@parley/store/compliance`).
 *
 * Objects arrive already verified; the store keeps frame bytes plus the metadata its queries need.
 * Objects are keyed by (room, id): an object whose body names its room (every type but PROFILE and
 * DEVICE_CERT) has exactly one room, so this is "by id"; a profile or device certificate is kept
 * once per room that uses it. Channel queries cover the ENVELOPEs of one (room, channel), ordered by
 * (lamport, id). Every call checks its arguments first and throws InvalidArgumentError naming the bad
 * one; a batch is written entirely or not at all.
 */
import type { HaveVector, ObjectTypeName } from '@parley/protocol';
import type { Bounds, Cursor } from './cursor.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { StoredObject } from './stored-object.ts';

/** Objects by id: the basic key-value part. */
export interface ObjectIndex {
  /** Stores verified objects, idempotent by (room, id), atomically. Returns how many were new. */
  put(objects: readonly StoredObject[]): Promise<number>;
  /** The object with this id (in `room` if given; otherwise its copy in the bytewise-lowest room). */
  get(id: Uint8Array, room?: Uint8Array): Promise<StoredObject | undefined>;
  /** For each id, in order, whether it is held (in `room` if given). */
  has(ids: readonly Uint8Array[], room?: Uint8Array): Promise<boolean[]>;
  /** Removes these ids (from `room` only if given; tombstoned files, eviction). Returns how many of the ids were held. */
  delete(ids: readonly Uint8Array[], room?: Uint8Array): Promise<number>;
}

export interface TypeQuery {
  /** Only objects by this account. */
  readonly account?: Uint8Array | undefined;
  /** Only objects of this channel (e.g. a channel's EPOCH_BUNDLEs). */
  readonly channel?: Uint8Array | undefined;
  /** Paging: only ids bytewise above this one. */
  readonly afterId?: Uint8Array | undefined;
  /** At most this many (default and maximum STORE_LIMITS.maxPage). */
  readonly limit?: number | undefined;
}

/** Room-level objects: the authority log, key bundles and shares, invites, profiles. */
export interface RoomIndex {
  /** Every AUTHORITY_ENTRY of the room, ordered by (lamport, id). */
  authority(room: Uint8Array): Promise<StoredObject[]>;
  /** The room's objects of one type, ordered by id, optionally by account / channel, paged by id. */
  byType(room: Uint8Array, type: ObjectTypeName, query?: TypeQuery): Promise<StoredObject[]>;
}

export interface RangeQuery {
  /** Only objects strictly after this cursor. */
  readonly after?: Cursor | undefined;
  /** Only objects strictly before this cursor. */
  readonly before?: Cursor | undefined;
  /** At most this many, 1..STORE_LIMITS.maxPage. */
  readonly limit: number;
  /** 'asc' (default): oldest first; 'desc': newest first (the first page of a chat view). */
  readonly order?: 'asc' | 'desc' | undefined;
}

/** A channel's history: the ENVELOPEs of one (room, channel). */
export interface ChannelIndex {
  /** A page of history ordered by (lamport, id). */
  range(room: Uint8Array, channel: Uint8Array, query: RangeQuery): Promise<StoredObject[]>;
  /** { device hex: highest seq n such that seqs 1..n are all held }; devices with none contiguous are absent. */
  haveVector(room: Uint8Array, channel: Uint8Array): Promise<HaveVector>;
  /** One device's envelopes with fromSeq <= seq <= toSeq, ordered by (seq, id) (equivocating twins both appear). */
  bySeq(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Promise<StoredObject[]>;
}

/** One part of a split range: its bounds, count and fingerprint. */
export interface RangeSummary extends Fingerprint {
  readonly lower?: Cursor | undefined;
  readonly upper?: Cursor | undefined;
}

/**
 * The store side of range-based set reconciliation over a channel's (lamport, id) order. Ranges are
 * half-open [lower, upper); an absent bound is open-ended.
 */
export interface RangeSync {
  /** Count and fingerprint (sum of ids mod 2^256) of the range. */
  fingerprint(room: Uint8Array, channel: Uint8Array, bounds?: Bounds): Promise<Fingerprint>;
  /**
   * Cuts the range into at most `parts` consecutive parts of near-equal count (sizes differ by at
   * most one), each with its fingerprint. The parts cover the range exactly: the first starts at
   * bounds.lower, each ends where the next starts (at its first object), the last ends at bounds.upper.
   * An empty range gives one empty part.
   */
  split(room: Uint8Array, channel: Uint8Array, bounds: Bounds, parts: number): Promise<RangeSummary[]>;
  /** The cursors of the range, ascending, at most `limit` (1..STORE_LIMITS.maxPage). */
  rangeIds(room: Uint8Array, channel: Uint8Array, bounds: Bounds, limit: number): Promise<Cursor[]>;
}

export interface Usage {
  readonly count: number;
  readonly bytes: number;
}

export interface EvictOptions {
  /** The types that may be evicted. Default: ENVELOPE only (authority and keys are needed to verify). */
  readonly types?: readonly ObjectTypeName[] | undefined;
}

/** Per-room quotas. */
export interface Quotas {
  /** Objects and frame bytes held for the room. */
  usage(room: Uint8Array): Promise<Usage>;
  /**
   * Deletes the room's oldest objects (by receivedAt, then id) of the evictable types until its bytes
   * are at most `maxBytes`, never an object pending in the outbox. Returns the evicted ids, oldest first.
   */
  evict(room: Uint8Array, maxBytes: number, options?: EvictOptions): Promise<Uint8Array[]>;
}

export interface OutboxEntry {
  readonly object: StoredObject;
  /** Who must acknowledge (peer ids, hub names); undefined: anyone. */
  readonly targets: readonly string[] | undefined;
  /** Who acknowledged without completing the entry (not a target). */
  readonly acks: readonly string[];
  readonly attempts: number;
  /** When the entry is next due (ms); 0 = at once. */
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | undefined;
}

export interface PendingQuery {
  /** Only entries due at this time (nextAttemptAt <= dueAt). */
  readonly dueAt?: number | undefined;
  /** At most this many (default and maximum STORE_LIMITS.maxPage). */
  readonly limit?: number | undefined;
}

/** 'done': the entry is complete and gone; 'recorded': noted, still pending; 'unknown': no such pending entry. */
export type AckResult = 'done' | 'recorded' | 'unknown';

/**
 * The durable outbox: what this device authored and must re-offer until a peer or hub has it. An
 * entry holds its own copy of the object: delete() and evict() never touch it.
 */
export interface Outbox {
  /**
   * Stores the object (as put does) and adds an outbox entry, in one transaction. With `targets`,
   * only an ack by one of them completes the entry (e.g. a pinned hub for 'guaranteed' durability).
   * Returns false if the object was already pending.
   */
  enqueue(object: StoredObject, targets?: readonly string[]): Promise<boolean>;
  /** Entries not yet acknowledged, oldest enqueued first. */
  pending(query?: PendingQuery): Promise<OutboxEntry[]>;
  /** Records a delivery attempt at `at`; the entry is next due at `retryAt` (see retryDelay). False if not pending. */
  attempted(id: Uint8Array, at: number, retryAt: number): Promise<boolean>;
  /** Records that `by` holds the object. */
  ack(id: Uint8Array, by: string): Promise<AckResult>;
}

export interface ObjectStore extends ObjectIndex, RoomIndex, ChannelIndex, RangeSync, Quotas, Outbox {
  /** Releases the store's resources (idempotent); later calls reject with StoreClosedError. */
  close(): Promise<void>;
}
