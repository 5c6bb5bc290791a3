/**
 * Layered bootstrap. On start, and again every `retryMs` while the node has no connection at all,
 * it dials in layers: (1) peers cached from the last session, (2) configured bootstrap addresses
 * (hubs; `/dnsaddr/` names are resolved by libp2p's dnsaddr resolver), (3) invite addresses
 * (`addBootstrap`). Each layer is dialled in parallel with a per-dial timeout, and the next layer
 * is only tried if the node still has no connection. Configured and invite peers are tagged
 * keep-alive (libp2p redials them when a connection drops). The multiaddrs of peers this node
 * dialled successfully are remembered (most recent first, bounded, each ending in /p2p/<peer id>)
 * and saved to the injected `PeerCache` periodically and on stop.
 */
import { KEEP_ALIVE, type Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';

/** Where the peer cache lives between sessions (a file, IndexedDB, ...). Both calls may fail; failures are ignored. */
export interface PeerCache {
  load(): Promise<string[]>;
  save(addrs: string[]): Promise<void>;
}

/** A PeerCache in memory (tests, or a process that keeps the object across node restarts). */
export class MemoryPeerCache implements PeerCache {
  addrs: string[];
  constructor(addrs: readonly string[] = []) {
    this.addrs = [...addrs];
  }
  async load(): Promise<string[]> {
    return [...this.addrs];
  }
  async save(addrs: string[]): Promise<void> {
    this.addrs = [...addrs];
  }
}

export type BootstrapLayer = 'cache' | 'config' | 'invite';

export interface BootstrapAttempt {
  readonly layer: BootstrapLayer;
  readonly addr: string;
  readonly ok: boolean;
}

export interface BootstrapInit {
  /** Configured bootstrap multiaddrs (layer 2). */
  readonly addrs?: readonly string[];
  /** Invite multiaddrs (layer 3); more can be added with `add`. */
  readonly invite?: readonly string[];
  readonly cache?: PeerCache;
  /** Retry interval while the node has no connection. */
  readonly retryMs: number;
  /** Time limit of one dial (dnsaddr resolution included). */
  readonly dialTimeoutMs: number;
  /** How many addresses the cache keeps. */
  readonly cacheSize: number;
  /** How often the cache is saved while running. */
  readonly saveIntervalMs: number;
}

const MAX_ATTEMPTS = 200;

/** The /p2p/ peer id a multiaddr ends with, or undefined. */
const peerIdOf = (addr: string): string | undefined => {
  try {
    return multiaddr(addr)
      .getComponents()
      .findLast((c) => c.name === 'p2p')?.value;
  } catch {
    return undefined;
  }
};

export class Bootstrapper {
  private readonly libp2p: Libp2p;
  private readonly init: BootstrapInit;
  private readonly config: readonly string[];
  private readonly invite: string[];
  /** Known good addresses, most recent first. */
  private recent: string[] = [];
  private cached: string[] = [];
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private saveTimer: ReturnType<typeof setInterval> | undefined;
  private running = false;
  private round: Promise<void> | undefined;
  private again = false;
  private readonly onOpen = (evt: CustomEvent): void => this.remember(evt.detail);
  /** The last dial attempts, oldest first (bounded): what was tried, in which layer, and whether it connected. */
  readonly attempts: BootstrapAttempt[] = [];

  constructor(libp2p: Libp2p, init: BootstrapInit) {
    this.libp2p = libp2p;
    this.init = init;
    this.config = [...(init.addrs ?? [])];
    this.invite = [...(init.invite ?? [])];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const self = this.libp2p.peerId.toString();
    let loaded: string[] = [];
    try {
      const cache = this.init.cache;
      if (cache !== undefined) {
        // A cache that does not answer in time counts as empty rather than holding up start().
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<string[]>((resolve) => {
          timer = setTimeout(() => resolve([]), this.init.dialTimeoutMs);
        });
        loaded = await Promise.race([cache.load(), late]).finally(() => clearTimeout(timer));
        if (!Array.isArray(loaded)) loaded = [];
      }
    } catch {
      // An unreadable cache is an empty one.
    }
    this.cached = [...new Set(loaded.filter((a) => typeof a === 'string' && peerIdOf(a) !== undefined && peerIdOf(a) !== self))].slice(0, this.init.cacheSize);
    this.recent = [...this.cached];
    this.libp2p.addEventListener('connection:open', this.onOpen as EventListener);
    this.kick();
    this.retryTimer = setInterval(() => {
      if (this.libp2p.getConnections().length === 0) this.kick();
    }, this.init.retryMs);
    (this.retryTimer as { unref?: () => void }).unref?.();
    if (this.init.cache !== undefined) {
      this.saveTimer = setInterval(() => void this.save(), this.init.saveIntervalMs);
      (this.saveTimer as { unref?: () => void }).unref?.();
    }
  }

  /** Stops retrying and saves the cache. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.retryTimer);
    clearInterval(this.saveTimer);
    this.retryTimer = undefined;
    this.saveTimer = undefined;
    this.libp2p.removeEventListener('connection:open', this.onOpen as EventListener);
    await this.save();
  }

  /** Adds invite addresses (layer 3) and, if the node has no connection, runs the layers now. */
  add(addrs: readonly string[]): void {
    for (const a of addrs) if (!this.invite.includes(a)) this.invite.push(a);
    this.again = true;
    if (this.running && this.libp2p.getConnections().length === 0) this.kick();
  }

  /** The addresses the cache would be saved with now, most recent first. */
  snapshot(): string[] {
    return this.recent.slice(0, this.init.cacheSize);
  }

  /** Saves the snapshot to the cache (no-op without one; failures ignored). */
  async save(): Promise<void> {
    try {
      await this.init.cache?.save(this.snapshot());
    } catch {
      // The next save tries again.
    }
  }

  /**
   * Runs the layers once; resolves when the round is over. A call during a round joins it. If
   * addresses were added during a round, it runs once more while the node is still alone.
   */
  connect(): Promise<void> {
    if (this.round !== undefined) return this.round;
    this.round = (async () => {
      do {
        this.again = false;
        await this.layers();
      } while (this.again && this.running && this.libp2p.getConnections().length === 0);
    })().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private kick(): void {
    void this.connect();
  }

  private async layers(): Promise<void> {
    const layers: [BootstrapLayer, () => readonly string[]][] = [
      ['cache', () => this.cached],
      ['config', () => this.config],
      ['invite', () => [...this.invite]],
    ];
    for (const [layer, list] of layers) {
      if (!this.running || this.libp2p.getConnections().length > 0) return;
      const addrs = list();
      if (addrs.length === 0) continue;
      await Promise.allSettled(addrs.map((a) => this.dialOne(layer, a)));
    }
  }

  private async dialOne(layer: BootstrapLayer, addr: string): Promise<void> {
    let ok = false;
    try {
      const ma = multiaddr(addr);
      const id = peerIdOf(addr);
      if (layer !== 'cache' && id !== undefined) {
        await this.libp2p.peerStore.merge(peerIdFromString(id), { tags: { [KEEP_ALIVE]: { value: 1 } } });
      }
      await this.libp2p.dial(ma, { signal: AbortSignal.timeout(this.init.dialTimeoutMs) });
      ok = true;
    } catch {
      // Unreachable, refused or timed out: the next layer or round tries others.
    }
    this.attempts.push({ layer, addr, ok });
    if (this.attempts.length > MAX_ATTEMPTS) this.attempts.shift();
  }

  /** Remembers the remote address of an outbound connection (inbound ones are ephemeral ports). */
  private remember(conn: { direction?: string; remoteAddr?: { toString(): string }; remotePeer?: { toString(): string } }): void {
    if (conn.direction !== 'outbound' || conn.remoteAddr === undefined || conn.remotePeer === undefined) return;
    const peer = conn.remotePeer.toString();
    let addr = conn.remoteAddr.toString();
    if (peerIdOf(addr) !== peer) addr = `${addr}/p2p/${peer}`;
    if (peerIdOf(addr) !== peer) return;
    this.recent = [addr, ...this.recent.filter((a) => a !== addr)].slice(0, this.init.cacheSize);
  }
}
