/**
 * The fallback ladder (PROTOCOL 10, "Fallback ladder"): two browsers meet through a hub's circuit relay
 * (`/p2p-circuit`), then the peer with the lower peer id climbs to a WebRTC connection, trying in
 * order, each with a bounded time: (1) `direct`, a WebRTC connection offering only host and STUN
 * candidates (skipped in relay-only mode, which must not reveal addresses); (2) `turn`, WebRTC
 * through the TURN relays whose credentials the hubs minted (`iceTransportPolicy: 'relay'`; when it
 * fails, the credentials are dropped and asked for again at once, since a TURN server that refuses
 * them answers only inside the failed connection, and the rung is tried once more); (3) `circuit`:
 * the relayed connection is kept and carries gossip and sync (and the climb starts again when new TURN
 * credentials arrive, or after 30 s, doubling, when a WebRTC rung was possible but failed). Once a WebRTC rung works the relayed
 * connection is closed. When a room peer's connection ends, the climbing side dials the relay again
 * and the ladder starts over (TURN restarted with a new secret, a network change).
 */
import type { ParleyNode } from '@parley/net';
import type { IceProvider } from './ice.ts';
import { pathOfAddr, peerConnectionOf } from './paths.ts';

export type Rung = 'direct' | 'turn' | 'circuit';

export interface LadderAttempt {
  readonly rung: Rung;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export interface LadderState {
  readonly peer: string;
  /** The rung the last climb settled on; undefined while the first climb runs. */
  readonly rung: Rung | undefined;
  readonly climbing: boolean;
  /** Every attempt, oldest first (the last 32). */
  readonly attempts: readonly LadderAttempt[];
}

export interface LadderOptions {
  readonly node: ParleyNode;
  readonly ice: IceProvider;
  /** Bound of the direct rung (ms). Default 6 s, libp2p's own bound on dialling one address. */
  readonly directTimeoutMs?: number;
  /** Bound of one TURN attempt (ms). Default 6 s, likewise. */
  readonly turnTimeoutMs?: number;
  /** Wait before climbing again from the relay when a WebRTC rung failed (ms), doubled per failure up to 10 min. Default 30 s. */
  readonly reclimbMs?: number;
  /** Wait before dialling a lost peer's relay again (ms), doubled per failure. Default 2 s. */
  readonly redialMs?: number;
}

type Connection = ReturnType<ParleyNode['libp2p']['getConnections']>[number];

interface Peer {
  /** `<relay addr>/p2p-circuit/p2p/<peer>`, from the relayed connection. */
  circuit: string;
  rung: Rung | undefined;
  climbing: boolean;
  attempts: LadderAttempt[];
  redials: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  reclimb: ReturnType<typeof setTimeout> | undefined;
  reclimbs: number;
}

const MAX_REDIALS = 6;
/** How long a relayed connection that WebRTC replaces stays open for gossip to move off it (ms). */
const GOSSIP_SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ConnectionLadder {
  readonly #o: LadderOptions;
  readonly #peers = new Map<string, Peer>();
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  readonly #onOpen = (e: CustomEvent<Connection>): void => {
    const c = e.detail;
    const addr = c.remoteAddr.toString();
    const peer = c.remotePeer.toString();
    // Either side: once WebRTC carries a peer, a relayed connection beside it (the climber's, or one
    // the other side dialed meanwhile, e.g. a room look-up) is closed, or it would stay open for good.
    if (pathOfAddr(addr).path === 'webrtc') {
      this.#dropRelayedSoon(peer);
      return;
    }
    if (pathOfAddr(addr).path !== 'circuit') return;
    const p = this.#peers.get(peer) ?? {
      circuit: addr,
      rung: undefined,
      climbing: false,
      attempts: [],
      redials: 0,
      timer: undefined,
      reclimb: undefined,
      reclimbs: 0,
    };
    p.circuit = addr.includes(`/p2p/${peer}`) ? addr : `${addr}/p2p/${peer}`;
    p.redials = 0;
    this.#peers.set(peer, p);
    if (this.#hasWebRtc(peer)) {
      // already climbed (a second relayed connection, opened by the other side)
      this.#dropRelayedSoon(peer);
      return;
    }
    if (this.#climbs(peer)) void this.climb(peer);
    else if (p.rung === undefined && !this.#hasWebRtc(peer)) p.rung = 'circuit';
  };

  readonly #onClose = (e: CustomEvent<Connection>): void => {
    const peer = e.detail.remotePeer.toString();
    const p = this.#peers.get(peer);
    if (p === undefined || this.#stopped || p.climbing) return;
    if (this.#o.node.libp2p.getConnections(e.detail.remotePeer).some((c) => c.status === 'open')) return;
    if (!this.#climbs(peer)) return;
    this.#redial(peer, p);
  };

  constructor(o: LadderOptions) {
    this.#o = o;
  }

  start(): void {
    this.#stopped = false;
    // New TURN credentials (a hub reconnected, or a refresh): peers left on the relay climb again.
    this.#unsubscribe = this.#o.ice.onCredential(() => {
      for (const [peer, p] of this.#peers) if (p.rung === 'circuit' && !p.climbing && this.#climbs(peer) && this.#hasCircuit(peer)) void this.climb(peer);
    });
    this.#o.node.libp2p.addEventListener('connection:open', this.#onOpen);
    this.#o.node.libp2p.addEventListener('connection:close', this.#onClose);
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#o.node.libp2p.removeEventListener('connection:open', this.#onOpen);
    this.#o.node.libp2p.removeEventListener('connection:close', this.#onClose);
    for (const p of this.#peers.values()) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      if (p.reclimb !== undefined) clearTimeout(p.reclimb);
    }
  }

  /** Every peer met through a relay, and how far its ladder got. */
  states(): LadderState[] {
    return [...this.#peers].map(([peer, p]) => ({ peer, rung: p.rung, climbing: p.climbing, attempts: [...p.attempts] }));
  }

  /** Tries the rungs in order for a peer met through a relay; resolves with the rung it settled on. */
  async climb(peer: string): Promise<Rung> {
    const p = this.#peers.get(peer);
    if (p === undefined) throw new Error(`no relayed connection to ${peer}`);
    if (p.climbing) return p.rung ?? 'circuit';
    if (p.rung !== undefined && p.rung !== 'circuit' && this.#webRtcUp(peer)) return p.rung; // climbed meanwhile
    p.climbing = true;
    try {
      const webrtc = p.circuit.replace('/p2p-circuit/', '/p2p-circuit/webrtc/');
      if (!this.#o.ice.relayOnly && (await this.#try(p, peer, 'direct', webrtc, this.#o.directTimeoutMs ?? 6_000))) return this.#settle(peer, p, 'direct');
      if (this.#o.ice.hasTurn()) {
        if (await this.#try(p, peer, 'turn', webrtc, this.#o.turnTimeoutMs ?? 6_000)) return this.#settle(peer, p, 'turn');
        // A refused credential shows only as a failed connection: ask the hubs for new ones now.
        if ((await this.#o.ice.refresh()).length > 0 && (await this.#try(p, peer, 'turn', webrtc, this.#o.turnTimeoutMs ?? 6_000)))
          return this.#settle(peer, p, 'turn');
      }
      p.rung = 'circuit';
      p.attempts.push({ rung: 'circuit', ok: this.#hasCircuit(peer), ms: 0 });
      this.#climbLater(peer, p);
      return 'circuit';
    } finally {
      p.climbing = false;
      if (p.attempts.length > 32) p.attempts.splice(0, p.attempts.length - 32);
    }
  }

  /** The lower peer id climbs, so two peers do not open two WebRTC connections to each other. */
  #climbs(peer: string): boolean {
    return this.#o.node.peerId < peer;
  }

  #hasWebRtc(peer: string): boolean {
    return this.#conns(peer).some((c) => pathOfAddr(c.remoteAddr.toString()).path === 'webrtc');
  }

  /** A WebRTC connection to the peer whose peer connection is connected (when the transport exposes it). */
  #webRtcUp(peer: string): boolean {
    return this.#conns(peer).some((c) => {
      if (pathOfAddr(c.remoteAddr.toString()).path !== 'webrtc') return false;
      const pc = peerConnectionOf(c);
      return pc === undefined || pc.connectionState === 'connected';
    });
  }

  /**
   * In a second, if WebRTC to the peer is up: closes the relayed connections to it (streams opened on
   * them meanwhile may finish first). A WebRTC connection still completing ICE then (a loaded device)
   * is looked at again each second for up to ten, rather than leaving the relayed one open for good.
   */
  #dropRelayedSoon(peer: string, tries = 10): void {
    setTimeout(() => {
      if (this.#stopped || !this.#hasWebRtc(peer)) return;
      if (!this.#webRtcUp(peer)) {
        if (tries > 1) this.#dropRelayedSoon(peer, tries - 1);
        return;
      }
      void this.#closeRelayed(peer);
    }, 1_000);
  }

  /**
   * Closes the relayed connections to a peer that WebRTC now joins, once gossip has moved to WebRTC
   * both ways (at most GOSSIP_SETTLE_MS): closed sooner, frames sent meanwhile were lost.
   */
  async #closeRelayed(peer: string): Promise<void> {
    await this.#o.node.gossipSettled(peer, GOSSIP_SETTLE_MS);
    await Promise.all(
      this.#conns(peer)
        .filter((c) => pathOfAddr(c.remoteAddr.toString()).path === 'circuit')
        .map((c) => c.close().catch(() => undefined)),
    );
  }

  #hasCircuit(peer: string): boolean {
    return this.#conns(peer).some((c) => pathOfAddr(c.remoteAddr.toString()).path === 'circuit');
  }

  #conns(peer: string): Connection[] {
    return this.#o.node.libp2p.getConnections().filter((c) => c.remotePeer.toString() === peer && c.status === 'open');
  }

  async #try(p: Peer, peer: string, rung: 'direct' | 'turn', addr: string, timeoutMs: number): Promise<boolean> {
    // libp2p folds a dial into one already queued for the same peer (a redial of the relay, a
    // look-up): wait for those first, so that this dial is the WebRTC one and gets this rung.
    for (let i = 0; i < 40 && this.#o.node.libp2p.getDialQueue().some((d) => d.peerId?.toString() === peer); i++) await sleep(50);
    const t = Date.now();
    try {
      this.#o.ice.useNext(rung);
      // The WebRTC transport does not stop its signalling wait on abort (it gives up after its own
      // 20 s), so the rung's time limit is kept here: the next rung starts on time.
      // The rung also succeeds when a WebRTC connection comes up by another dial meanwhile (the peer's
      // own, or one libp2p started for a discovered address): two signalling exchanges over one
      // relay can starve each other, and the one that loses must not mark the link as relayed.
      const signal = AbortSignal.timeout(timeoutMs);
      const dialing = this.#o.node.dial(addr, { signal, force: true });
      dialing.catch(() => undefined); // its late failure, after the race is lost, is nobody's to handle
      let watching: ReturnType<typeof setInterval> | undefined;
      try {
        await Promise.race([
          dialing,
          new Promise<void>((resolve) => {
            watching = setInterval(() => {
              if (this.#webRtcUp(peer)) resolve();
            }, 250);
          }),
          new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no connection within ${timeoutMs} ms`)), { once: true })),
        ]);
      } finally {
        clearInterval(watching);
      }
      // Success is a WebRTC connection whose ICE completed, not whatever connection the dial returned.
      if (!this.#webRtcUp(peer)) throw new Error('the dial returned no connected WebRTC connection');
      p.attempts.push({ rung, ok: true, ms: Date.now() - t });
      return true;
    } catch (e) {
      if (this.#webRtcUp(peer)) {
        p.attempts.push({ rung, ok: true, ms: Date.now() - t });
        return true;
      }
      p.attempts.push({ rung, ok: false, ms: Date.now() - t, error: (e as Error).message.slice(0, 200) });
      return false;
    }
  }

  /** A WebRTC rung worked: the relayed connections to the peer are closed (traffic moves to WebRTC). */
  async #settle(peer: string, p: Peer, rung: Rung): Promise<Rung> {
    p.rung = rung;
    p.reclimbs = 0;
    await this.#closeRelayed(peer);
    return rung;
  }

  /**
   * A WebRTC rung was possible but failed (a slow link, a busy device): the climb is tried again
   * later, after `reclimbMs` doubling per failure up to 10 minutes, while the relayed connection lasts.
   */
  #climbLater(peer: string, p: Peer): void {
    if (this.#o.ice.relayOnly && !this.#o.ice.hasTurn()) return; // nothing above the relay to try
    if (p.reclimb !== undefined) clearTimeout(p.reclimb);
    const wait = Math.min((this.#o.reclimbMs ?? 30_000) * 2 ** p.reclimbs, 10 * 60_000);
    p.reclimbs++;
    p.reclimb = setTimeout(() => {
      p.reclimb = undefined;
      if (!this.#stopped && p.rung === 'circuit' && this.#hasCircuit(peer)) void this.climb(peer);
    }, wait);
  }

  #redial(peer: string, p: Peer): void {
    if (p.redials >= MAX_REDIALS) {
      this.#peers.delete(peer);
      return;
    }
    const wait = (this.#o.redialMs ?? 2_000) * 2 ** p.redials;
    p.redials++;
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      p.timer = undefined;
      if (this.#stopped || this.#conns(peer).length > 0) return;
      // The relayed connection's open event starts the climb again.
      this.#o.node.dial(p.circuit, { signal: AbortSignal.timeout(10_000) }).catch(() => this.#redial(peer, p));
    }, wait);
  }
}
