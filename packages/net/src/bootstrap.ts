/**
 * Dials the configured bootstrap peers on start, tags them keep-alive (libp2p then redials them when
 * a connection drops), and tries again on an interval while the node has no connection at all.
 */
import { KEEP_ALIVE, type Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';

export class Bootstrapper {
  private readonly libp2p: Libp2p;
  private readonly addrs: readonly string[];
  private readonly retryMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(libp2p: Libp2p, addrs: readonly string[], retryMs: number) {
    this.libp2p = libp2p;
    this.addrs = addrs;
    this.retryMs = retryMs;
  }

  start(): void {
    if (this.addrs.length === 0) return;
    void this.connect();
    this.timer = setInterval(() => {
      if (this.libp2p.getConnections().length === 0) void this.connect();
    }, this.retryMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Dials every bootstrap peer once; resolves to how many are connected. */
  async connect(): Promise<number> {
    const results = await Promise.allSettled(
      this.addrs.map(async (a) => {
        const ma = multiaddr(a);
        const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
        if (id !== undefined) await this.libp2p.peerStore.merge(peerIdFromString(id), { tags: { [KEEP_ALIVE]: { value: 1 } } });
        await this.libp2p.dial(ma, { signal: AbortSignal.timeout(10_000) });
      }),
    );
    return results.filter((r) => r.status === 'fulfilled').length;
  }
}
