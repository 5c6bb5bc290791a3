/**
 * Gossipsub keeps one outbound stream per peer, opened on whichever connection libp2p told it of
 * first, and never moves it: when a peer has two connections (the relayed one it was met on, and
 * the direct WebRTC one the fallback ladder opened later), the stream stays on the relayed one, and
 * when that closes (the relay's limits, or this node hanging up on it) gossipsub goes mute towards
 * a peer it still counts as connected. Frames published meanwhile were lost (seen in the browser
 * tests); so were some when the stream was only re-opened after the close.
 *
 * So the keeper moves a peer's stream to its best open connection (no limits first) as soon as that
 * connection opens, the old stream carrying frames until the new one is ready; after a connection
 * closes, it re-opens a stream that went with it; and a sweep every SWEEP_MS repairs whatever an event
 * missed (a stream that closed a moment after its connection's event). Whoever closes a relayed
 * connection on purpose (the client's fallback ladder) first awaits `settled`: both directions moved.
 * It reaches into gossipsub's stream maps, stream opener and read-error handler (GossipInternals),
 * public members of its class, not of an interface.
 */
import type { Libp2p, Stream } from '@libp2p/interface';

type Conn = ReturnType<Libp2p['getConnections']>[number];

/** The parts of @libp2p/gossipsub's class the keeper uses. */
interface GossipInternals {
  readonly peers: Map<string, Conn['remotePeer']>;
  readonly streamsOutbound: Map<string, { readonly rawStream: Stream }>;
  readonly streamsInbound: Map<string, { readonly rawStream: Stream }>;
  createOutboundStream(peer: Conn['remotePeer'], connection: Conn): Promise<void>;
  handlePeerReadStreamError(err: unknown, peer: Conn['remotePeer']): void;
}

const SWEEP_MS = 2_000;
/** After gossip moved both ways, how long the old streams keep their connection for what is in flight on them (ms). */
const DRAIN_MS = 500;

const isGossip = (p: unknown): p is GossipInternals => {
  const g = p as Partial<GossipInternals> | undefined;
  return (
    g?.peers instanceof Map &&
    g.streamsOutbound instanceof Map &&
    g.streamsInbound instanceof Map &&
    typeof g.createOutboundStream === 'function' &&
    typeof g.handlePeerReadStreamError === 'function'
  );
};

export interface GossipStreamKeeper {
  /**
   * Resolves true once gossip runs both ways over unlimited connections to `peer` (this node's stream
   * moved there, and the peer's arrived there) and DRAIN_MS more have passed for what was in flight on
   * the old streams, so a relayed connection can be closed without losing a frame; true at once for a
   * peer gossip does not know; false after `timeoutMs`, or when the peer has no unlimited connection.
   */
  settled(peer: string, timeoutMs: number): Promise<boolean>;
  stop(): void;
}

export const keepGossipStreams = (libp2p: Libp2p, pubsub: unknown): GossipStreamKeeper => {
  if (!isGossip(pubsub)) throw new TypeError('keepGossipStreams: pubsub is not @libp2p/gossipsub (no outbound stream map)');
  const g = pubsub;
  const moving = new Set<string>();

  /** The peer's stream is on a usable connection, or is moved to one (no limits preferred). */
  const ensure = async (peer: Conn['remotePeer']): Promise<void> => {
    const id = peer.toString();
    if (!g.peers.has(id) || moving.has(id)) return;
    const open = libp2p.getConnections(peer).filter((c) => c.status === 'open');
    // The newest unlimited connection: an older one may be a WebRTC attempt that never completed but
    // is not closed yet (seen: a stream opened on one hung 6 s, then failed).
    const best = open.filter((c) => c.limits == null).sort((x, y) => y.timeline.open - x.timeline.open)[0] ?? open[0];
    if (best === undefined) return;
    const cur = g.streamsOutbound.get(id);
    const on = cur === undefined ? undefined : open.find((c) => c.streams.includes(cur.rawStream));
    const usable = cur !== undefined && on !== undefined && cur.rawStream.status === 'open' && cur.rawStream.writeStatus === 'writable';
    if (usable && (on === best || on.limits == null)) return;
    moving.add(id);
    try {
      // Gossipsub opens a stream only when it holds none for the peer, a check it makes before its
      // first await: so the old stream is taken out for that check and put back at once, and keeps
      // carrying frames until the new one replaces it in the map (or stays, if opening fails).
      if (cur !== undefined) g.streamsOutbound.delete(id);
      const opened = g.createOutboundStream(peer, best);
      if (usable && !g.streamsOutbound.has(id)) g.streamsOutbound.set(id, cur);
      await opened;
    } finally {
      moving.delete(id);
    }
  };
  const soon = (peer: Conn['remotePeer']): void => {
    // After the closing stream's own handler and gossipsub's own bookkeeping for the event have run.
    setTimeout(() => void ensure(peer).catch(() => undefined), 50);
  };
  const onOpen = (e: CustomEvent<Conn>): void => {
    if (e.detail.limits == null) soon(e.detail.remotePeer);
  };
  const onClose = (e: CustomEvent<Conn>): void => soon(e.detail.remotePeer);
  const sweep = setInterval(() => {
    for (const peer of g.peers.values()) void ensure(peer).catch(() => undefined);
  }, SWEEP_MS);
  // Gossipsub forgets a peer (its streams, its subscriptions, its mesh places) when any inbound stream
  // from it ends with an error, as the old one does when its relayed connection is reset after the
  // peer moved to WebRTC: the peer, still connected, then hears nothing from this node until it
  // reconnects (seen in net gossip-switch.spec). While it has an open connection, such an error only
  // ends that stream; the peer's next stream replaces it. An oversized RPC (a penalty, gossip.ts)
  // and a peer with no connection left are forgotten as before.
  const readError = g.handlePeerReadStreamError;
  g.handlePeerReadStreamError = (err, peer) => {
    const oversize = (err as Error | undefined)?.name === 'InvalidDataLengthError';
    if (!oversize && libp2p.getConnections(peer).some((c) => c.status === 'open')) return;
    readError.call(g, err, peer);
  };
  libp2p.addEventListener('connection:open', onOpen);
  libp2p.addEventListener('connection:close', onClose);
  const onUnlimited = (open: readonly Conn[], s: { readonly rawStream: Stream } | undefined): boolean =>
    s !== undefined && open.some((c) => c.limits == null && c.streams.includes(s.rawStream));
  return {
    async settled(peerId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const peer = g.peers.get(peerId);
        if (peer === undefined) return true;
        await ensure(peer).catch(() => undefined);
        const open = libp2p.getConnections(peer).filter((c) => c.status === 'open');
        if (onUnlimited(open, g.streamsOutbound.get(peerId)) && onUnlimited(open, g.streamsInbound.get(peerId))) {
          // Frames written to the old streams just before the move are still on their way over them.
          await new Promise((r) => setTimeout(r, DRAIN_MS));
          return true;
        }
        if (Date.now() > deadline || !open.some((c) => c.limits == null)) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop() {
      g.handlePeerReadStreamError = readError;
      clearInterval(sweep);
      libp2p.removeEventListener('connection:open', onOpen);
      libp2p.removeEventListener('connection:close', onClose);
    },
  };
};
