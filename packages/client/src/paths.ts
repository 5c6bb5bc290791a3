/**
 * Which path each peer connection takes, for the connection-health indicator and the tests: a
 * WebRTC connection is `direct` (host or STUN candidates on both ends) or `turn` (a relay candidate
 * on either end), read from the selected candidate pair in the RTCPeerConnection's stats; a
 * connection through another peer's circuit relay (`/p2p-circuit`, not upgraded to `/webrtc`) is
 * `circuit`, via that relay (a hub); a WebSocket connection (to a hub) is `websocket`.
 */
import type { ParleyNode } from '@parley/net';

type Connection = ReturnType<ParleyNode['libp2p']['getConnections']>[number];

export type ConnectionPath = 'direct' | 'turn' | 'webrtc' | 'circuit' | 'websocket' | 'other';

export interface PeerPath {
  readonly peer: string;
  /** `webrtc`: a WebRTC connection whose selected candidate pair is not known (yet). */
  readonly path: ConnectionPath;
  /** For `circuit`: the relay's peer id. */
  readonly via?: string;
  readonly remoteAddr: string;
  /** The relay's transport for `turn` (udp, tcp, tls), when the stats say. */
  readonly relayProtocol?: string;
}

/** The path an address implies before any stats are read. */
export const pathOfAddr = (addr: string): { path: ConnectionPath; via?: string } => {
  const parts = addr.split('/');
  const circuit = parts.indexOf('p2p-circuit');
  if (parts.includes('webrtc') || parts.includes('webrtc-direct')) return { path: 'webrtc' };
  if (circuit > 0) {
    const relay = parts.lastIndexOf('p2p', circuit);
    return relay >= 0 && parts[relay + 1] !== undefined ? { path: 'circuit', via: parts[relay + 1] } : { path: 'circuit' };
  }
  if (parts.includes('ws') || parts.includes('wss')) return { path: 'websocket' };
  return { path: 'other' };
};

type Stat = Record<string, unknown>;

/** `direct` or `turn` from a peer connection's selected candidate pair; undefined until one is selected. */
export const selectedPairPath = async (pc: RTCPeerConnection): Promise<{ path: 'direct' | 'turn'; relayProtocol?: string } | undefined> => {
  const byId = new Map<string, Stat>();
  (await pc.getStats()).forEach((s: Stat) => {
    byId.set(String(s.id), s);
  });
  const transport = [...byId.values()].find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
  const pair =
    transport !== undefined
      ? byId.get(String(transport.selectedCandidatePairId))
      : [...byId.values()].find((s) => s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded')));
  if (pair === undefined) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (local === undefined || remote === undefined) return undefined;
  if (local.candidateType === 'relay') return { path: 'turn', relayProtocol: String(local.relayProtocol ?? '') || undefined };
  return remote.candidateType === 'relay' ? { path: 'turn' } : { path: 'direct' };
};

/**
 * The RTCPeerConnection under a libp2p WebRTC connection. @libp2p/webrtc keeps it on the
 * connection's multiaddr connection (`maConn.peerConnection`), which libp2p's types do not expose;
 * read defensively, so another transport or version yields undefined, never a throw.
 */
export const peerConnectionOf = (c: Connection): RTCPeerConnection | undefined => {
  const pc = (c as unknown as { maConn?: { peerConnection?: unknown } }).maConn?.peerConnection;
  return typeof pc === 'object' && pc !== null && typeof (pc as RTCPeerConnection).getStats === 'function' ? (pc as RTCPeerConnection) : undefined;
};

/** The path of every open connection (one entry per connection; a peer may have several). */
export const connectionPaths = async (conns: readonly Connection[]): Promise<PeerPath[]> =>
  Promise.all(
    conns
      .filter((c) => c.status === 'open')
      .map(async (c): Promise<PeerPath> => {
        const peer = c.remotePeer.toString();
        const remoteAddr = c.remoteAddr.toString();
        const base = pathOfAddr(remoteAddr);
        if (base.path !== 'webrtc') return { peer, remoteAddr, ...base };
        const pc = peerConnectionOf(c);
        const sel = pc === undefined || pc.connectionState !== 'connected' ? undefined : await selectedPairPath(pc).catch(() => undefined);
        return sel === undefined ? { peer, remoteAddr, path: 'webrtc' } : { peer, remoteAddr, ...sel };
      }),
  );

/** The best path to each peer (a peer with a WebRTC and a relayed connection is reached by WebRTC). */
export const bestPathByPeer = (paths: readonly PeerPath[]): Map<string, PeerPath> => {
  // An unconfirmed WebRTC connection (no selected pair yet) ranks below a working relayed one.
  const rank: Record<ConnectionPath, number> = { direct: 0, turn: 1, circuit: 2, websocket: 3, webrtc: 4, other: 5 };
  const best = new Map<string, PeerPath>();
  for (const p of paths) {
    const b = best.get(p.peer);
    if (b === undefined || rank[p.path] < rank[b.path]) best.set(p.peer, p);
  }
  return best;
};
