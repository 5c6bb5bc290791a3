/**
 * Per-peer misbehaviour: counts, a weighted sliding window, and blocking. Network handlers never
 * throw a peer's bad input at the caller: they drop it, record a penalty here, and carry on. Each
 * penalty has a weight (PenaltyPolicy); when the weights a peer earned within `windowMs` reach
 * `threshold`, the peer is blocked for `banMs`: the node hangs up on it and its connection gater
 * refuses it by peer id, both ways. A block is keyed by peer id and ends only when it expires, so
 * reconnecting does not lift it, and it does not depend on gossipsub's score (which gossipsub
 * deletes when it drops a peer whose score was still positive, e.g. after an oversized RPC).
 */
import type { ErrorCode } from '@parley/protocol';

export type PenaltyReason =
  /** A sync message that did not decode (bad version, CBOR, field). */
  | 'sync-malformed'
  /** A sync length prefix or response above the limits. */
  | 'sync-oversize'
  /** A sync peer that did not send its request (or answer) in time. */
  | 'sync-timeout'
  /** A sync stream that ended inside a message (the peer crashed, lost its link, or closed its tab). */
  | 'sync-truncated'
  /** A gossip message our validator rejected (weighed by its protocol error code when known). */
  | 'gossip-reject'
  /** A gossip RPC above gossipsub's inbound size limit (refused at its length prefix; the peer's stream is dropped). */
  | 'gossip-oversize'
  /** A file chunk (or piece list) that does not match the file's hashes: an honest peer serves only what it verified. */
  | 'chunk-bad';

export interface Penalty {
  readonly peer: string;
  readonly reason: PenaltyReason;
  readonly detail: string;
  /** The protocol error code of a gossip reject, when the validator gave one. */
  readonly code?: string;
}

/**
 * When a peer is blocked. Every weight must be below `threshold` (no single event blocks) and
 * ERR_UNKNOWN_REFERENCE must weigh 0 (honest peers send those whenever we lag behind authority).
 */
export interface PenaltyPolicy {
  /** Sum of weights within `windowMs` at which a peer is blocked. */
  readonly threshold: number;
  /** How far back penalties count (a sliding window). */
  readonly windowMs: number;
  /** How long a block lasts. */
  readonly banMs: number;
  /** Weight of each reason; a gossip reject with a code listed in `rejectWeights` weighs that instead. */
  readonly weights: Readonly<Record<PenaltyReason, number>>;
  /** Weight of a gossip reject by protocol error code. */
  readonly rejectWeights: Readonly<Partial<Record<ErrorCode, number>>>;
}

/**
 * Defaults: 100 points within 10 minutes block a peer for 10 minutes. Weights follow how likely an
 * honest peer is to cause the event. Checks that do not depend on room state (signatures, decoding,
 * canonical form) cannot fail on an object an honest peer relays (gossipsub forwards only what its
 * own validator accepted), so they weigh most; checks that depend on state (authorization, cut-offs,
 * expiry, limits that differ between versions) can fail in a race or on clock skew and weigh little.
 */
export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = {
  threshold: 100,
  windowMs: 10 * 60_000,
  banMs: 10 * 60_000,
  weights: {
    'sync-malformed': 20,
    // Our limits; a peer of another version may have others.
    'sync-oversize': 10,
    // A slow link does this honestly: a whole request (a PUT: up to 1 MiB) must arrive within 5 s, and
    // a client retries its push every sync tick (15 s: 40 in the window). A slowloris holding all 4 of
    // its stream slots times out 48 times a minute, and is blocked within about 2 minutes.
    'sync-timeout': 1,
    // A crash, a lost link or a closed tab mid-message (a hub restarting ends many streams at once).
    'sync-truncated': 2,
    // A reject without a code (a validator that returns a bare 'reject').
    'gossip-reject': 5,
    // gossipsub batches IWANT answers in one RPC, so an honest peer can go over the limit now and then.
    'gossip-oversize': 10,
    // State-independent like a forged signature: a peer verifies a chunk against the piece list before it keeps or serves it.
    'chunk-bad': 25,
  },
  rejectWeights: {
    ERR_SIGNATURE: 25,
    ERR_DECODE: 20,
    ERR_NON_CANONICAL: 20,
    ERR_FIELD: 10,
    ERR_WRONG_TYPE: 10,
    ERR_LIMIT: 10,
    ERR_PROOF_OF_WORK: 10,
    ERR_INVALID_INVITE: 5,
    ERR_DECRYPT: 5,
    ERR_UNAUTHORIZED: 2,
    ERR_CUTOFF: 2,
    ERR_EXPIRED: 2,
    ERR_UNKNOWN_REFERENCE: 0,
  },
};

/** A policy override: any field, weights merged over the defaults. */
export interface PenaltyPolicyInit {
  readonly threshold?: number;
  readonly windowMs?: number;
  readonly banMs?: number;
  readonly weights?: Partial<Record<PenaltyReason, number>>;
  readonly rejectWeights?: Partial<Record<ErrorCode, number>>;
}

/** A blocked peer and why. */
export interface BlockedPeer {
  readonly peer: string;
  /** When the block started and when it ends (ms, the box's clock). */
  readonly since: number;
  readonly until: number;
  /** Weighted sum that crossed the threshold. */
  readonly score: number;
  /** Weight per cause within the window (`gossip-reject:ERR_SIGNATURE`, `sync-malformed`...). */
  readonly causes: Readonly<Record<string, number>>;
  /** The penalty that crossed the threshold. */
  readonly last: Penalty;
  /** Dials and connections refused since (the connection gater's, counted by `refuses`). */
  readonly refused: number;
}

export interface PenaltyBoxInit {
  readonly policy?: PenaltyPolicyInit;
  /** Peers tracked at most (and blocks held at most); the oldest is forgotten first. Default 10,000. */
  readonly maxPeers?: number;
  /** Clock (ms). Default Date.now. */
  readonly now?: () => number;
}

interface Recent {
  readonly t: number;
  readonly w: number;
  readonly cause: string;
}

interface PeerRecord {
  readonly counts: Map<PenaltyReason, number>;
  recent: Recent[];
}

/** Window entries kept per peer at most (only weighted ones are kept; the oldest go first). */
const MAX_RECENT = 1024;

export const resolvePenaltyPolicy = (init: PenaltyPolicyInit = {}): PenaltyPolicy => {
  const p: PenaltyPolicy = {
    threshold: init.threshold ?? DEFAULT_PENALTY_POLICY.threshold,
    windowMs: init.windowMs ?? DEFAULT_PENALTY_POLICY.windowMs,
    banMs: init.banMs ?? DEFAULT_PENALTY_POLICY.banMs,
    weights: { ...DEFAULT_PENALTY_POLICY.weights, ...init.weights },
    rejectWeights: { ...DEFAULT_PENALTY_POLICY.rejectWeights, ...init.rejectWeights },
  };
  for (const [k, v] of [
    ['threshold', p.threshold],
    ['windowMs', p.windowMs],
    ['banMs', p.banMs],
  ] as const)
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`penalties.${k}: expected a positive number, got ${v}`);
  for (const [k, v] of [...Object.entries(p.weights), ...Object.entries(p.rejectWeights)])
    if (!Number.isFinite(v) || (v as number) < 0 || (v as number) >= p.threshold)
      throw new RangeError(`penalties weight ${k}: expected 0 <= weight < threshold (${p.threshold}), got ${v}`);
  if (p.rejectWeights.ERR_UNKNOWN_REFERENCE !== 0) throw new RangeError('penalties weight ERR_UNKNOWN_REFERENCE: must be 0 (honest peers send these)');
  return p;
};

export class PenaltyBox {
  readonly policy: PenaltyPolicy;
  private readonly peers = new Map<string, PeerRecord>();
  private readonly blocks = new Map<string, BlockedPeer & { refused: number }>();
  private readonly listeners = new Set<(p: Penalty) => void>();
  private readonly blockListeners = new Set<(b: BlockedPeer) => void>();
  private readonly maxPeers: number;
  private readonly now: () => number;

  constructor(init: PenaltyBoxInit | number = {}) {
    const i = typeof init === 'number' ? { maxPeers: init } : init;
    this.policy = resolvePenaltyPolicy(i.policy);
    this.maxPeers = i.maxPeers ?? 10_000;
    this.now = i.now ?? Date.now;
  }

  /** The weight `policy` gives a penalty. */
  weight(reason: PenaltyReason, code?: string): number {
    if (reason === 'gossip-reject' && code !== undefined) {
      const w = this.policy.rejectWeights[code as ErrorCode];
      if (w !== undefined) return w;
    }
    return this.policy.weights[reason];
  }

  record(peer: string, reason: PenaltyReason, detail = '', code?: string): void {
    let rec = this.peers.get(peer);
    if (rec === undefined) {
      if (this.peers.size >= this.maxPeers) {
        const oldest = this.peers.keys().next();
        if (oldest.done !== true) this.peers.delete(oldest.value);
      }
      this.peers.set(peer, (rec = { counts: new Map(), recent: [] }));
    }
    rec.counts.set(reason, (rec.counts.get(reason) ?? 0) + 1);
    const penalty: Penalty = code === undefined ? { peer, reason, detail } : { peer, reason, detail, code };
    for (const l of this.listeners) l(penalty);
    // Penalties that arrive while blocked (in flight when we hung up) neither extend nor renew it.
    if (this.isBlocked(peer)) return;
    const w = this.weight(reason, code);
    if (w <= 0) return;
    const t = this.now();
    rec.recent.push({ t, w, cause: code === undefined ? reason : `${reason}:${code}` });
    this.prune(rec, t);
    if (rec.recent.length > MAX_RECENT) rec.recent.splice(0, rec.recent.length - MAX_RECENT);
    const score = rec.recent.reduce((s, r) => s + r.w, 0);
    if (score >= this.policy.threshold) this.block(peer, rec, score, penalty, t);
  }

  private prune(rec: PeerRecord, t: number): void {
    const from = t - this.policy.windowMs;
    let i = 0;
    while (i < rec.recent.length && (rec.recent[i] as Recent).t <= from) i++;
    if (i > 0) rec.recent.splice(0, i);
  }

  private block(peer: string, rec: PeerRecord, score: number, last: Penalty, t: number): void {
    const causes: Record<string, number> = {};
    for (const r of rec.recent) causes[r.cause] = (causes[r.cause] ?? 0) + r.w;
    // The block used these up: after it expires the peer starts from zero.
    rec.recent = [];
    if (this.blocks.size >= this.maxPeers) {
      // Full: forget the block that ends first.
      let first: BlockedPeer | undefined;
      for (const b of this.blocks.values()) if (first === undefined || b.until < first.until) first = b;
      if (first !== undefined) this.blocks.delete(first.peer);
    }
    const b = { peer, since: t, until: t + this.policy.banMs, score, causes, last, refused: 0 };
    this.blocks.set(peer, b);
    for (const l of this.blockListeners) l({ ...b });
  }

  /** Whether `peer` is blocked now (an expired block is dropped here). */
  isBlocked(peer: string): boolean {
    const b = this.blocks.get(peer);
    if (b === undefined) return false;
    if (b.until > this.now()) return true;
    this.blocks.delete(peer);
    return false;
  }

  /** The connection gater's question: whether `peer` is blocked now, counting a refusal if so. */
  refuses(peer: string): boolean {
    if (!this.isBlocked(peer)) return false;
    const b = this.blocks.get(peer);
    if (b !== undefined) b.refused++;
    return true;
  }

  /** The peers blocked now, and why. */
  blocked(): BlockedPeer[] {
    const t = this.now();
    for (const [p, b] of this.blocks) if (b.until <= t) this.blocks.delete(p);
    return [...this.blocks.values()].map((b) => ({ ...b }));
  }

  /** Lifts a block before it expires (an operator's decision; nothing in the node calls it). */
  unblock(peer: string): boolean {
    return this.blocks.delete(peer);
  }

  /** The weighted sum of `peer`'s penalties within the window now. */
  score(peer: string): number {
    const rec = this.peers.get(peer);
    if (rec === undefined) return 0;
    this.prune(rec, this.now());
    return rec.recent.reduce((s, r) => s + r.w, 0);
  }

  /** Penalties recorded against `peer`, of one reason or all (lifetime counts, weights aside). */
  count(peer: string, reason?: PenaltyReason): number {
    const byReason = this.peers.get(peer)?.counts;
    if (byReason === undefined) return 0;
    if (reason !== undefined) return byReason.get(reason) ?? 0;
    let n = 0;
    for (const v of byReason.values()) n += v;
    return n;
  }

  /** Calls `listener` on every penalty; returns the function that stops it. */
  onPenalty(listener: (p: Penalty) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` when a peer is blocked (the node hangs up on it); returns the function that stops it. */
  onBlock(listener: (b: BlockedPeer) => void): () => void {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }
}
