/**
 * Child process of bench/hub-load.bench.ts: lightweight client peers, as a browser tab is on a
 * hub (WebSockets + gossip only): each dials only the hub, subscribes to its room's channel topic
 * and verifies every message it receives (verifyEnvelope against the replayed room). The hub is
 * every peer's only connection, so every message reaches the other members through the hub's
 * fan-out. Controlled over IPC; reports publish and first-receipt times.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { toHex, verifyEnvelope } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type BenchRoom, benchEnvelope, buildBenchRoom } from './bench-room.ts';

export interface PeerSpec {
  /** Global peer index (for staggering). */
  readonly index: number;
  readonly room: number;
  readonly member: number;
}

export type ToPeers =
  | { cmd: 'init'; peers: PeerSpec[]; rooms: number; members: number; label: string; hubAddr: string }
  | { cmd: 'push-authority'; room: number; hubPeer: string }
  | { cmd: 'status' }
  | { cmd: 'count' }
  | { cmd: 'run'; startAt: number; durationMs: number; intervalMs: number; totalPeers: number; seqFrom: number }
  | { cmd: 'report' }
  | { cmd: 'stop' };

export interface PeerReport {
  readonly index: number;
  readonly room: number;
  /** [object id hex, wall ms] of this peer's publishes. */
  readonly published: [string, number][];
  /** [object id hex, wall ms] of first accepted receipts. */
  readonly received: [string, number][];
}

export type FromPeers =
  | { type: 'inited' }
  | { type: 'pushed'; stored: number }
  | { type: 'status'; meshed: number }
  | { type: 'count'; received: number }
  | { type: 'ran'; publishErrors: number; publishedPerRoom: Record<number, number> }
  | { type: 'report'; peers: PeerReport[]; rejected: number; stallMaxMs: number; cpuMs: number }
  | { type: 'error'; message: string };

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const send = (m: FromPeers): void => {
  process.send?.(m);
};

interface Peer {
  readonly spec: PeerSpec;
  readonly node: ParleyNode;
  topic: string;
  readonly published: Map<string, number>;
  readonly received: Map<string, number>;
}

let rooms: BenchRoom[] = [];
const peers: Peer[] = [];
let rejected = 0;
let cpuAt = process.cpuUsage();
const eld = monitorEventLoopDelay({ resolution: 1 });

export const roomLabel = (label: string, r: number): string => `${label}-room-${r}`;

const init = async (m: Extract<ToPeers, { cmd: 'init' }>): Promise<void> => {
  rooms = Array.from({ length: m.rooms }, (_, r) => buildBenchRoom(roomLabel(m.label, r), m.members));
  for (const spec of m.peers) {
    const room = rooms[spec.room] as BenchRoom;
    const node = await createParleyNode({
      listen: [],
      dhtMode: 'client',
      testMode: true,
      verify: {
        gossip: async (_topic, bytes): Promise<'accept'> => {
          try {
            verifyEnvelope(bytes, room.state, nodeCrypto);
            return 'accept';
          } catch (e) {
            rejected++;
            throw e;
          }
        },
      },
    });
    await node.start();
    const peer: Peer = { spec, node, topic: '', published: new Map(), received: new Map() };
    await node.dial(m.hubAddr, { signal: AbortSignal.timeout(10_000) });
    peer.topic = node.joinChannel(room.state.roomId, room.channel);
    node.onMessage((msg) => {
      if (msg.topic === peer.topic && !peer.received.has(msg.id)) peer.received.set(msg.id, wall());
    });
    peers.push(peer);
  }
  send({ type: 'inited' });
};

/** What a member's client does on connecting to a pinned hub: PUT the room's authority log. */
const pushAuthority = async (m: Extract<ToPeers, { cmd: 'push-authority' }>): Promise<void> => {
  const peer = peers.find((p) => p.spec.room === m.room);
  if (peer === undefined) throw new Error(`no peer of room ${m.room} here`);
  const room = rooms[m.room] as BenchRoom;
  const r = await peer.node.put(
    m.hubPeer,
    room.state.roomId,
    room.entries.map((e) => e.bytes),
  );
  send({ type: 'pushed', stored: r.stored.length });
};

const status = (): void => {
  send({ type: 'status', meshed: peers.filter((p) => p.node.gossip.peers(p.topic).length > 0).length });
};

const run = async (m: Extract<ToPeers, { cmd: 'run' }>): Promise<void> => {
  for (const p of peers) {
    p.published.clear();
    p.received.clear();
  }
  rejected = 0;
  eld.reset();
  eld.enable();
  cpuAt = process.cpuUsage();
  let publishErrors = 0;
  await Promise.all(
    peers.map(async (p) => {
      const room = rooms[p.spec.room] as BenchRoom;
      // Peers are staggered evenly over one interval so the total rate is smooth.
      let next = m.startAt + (p.spec.index / m.totalPeers) * m.intervalMs;
      let seq = m.seqFrom;
      while (next < m.startAt + m.durationMs) {
        await sleep(next - wall());
        seq++;
        const frame = benchEnvelope(room, p.spec.member, seq, seq, `hub load message ${seq} from member ${p.spec.member}`);
        p.published.set(toHex(nodeCrypto.sha256(frame)), wall());
        await p.node.publish(p.topic, frame).catch(() => void publishErrors++);
        next += m.intervalMs;
      }
    }),
  );
  const publishedPerRoom: Record<number, number> = {};
  for (const p of peers) publishedPerRoom[p.spec.room] = (publishedPerRoom[p.spec.room] ?? 0) + p.published.size;
  send({ type: 'ran', publishErrors, publishedPerRoom });
};

const report = (): void => {
  eld.disable();
  const cpu = process.cpuUsage(cpuAt);
  send({
    type: 'report',
    peers: peers.map((p) => ({ index: p.spec.index, room: p.spec.room, published: [...p.published], received: [...p.received] })),
    rejected,
    stallMaxMs: eld.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
};

process.on('message', (m: ToPeers) => {
  const handle = async (): Promise<void> => {
    switch (m.cmd) {
      case 'init':
        return init(m);
      case 'push-authority':
        return pushAuthority(m);
      case 'status':
        return status();
      case 'count':
        return send({ type: 'count', received: peers.reduce((a, p) => a + p.received.size, 0) });
      case 'run':
        return run(m);
      case 'report':
        return report();
      case 'stop':
        await Promise.all(peers.map((p) => p.node.stop().catch(() => undefined)));
        process.exit(0);
    }
  };
  handle().catch((e: unknown) => send({ type: 'error', message: (e as Error)?.stack ?? String(e) }));
});
process.on('disconnect', () => process.exit(0));
