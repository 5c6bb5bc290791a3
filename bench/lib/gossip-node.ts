/**
 * Child process of bench/gossip.bench.ts: runs several real @parley/net nodes in this process, all
 * joined to one room's channel topic, and does what the parent asks over IPC (create nodes, dial
 * peers, report mesh state, publish at a rate, report receipts). Every gossip message is validated
 * for real: decode (decodeUnverified) -> Ed25519 on the process's VerifyPool (or inline, with
 * PARLEY_GOSSIP_VERIFY=inline) -> authorization against the replayed room (validateEnvelope).
 * Raw gossip receipts (duplicates included) are counted by wrapping gossipsub's
 * handleReceivedMessage on each node: instrumentation only, nothing changes in @parley/net.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { decodeUnverified, envelopeCodec, SignatureError, toHex, validateEnvelope, verifyEnvelope } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { spawnNodeWorker, VerifyPool } from '@parley/verify';
import { type BenchRoom, benchEnvelope, buildBenchRoom } from './bench-room.ts';

/** gossipsub options set on each node before it starts (the GossipSub instance reads them from `opts`). */
export interface GossipTuning {
  readonly D: number;
  readonly Dlo: number;
  readonly Dhi: number;
  readonly Dout: number;
  readonly Dlazy: number;
  readonly heartbeatInterval: number;
  readonly floodPublish: boolean;
  readonly idontwantMinDataSize: number;
}

export type ToChild =
  | { cmd: 'init'; ids: number[]; total: number; boot?: string; tuning: GossipTuning; verify: 'pool' | 'inline' }
  | { cmd: 'connect'; addrs: string[]; degree: number }
  | { cmd: 'status' }
  | { cmd: 'run'; startAt: number; durationMs: number; intervalMs: number; measure: boolean }
  | { cmd: 'report' }
  | { cmd: 'stop' };

export interface NodeReport {
  readonly index: number;
  /** [object id hex, wall-clock ms] of this node's own publishes. */
  readonly published: [string, number][];
  /** [object id hex, wall-clock ms] of first (accepted) receipts. */
  readonly received: [string, number][];
  /** [object id hex, raw gossip receipts including duplicates] for messages by other nodes. */
  readonly raw: [string, number][];
}

export type FromChild =
  | { type: 'inited'; addrs: Record<number, string> }
  | { type: 'connected' }
  | { type: 'status'; mesh: number[]; peers: number[] }
  | { type: 'ran' }
  | { type: 'report'; nodes: NodeReport[]; stallMaxMs: number; stallP99Ms: number; rejected: number; poolBatches: number }
  | { type: 'error'; message: string };

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const send = (m: FromChild): void => {
  process.send?.(m);
};

interface Peer {
  index: number;
  node: ParleyNode;
  topic: string;
  seq: number;
  published: Map<string, number>;
  received: Map<string, number>;
  raw: Map<string, number>;
}

let room: BenchRoom | undefined;
let pool: VerifyPool | undefined;
let peers: Peer[] = [];
let measuring = false;
let rejected = 0;
const eld = monitorEventLoopDelay({ resolution: 1 });

const makeValidator =
  (mode: 'pool' | 'inline') =>
  async (_topic: string, bytes: Uint8Array): Promise<'accept' | 'reject'> => {
    const r = room as BenchRoom;
    if (mode === 'inline') {
      verifyEnvelope(bytes, r.state, nodeCrypto);
      return 'accept';
    }
    const { signed, check } = decodeUnverified(envelopeCodec, bytes, nodeCrypto);
    if (!(await (pool as VerifyPool).verify(check))) throw new SignatureError('envelope.signature');
    validateEnvelope(signed, r.state);
    return 'accept';
  };

const init = async (m: Extract<ToChild, { cmd: 'init' }>): Promise<void> => {
  room = buildBenchRoom(`gossip-${m.total}`, m.total);
  if (m.verify === 'pool') pool = new VerifyPool(spawnNodeWorker, { size: 1, maxBatch: 128 });
  const validate = makeValidator(m.verify);
  const wrapped = async (topic: string, bytes: Uint8Array): Promise<'accept' | 'reject'> => {
    try {
      return await validate(topic, bytes);
    } catch (e) {
      rejected++;
      throw e;
    }
  };
  let boot = m.boot;
  const addrs: Record<number, string> = {};
  for (const index of m.ids) {
    const node = await createParleyNode({
      identitySeed: nodeCrypto.sha256(new TextEncoder().encode(`gossip-bench-node-${index}`)),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      // Clients, as room members are: no DHT serving work in the background of the measurement.
      dhtMode: 'client',
      testMode: true,
      bootstrap: boot === undefined ? [] : [boot],
      verify: { gossip: wrapped },
    });
    const pubsub = node.libp2p.services.pubsub as unknown as {
      opts: Record<string, unknown>;
      handleReceivedMessage: (from: unknown, rpc: { topic: string; data?: Uint8Array }) => Promise<void>;
    };
    Object.assign(pubsub.opts, m.tuning);
    const peer: Peer = { index, node, topic: '', seq: 0, published: new Map(), received: new Map(), raw: new Map() };
    const original = pubsub.handleReceivedMessage.bind(pubsub);
    pubsub.handleReceivedMessage = (from, rpc) => {
      if (measuring && rpc.topic === peer.topic && rpc.data !== undefined) {
        const id = toHex(nodeCrypto.sha256(rpc.data));
        peer.raw.set(id, (peer.raw.get(id) ?? 0) + 1);
      }
      return original(from, rpc);
    };
    await node.start();
    peer.topic = node.joinChannel(room.state.roomId, room.channel);
    node.onMessage((msg) => {
      if (measuring && msg.topic === peer.topic && !peer.received.has(msg.id)) peer.received.set(msg.id, wall());
    });
    const addr = node.multiaddrs().find((a) => a.includes('/ws/'));
    if (addr === undefined) throw new Error('node has no ws address');
    addrs[index] = addr;
    boot ??= addr;
    peers.push(peer);
  }
  send({ type: 'inited', addrs });
};

/** Each node dials `degree` other nodes (a deterministic pseudo-random choice), as rendezvous would give it. */
const connect = async (m: Extract<ToChild, { cmd: 'connect' }>): Promise<void> => {
  const n = m.addrs.length;
  await Promise.all(
    peers.map(async (p) => {
      const targets = new Set<number>();
      let x = (p.index * 7919 + 17) >>> 0;
      while (targets.size < Math.min(m.degree, n - 1)) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        const t = x % n;
        if (t !== p.index) targets.add(t);
      }
      for (const t of targets) await p.node.dial(m.addrs[t] as string, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    }),
  );
  send({ type: 'connected' });
};

const status = (): void => {
  send({
    type: 'status',
    // getMeshPeers is on the GossipSub class, not on its exported interface.
    mesh: peers.map((p) => ((p.node.libp2p.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(p.topic) ?? []).length),
    peers: peers.map((p) => p.node.gossip.peers(p.topic).length),
  });
};

const run = async (m: Extract<ToChild, { cmd: 'run' }>): Promise<void> => {
  const r = room as BenchRoom;
  const total = r.members.length;
  if (m.measure) {
    for (const p of peers) {
      p.published.clear();
      p.received.clear();
      p.raw.clear();
    }
    rejected = 0;
    measuring = true;
    eld.reset();
    eld.enable();
  }
  await Promise.all(
    peers.map(async (p) => {
      // Nodes are staggered evenly over one interval so the total rate is smooth.
      let next = m.startAt + (p.index / total) * m.intervalMs;
      while (next < m.startAt + m.durationMs) {
        await sleep(next - wall());
        p.seq++;
        const frame = benchEnvelope(r, p.index, p.seq, p.seq, `gossip bench message ${p.seq} from node ${p.index}`);
        const id = toHex(nodeCrypto.sha256(frame));
        if (m.measure) p.published.set(id, wall());
        await p.node.publish(p.topic, frame);
        next += m.intervalMs;
      }
    }),
  );
  send({ type: 'ran' });
};

const report = (): void => {
  measuring = false;
  eld.disable();
  send({
    type: 'report',
    nodes: peers.map((p) => ({
      index: p.index,
      published: [...p.published],
      received: [...p.received],
      raw: [...p.raw].filter(([id]) => !p.published.has(id)),
    })),
    stallMaxMs: eld.max / 1e6,
    stallP99Ms: eld.percentile(99) / 1e6,
    rejected,
    poolBatches: pool?.batches ?? 0,
  });
};

const stop = async (): Promise<void> => {
  await Promise.all(peers.map((p) => p.node.stop().catch(() => undefined)));
  peers = [];
  await pool?.close();
  process.exit(0);
};

process.on('message', (m: ToChild) => {
  const handle = async (): Promise<void> => {
    switch (m.cmd) {
      case 'init':
        return init(m);
      case 'connect':
        return connect(m);
      case 'status':
        return status();
      case 'run':
        return run(m);
      case 'report':
        return report();
      case 'stop':
        return stop();
    }
  };
  handle().catch((e: unknown) => send({ type: 'error', message: (e as Error)?.stack ?? String(e) }));
});
process.on('disconnect', () => process.exit(0));
