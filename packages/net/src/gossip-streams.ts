/**
 * Gossipsub keeps one outbound stream per peer and opens it only when libp2p tells it of a
 * connection (once per connection, after identify). When a peer has two connections (the relayed
 * one it was met on, and the WebRTC one the fallback ladder opened) and the stream's connection
 * closes, the stream goes and gossipsub would stay mute towards a peer it still considers connected.
 * So when a connection closes and the peer has another open one, gossipsub is told of that one again
 * (`onPeerConnected` is idempotent for a known peer and opens the missing stream).
 */
import type { Libp2p } from '@libp2p/interface';

type Conn = ReturnType<Libp2p['getConnections']>[number];
interface Renotify {
  onPeerConnected?(peer: Conn['remotePeer'], connection: Conn): void;
}

export const keepGossipStreams = (libp2p: Libp2p, pubsub: unknown): (() => void) => {
  const onClose = (e: CustomEvent<Conn>): void => {
    const peer = e.detail.remotePeer;
    // After the stream's own close handler has run (same tick or the next), not before it.
    setTimeout(() => {
      const open = libp2p.getConnections(peer).filter((c) => c.status === 'open');
      const next = open.find((c) => c.limits == null) ?? open[0];
      if (next !== undefined) (pubsub as Renotify).onPeerConnected?.(peer, next);
    }, 50);
  };
  libp2p.addEventListener('connection:close', onClose);
  return () => libp2p.removeEventListener('connection:close', onClose);
};
