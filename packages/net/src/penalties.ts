/**
 * Per-peer misbehaviour counts. Network handlers never throw a peer's bad input at the caller: they
 * drop it, record a penalty here, and carry on. Gossipsub keeps its own score from our Reject
 * verdicts; this box is what the sync protocol and the application can see and act on (a client may
 * hang up on a peer past some count).
 */
export type PenaltyReason =
  /** A sync message that did not decode (bad version, CBOR, field). */
  | 'sync-malformed'
  /** A sync length prefix or response above the limits. */
  | 'sync-oversize'
  /** A sync peer that did not send its request (or answer) in time. */
  | 'sync-timeout'
  /** A gossip message our validator rejected. */
  | 'gossip-reject'
  /** A gossip RPC above gossipsub's inbound size limit (refused at its length prefix; the peer's stream is dropped). */
  | 'gossip-oversize';

export interface Penalty {
  readonly peer: string;
  readonly reason: PenaltyReason;
  readonly detail: string;
}

export class PenaltyBox {
  private readonly counts = new Map<string, Map<PenaltyReason, number>>();
  private readonly listeners = new Set<(p: Penalty) => void>();
  /** Peers tracked at most; the oldest is forgotten first, so a flood of peer ids cannot grow memory. */
  private readonly maxPeers: number;

  constructor(maxPeers = 10_000) {
    this.maxPeers = maxPeers;
  }

  record(peer: string, reason: PenaltyReason, detail = ''): void {
    let byReason = this.counts.get(peer);
    if (byReason === undefined) {
      if (this.counts.size >= this.maxPeers) {
        const oldest = this.counts.keys().next();
        if (oldest.done !== true) this.counts.delete(oldest.value);
      }
      this.counts.set(peer, (byReason = new Map()));
    }
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    for (const l of this.listeners) l({ peer, reason, detail });
  }

  /** Penalties recorded against `peer`, of one reason or all. */
  count(peer: string, reason?: PenaltyReason): number {
    const byReason = this.counts.get(peer);
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
}
