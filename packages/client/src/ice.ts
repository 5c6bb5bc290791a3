/**
 * The WebRTC configuration of this device's peer connections: STUN/TURN URLs from the policies of
 * the rooms it is in, plus short-lived TURN credentials from every connected hub that offers them
 * (`/parley/turn/1.0.0`, learned from identify), refreshed before they expire; in relay-only mode
 * `iceTransportPolicy: 'relay'`, so other members never see this device's addresses (only the
 * relay's). Asked by the WebRTC transport for each new connection.
 */
import { fetchTurnCredentials, type ParleyNode, TURN_PROTOCOL, type TurnCredential } from '@parley/net';

export interface IceProviderOptions {
  readonly node: ParleyNode;
  readonly relayOnly: boolean;
  /**
   * Servers configured for the node (`iceServers` option). Undefined: the WebRTC transport's public
   * STUN defaults apply while nothing else is known (a TURN server also answers STUN, so once one is
   * known the defaults are not needed).
   */
  readonly baseServers: readonly RTCIceServer[] | undefined;
  /** STUN/TURN URLs of the rooms' policies (no credentials: STUN, or TURN servers open to all). */
  readonly policyUrls: () => readonly string[];
  readonly now: () => number;
}

interface Held {
  readonly credential: TurnCredential;
  /** When to ask again (ms): at 80% of its lifetime. */
  readonly refreshAt: number;
  readonly expiresAt: number;
}

/** Wait after a failed ask before the next (ms). */
const RETRY_MS = 30_000;

export class IceProvider {
  readonly #o: IceProviderOptions;
  #relayOnly: boolean;
  readonly #held = new Map<string, Held>();
  readonly #asking = new Set<string>();
  readonly #failedAt = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #next: 'direct' | 'turn' | undefined;
  #refreshes = 0;
  readonly #listeners = new Set<(hub: string) => void>();
  readonly #onIdentify = (e: CustomEvent<{ peerId: { toString(): string }; protocols: string[] }>) => {
    // Identify runs on every (re)connection: a hub that restarted may mint with a rotated secret, so
    // what it gave before is replaced now rather than at 80% of its lifetime.
    if (e.detail.protocols.includes(TURN_PROTOCOL)) void this.#ask(e.detail.peerId.toString(), true);
  };

  constructor(o: IceProviderOptions) {
    this.#o = o;
    this.#relayOnly = o.relayOnly;
  }

  get relayOnly(): boolean {
    return this.#relayOnly;
  }

  /** Applies to connections made from now on. */
  setRelayOnly(on: boolean): void {
    this.#relayOnly = on;
  }

  /** Calls `fn` with the hub's peer id whenever a new credential arrives; returns the unsubscribe. */
  onCredential(fn: (hub: string) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Hubs whose credentials are held now (peer ids). */
  turnHubs(): string[] {
    const now = this.#o.now();
    return [...this.#held].filter(([, h]) => h.expiresAt > now).map(([hub]) => hub);
  }

  start(): void {
    this.#o.node.libp2p.addEventListener('peer:identify', this.#onIdentify as unknown as EventListener);
    // Hubs identified before start, and refreshes.
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), 1000);
  }

  stop(): void {
    this.#o.node.libp2p.removeEventListener('peer:identify', this.#onIdentify as unknown as EventListener);
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /**
   * The configuration for a new peer connection: every server (policy STUN/TURN, held TURN
   * credentials), or those of one rung of the fallback ladder.
   */
  configuration(rung?: 'direct' | 'turn'): RTCConfiguration {
    const now = this.#o.now();
    const servers: RTCIceServer[] = [...(this.#o.baseServers ?? [])];
    // The direct rung offers host and STUN candidates only: no TURN server, so no relay candidate.
    const open = this.#o.policyUrls().filter((u) => rung !== 'direct' || !/^turns?:/.test(u));
    if (open.length > 0) servers.push({ urls: [...new Set(open)] });
    for (const h of this.#held.values()) {
      if (rung === 'direct' || h.expiresAt <= now || h.credential.urls.length === 0) continue;
      servers.push({ urls: [...h.credential.urls], username: h.credential.username, credential: h.credential.credential });
    }
    const iceTransportPolicy = this.#relayOnly || rung === 'turn' ? 'relay' : 'all';
    if (servers.length === 0 && this.#o.baseServers === undefined) return { iceTransportPolicy };
    return { iceServers: servers, iceTransportPolicy };
  }

  /**
   * The next peer connection (the one the ladder dials at once) is for one rung: `direct` without
   * TURN servers, `turn` with `iceTransportPolicy: 'relay'`.
   */
  useNext(rung: 'direct' | 'turn'): void {
    this.#next = rung;
  }

  /** What the WebRTC transport asks for each new peer connection: `configuration()`, narrowed by `useNext` once. */
  forConnection(): RTCConfiguration {
    const rung = this.#next;
    this.#next = undefined;
    return this.configuration(rung);
  }

  /** Whether an unexpired TURN credential (or a policy TURN URL) is held now. */
  hasTurn(): boolean {
    return this.turnHubs().length > 0 || this.#o.policyUrls().some((u) => /^turns?:/.test(u));
  }

  /**
   * Drops every held credential and asks each hub that gave one for a new one now, not at 80% of its
   * lifetime: a TURN server refused the old ones (its secret was rotated, or the clock says they
   * expired). Resolves with the hubs that answered with a new credential.
   */
  async refresh(): Promise<string[]> {
    const hubs = [...this.#held.keys()];
    this.#held.clear();
    for (const hub of hubs) this.#failedAt.delete(hub);
    await Promise.all(hubs.map((hub) => this.#ask(hub)));
    this.#refreshes++;
    return hubs.filter((hub) => this.#held.has(hub));
  }

  /** How many times `refresh` ran (credentials refetched after a refusal, not on the timer). */
  get refreshes(): number {
    return this.#refreshes;
  }

  #tick(): void {
    const now = this.#o.now();
    for (const [hub, h] of this.#held) if (h.expiresAt <= now) this.#held.delete(hub);
    for (const c of this.#o.node.libp2p.getConnections()) {
      const hub = c.remotePeer.toString();
      const h = this.#held.get(hub);
      if (h !== undefined && h.refreshAt > now) continue;
      if ((this.#failedAt.get(hub) ?? -Infinity) > now - RETRY_MS) continue;
      void this.#o.node.libp2p.peerStore
        .get(c.remotePeer)
        .then((p) => (p.protocols.includes(TURN_PROTOCOL) ? this.#ask(hub) : undefined))
        .catch(() => undefined);
    }
  }

  async #ask(hub: string, force = false): Promise<void> {
    if (this.#asking.has(hub)) return;
    const h = this.#held.get(hub);
    const now = this.#o.now();
    if (!force && h !== undefined && h.refreshAt > now) return;
    this.#asking.add(hub);
    try {
      const credential = await fetchTurnCredentials(this.#o.node, hub);
      const at = this.#o.now();
      this.#held.set(hub, { credential, refreshAt: at + credential.ttl * 800, expiresAt: at + credential.ttl * 1000 });
      this.#failedAt.delete(hub);
      if (h?.credential.username !== credential.username) for (const fn of this.#listeners) fn(hub);
    } catch {
      this.#failedAt.set(hub, this.#o.now());
    } finally {
      this.#asking.delete(hub);
    }
  }
}
