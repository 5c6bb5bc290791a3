/**
 * Browser side of the net-browser suite: one real browser ParleyNode per page (WebSockets to the
 * Node relay, a circuit-relay reservation, WebRTC to the other page), driven from Node through
 * `globalThis.parleyNet`. Frames are real signed genesis entries made with noble crypto.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { createParleyNode, type ParleyNode, type SyncSource } from '@parley/net';
import { accountKeys, createGenesis, fromHex, type HaveVector, nobleCrypto, toHex } from '@parley/protocol';

const random = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/** A real signed frame (a genesis entry of a fresh room). */
const signedFrame = (name: string): { bytes: Uint8Array; room: Uint8Array } => {
  const account = accountKeys(random(32), nobleCrypto);
  const g = createGenesis({ author: { account: account.publicKey, signer: account }, name, nonce: random(16), time: Date.now() }, nobleCrypto);
  return { bytes: g.bytes, room: g.body.room };
};

/** Serves the authority log of one room. */
class OneRoomSource implements SyncSource {
  readonly room: Uint8Array;
  readonly frames: Uint8Array[];
  constructor(room: Uint8Array, frames: Uint8Array[]) {
    this.room = room;
    this.frames = frames;
  }
  authority(room: Uint8Array): Uint8Array[] | undefined {
    return toHex(room) === toHex(this.room) ? this.frames : undefined;
  }
  have(): HaveVector | undefined {
    return undefined;
  }
  range(): Uint8Array[] | undefined {
    return undefined;
  }
}

let node: ParleyNode | undefined;
const received = new Map<string, Set<string>>();
const need = (): ParleyNode => {
  if (node === undefined) throw new Error('node not started');
  return node;
};

const api = {
  /**
   * Starts a node bootstrapped to `relay` (with `rtc`, every WebRTC connection gets that
   * configuration, e.g. TURN only); resolves with its peer id and a room it serves.
   */
  async start(relay: string, rtc?: RTCConfiguration): Promise<{ peerId: string; authorityRoom: string; authority: string[] }> {
    const genesis = signedFrame('browser authority');
    const source = new OneRoomSource(genesis.room, [genesis.bytes]);
    node = await createParleyNode({
      bootstrap: [relay],
      testMode: true,
      ...(rtc === undefined ? { iceServers: [] } : { rtcConfiguration: () => rtc }),
      verify: { gossip: () => 'accept' },
      sync: { source },
    });
    node.onMessage((m) => {
      const s = received.get(m.topic) ?? new Set<string>();
      s.add(m.id);
      received.set(m.topic, s);
    });
    await node.start();
    return { peerId: node.peerId, authorityRoom: toHex(genesis.room), authority: [toHex(genesis.bytes)] };
  },
  /**
   * Production defaults (no test mode): dials `relay` from a second, throwaway node; resolves with
   * the error's name, or 'connected' if the dial went through.
   */
  async dialWithoutTestMode(relay: string): Promise<string> {
    const probe = await createParleyNode({ iceServers: [] });
    await probe.start();
    try {
      await probe.libp2p.dial(multiaddr(relay), { signal: AbortSignal.timeout(10_000) });
      return 'connected';
    } catch (e) {
      return (e as Error).name;
    } finally {
      await probe.stop();
    }
  },
  addrs: (): string[] => need().multiaddrs(),
  async dial(addr: string): Promise<{ remoteAddr: string; limited: boolean; ms: number }> {
    const t = performance.now();
    const c = await need().libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(20_000) });
    return { remoteAddr: c.remoteAddr.toString(), limited: c.limits !== undefined, ms: performance.now() - t };
  },
  connections: (peer: string): { remoteAddr: string; limited: boolean }[] =>
    need()
      .libp2p.getConnections()
      .filter((c) => c.remotePeer.toString() === peer)
      .map((c) => ({ remoteAddr: c.remoteAddr.toString(), limited: c.limits !== undefined })),
  /**
   * Closes this node's limited (relayed) connections to `peer` as the client's fallback ladder does:
   * once gossip has moved off them (`settle`, default true); returns how many.
   */
  async closeLimited(peer: string, settle = true): Promise<number> {
    if (settle) await need().gossipSettled(peer);
    const limited = need()
      .libp2p.getConnections()
      .filter((c) => c.remotePeer.toString() === peer && c.limits !== undefined);
    await Promise.all(limited.map((c) => c.close()));
    return limited.length;
  },
  joinRoom: (roomHex: string): string => need().joinRoom(fromHex(roomHex)),
  topicPeers: (topic: string): string[] => need().gossip.peers(topic),
  /** Publishes `n` real signed frames, `everyMs` apart (default: at once); returns their ids (hex SHA-256). */
  async publish(topic: string, n: number, everyMs = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i > 0 && everyMs > 0) await new Promise((r) => setTimeout(r, everyMs));
      const f = signedFrame(`gossip ${i}`);
      ids.push(toHex(nobleCrypto.sha256(f.bytes)));
      await need().publish(topic, f.bytes);
    }
    return ids;
  },
  received: (topic: string): string[] => [...(received.get(topic) ?? [])],
  async getAuthority(peer: string, roomHex: string): Promise<string[]> {
    return (await need().getAuthority(peer, fromHex(roomHex))).map(toHex);
  },
  async stop(): Promise<void> {
    await node?.stop();
  },
};

export type NetApi = typeof api;
(globalThis as unknown as { parleyNet: NetApi }).parleyNet = api;
