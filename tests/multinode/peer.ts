/**
 * Parley peers in one process, driven over IPC by a multi-node test: each runs the SDK on its own
 * loopback node in test mode and answers `{ id, cmd, args }` with `{ id, ok, result | error }`.
 * Bytes travel as lowercase hex.
 *
 * One process can host several clients: every command takes an optional `who` (default
 * `'default'`), naming the client it is for. `stop` closes one client's node but keeps its identity
 * and store; `restart` brings it back from that store with a fresh node. `block` / `unblock` cut
 * links at the transport: the node's libp2p connection gater refuses dials to and connections from
 * the blocked peer ids (checked again after the encryption handshake), and open connections to them
 * are hung up.
 */
import { randomBytes } from 'node:crypto';
import { createIdentity, type Identity, ParleyClient } from '@parley/client';
import {
  type BlockedPeer,
  createParleyNode,
  DEFAULT_SYNC_LIMITS,
  decodeRequest,
  encodeResponse,
  messageStream,
  type ParleyNode,
  type PenaltyPolicyInit,
  SYNC_PROTOCOL,
} from '@parley/net';
import {
  buildFrame,
  type CborMap,
  createEnvelope,
  decodeCanonicalMap,
  encodeCbor,
  fromHex,
  LIMITS,
  nextEntry,
  parseFrame,
  signingInput,
  toHex,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';

export interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args: Record<string, unknown>;
}

interface Hosted {
  identity: Identity;
  store: MemoryStore;
  client: ParleyClient | undefined;
  readonly blocked: Set<string>;
  /** What this client's ingest rejected and its node's penalties, in order (kept across restarts). */
  readonly rejects: { id: string | undefined; type: string; code: string; message: string }[];
  readonly penalties: { peer: string; reason: string; detail: string }[];
  /** Peers this client's node blocked for their penalties (kept across restarts). */
  readonly blocks: BlockedPeer[];
  /** The node's penalty policy override (`start`'s `penalties`), kept for restarts. */
  readonly policy: PenaltyPolicyInit | undefined;
}

type Gater = Record<string, (...args: unknown[]) => boolean | Promise<boolean>>;

const hosted = new Map<string, Hosted>();
const who = (a: Record<string, unknown>): string => (a.who === undefined ? 'default' : String(a.who));
const h = (a: Record<string, unknown>): Hosted => {
  const x = hosted.get(who(a));
  if (x === undefined) throw new Error(`peer ${who(a)} not started`);
  return x;
};
const c = (a: Record<string, unknown>): ParleyClient => {
  const x = h(a).client;
  if (x === undefined) throw new Error(`peer ${who(a)} is stopped`);
  return x;
};
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const hex = (v: unknown): Uint8Array => fromHex(String(v));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The attacker's second libp2p node (no client, no checks of its own): publishes whatever it is given. */
let raw: ParleyNode | undefined;

/**
 * An envelope frame of exactly `size` bytes, validly signed by `client`'s device: a copy of its
 * envelope `own` with the ciphertext field grown (no encoder would build it: sign() refuses it).
 */
const signedOfSize = (client: ParleyClient, own: Uint8Array, size: number): Uint8Array => {
  const map = decodeCanonicalMap(parseFrame(own).payload, 'ENVELOPE') as CborMap & { x: Uint8Array };
  const build = (n: number) => {
    const payload = encodeCbor({ ...map, x: rnd(n) });
    return buildFrame('ENVELOPE', payload, nodeCrypto.ed25519Sign(client.identity.device.sign.secret, signingInput('ENVELOPE', payload)));
  };
  const probe = build(size - 1024);
  const frame = build(size - 1024 + (size - probe.length));
  if (frame.length !== size) throw new Error(`built ${frame.length} bytes, wanted ${size}`);
  return frame;
};

/**
 * Before the attacker publishes (from its client's node or its raw node): dials `addrs` (it may reach an honest peer only through
 * another member) and waits until each peer of `to` is subscribed to `topic` as its node sees it,
 * so what it publishes goes to each of them directly.
 */
const reachTopic = async (node: ParleyNode, topic: string, to: string[] = [], addrs: string[] = []): Promise<void> => {
  for (const addr of addrs) await node.dial(addr).catch(() => undefined);
  const deadline = Date.now() + 10_000;
  while (!to.every((p) => node.gossip.peers(topic).includes(p))) {
    if (Date.now() > deadline) throw new Error(`${node.peerId}: ${to.join(',')} not all subscribed to ${topic}`);
    await sleep(50);
  }
};

/** Publishes `frames` on `topic` from the raw node once every peer of `to` is known there; resolves with each frame's recipient count. */
const rawPublish = async (topic: string, frames: Uint8Array[], to: string[]): Promise<number[]> => {
  const node = raw;
  if (node === undefined) throw new Error('raw node not started');
  await reachTopic(node, topic, to);
  const sent: number[] = [];
  for (const f of frames) sent.push(await node.publish(topic, f));
  return sent;
};

/** Starts a client for `x` on a fresh loopback node and installs its blocking gater hooks. */
const launch = async (x: Hosted, bootstrap: string[]): Promise<ParleyClient> => {
  const client = await ParleyClient.create({
    identity: x.identity,
    store: x.store,
    crypto: nodeCrypto,
    syncIntervalMs: 1000,
    keyDelayMs: 300,
    node: {
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      bootstrap,
      penalties: x.policy,
    },
  });
  // libp2p keeps the gater object it was given (net's test mode passes one); its deny* hooks are read per call.
  const gater = (client.node.libp2p as unknown as { components: { connectionGater: Gater } }).components.connectionGater;
  // Chained over the node's own hooks, which refuse peers blocked for their penalties.
  for (const hook of [
    'denyDialPeer',
    'denyInboundEncryptedConnection',
    'denyOutboundEncryptedConnection',
    'denyInboundUpgradedConnection',
    'denyOutboundUpgradedConnection',
  ]) {
    const own = gater[hook];
    gater[hook] = (...args: unknown[]) => x.blocked.has(String(args[0])) || (own?.(...args) ?? false);
  }
  client.on('reject', (e) => x.rejects.push({ id: e.id, type: e.type, code: e.code, message: e.message }));
  client.node.penalties.onPenalty((p) => x.penalties.push({ peer: p.peer, reason: p.reason, detail: p.detail }));
  client.node.penalties.onBlock((b) => x.blocks.push(b));
  x.client = client;
  return client;
};

const started = (client: ParleyClient) => ({
  peerId: client.node.peerId.toString(),
  addrs: client.node.multiaddrs(),
  account: toHex(client.identity.account.publicKey),
});

const handlers: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
  async start(a) {
    const x: Hosted = {
      identity: createIdentity({ displayName: String(a.name), crypto: nodeCrypto }),
      store: new MemoryStore(),
      client: undefined,
      blocked: new Set(),
      rejects: [],
      penalties: [],
      blocks: [],
      policy: a.penalties as PenaltyPolicyInit | undefined,
    };
    hosted.set(who(a), x);
    return started(await launch(x, (a.bootstrap as string[] | undefined) ?? []));
  },
  async createRoom(a) {
    const room = await c(a).createRoom({ name: String(a.name), channels: ['general'] });
    return { room: toHex(room), channel: toHex(c(a).channels(room)[0]?.id as Uint8Array) };
  },
  async invite(a) {
    return c(a).createInvite(hex(a.room), { addrs: a.addrs as string[] | undefined });
  },
  async join(a) {
    const r = await c(a).join(String(a.url), { timeoutMs: 45_000 });
    return { room: toHex(r.room), dhtPeers: r.dhtPeers, syncedFrom: r.syncedFrom };
  },
  /** The room's peers this peer's node finds in the DHT. */
  async findRoomPeers(a) {
    return (await c(a).node.findRoomPeers(hex(a.room))).map((p) => p.peerId);
  },
  async canSend(a) {
    return c(a).canSend(hex(a.room), hex(a.channel));
  },
  async send(a) {
    return toHex(await c(a).send(hex(a.room), hex(a.channel), String(a.text)));
  },
  /** Sends `count` messages `${prefix}${i}` one after another; resolves with their ids. */
  async sendMany(a) {
    const ids: string[] = [];
    for (let i = 0; i < Number(a.count); i++) ids.push(toHex(await c(a).send(hex(a.room), hex(a.channel), `${String(a.prefix)}${i}`)));
    return ids;
  },
  async grant(a) {
    return toHex(await c(a).grant(hex(a.room), hex(a.account), String(a.role)));
  },
  async mute(a) {
    return toHex(await c(a).mute(hex(a.room), hex(a.account)));
  },
  /**
   * A muted member talks anyway: an envelope in the channel signed by its real device with its next
   * seq and the room's current heads and epoch (its own client refuses to author it, so it is built
   * by hand; the content key is random: authorization is judged before anything is decrypted).
   */
  async attackMuted(a) {
    const client = c(a);
    const room = hex(a.room);
    const channel = hex(a.channel);
    const st = client.state(room);
    const device = client.identity.device.sign;
    const held = await h(a).store.haveVector(room, channel);
    const env = createEnvelope(
      {
        account: client.identity.account.publicKey,
        room,
        channel,
        seq: (held[toHex(device.publicKey)] ?? 0) + 1,
        lamport: 1_000_000,
        heads: st.heads(),
        epoch: st.epochAt(channel, st.length - 1),
        content: { text: 'muted, talking anyway' },
      },
      device,
      randomBytes(32),
      randomBytes(24),
      nodeCrypto,
    );
    const topic = `/parley/room/${String(a.room)}/ch/${String(a.channel)}`;
    await reachTopic(client.node, topic, a.to as string[] | undefined, a.addrs as string[] | undefined);
    await client.node.publish(topic, env.bytes).catch(() => 0);
    return toHex(env.id);
  },
  async pin(a) {
    return toHex(await c(a).pin(hex(a.room), hex(a.channel), hex(a.message)));
  },
  async history(a) {
    const limit = a.limit === undefined ? 1000 : Number(a.limit);
    return (await c(a).history(hex(a.room), hex(a.channel), { limit })).map((m) => ({ id: toHex(m.id), text: m.text }));
  },
  /** The store's have-vector for the channel (cheap to poll): its total and a digest of its sorted entries. */
  async haveDigest(a) {
    const v = await c(a).store.haveVector(hex(a.room), hex(a.channel));
    const rows = Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1));
    return {
      total: rows.reduce((n, [, seq]) => n + seq, 0),
      digest: toHex(nodeCrypto.sha256(new TextEncoder().encode(rows.map(([d, seq]) => `${d}:${seq}`).join(',')))),
    };
  },
  /** Count and SHA-256 of the history's ids in order (cheap to poll). */
  async historyDigest(a) {
    const h = await c(a).history(hex(a.room), hex(a.channel), { limit: Number(a.limit ?? 5000) });
    return { count: h.length, digest: toHex(nodeCrypto.sha256(new TextEncoder().encode(h.map((m) => toHex(m.id)).join(',')))) };
  },
  /** A digest of the replayed RoomState: every entry in order with its validity, the heads, members and channels. */
  async digest(a) {
    const st = c(a).state(hex(a.room));
    const parts = [
      ...st.entries.map((e) => `${e.position}:${e.hex}:${st.isValid(e.position) ? 1 : 0}`),
      `heads:${st
        .heads()
        .map((x) => toHex(x))
        .sort()
        .join(',')}`,
      `members:${c(a)
        .members(hex(a.room))
        .map((m) => toHex(m.account))
        .sort()
        .join(',')}`,
      `channels:${c(a)
        .channels(hex(a.room))
        .map((ch) => `${toHex(ch.id)}/${ch.name}`)
        .sort()
        .join(',')}`,
    ];
    return { length: st.length, digest: toHex(nodeCrypto.sha256(new TextEncoder().encode(parts.join('\n')))) };
  },
  async members(a) {
    return c(a)
      .members(hex(a.room))
      .map((m) => toHex(m.account));
  },
  async peers(a) {
    return c(a)
      .node.libp2p.getPeers()
      .map((p) => p.toString());
  },
  async dial(a) {
    await c(a).node.dial(String(a.addr));
    return true;
  },
  /** Cuts this client off from `peers` (peer ids) at the transport: refuse from now on, hang up what is open. */
  async block(a) {
    const x = h(a);
    const ids = a.peers as string[];
    for (const p of ids) x.blocked.add(p);
    const libp2p = c(a).node.libp2p;
    for (const conn of libp2p.getConnections()) {
      if (x.blocked.has(conn.remotePeer.toString())) await conn.close().catch(() => conn.abort(new Error('partition')));
    }
    return true;
  },
  async unblock(a) {
    h(a).blocked.clear();
    return true;
  },
  /** Closes this client's node; identity and store stay for `restart`. */
  async stop(a) {
    const x = h(a);
    await x.client?.close();
    x.client = undefined;
    return true;
  },
  /** Starts a stopped client again from its store on a fresh node, re-opens `rooms`, and dials `bootstrap`. */
  async restart(a) {
    const x = h(a);
    if (x.client !== undefined) throw new Error(`peer ${who(a)} is running`);
    const client = await launch(x, (a.bootstrap as string[] | undefined) ?? []);
    for (const r of (a.rooms as string[] | undefined) ?? []) await client.openRoom(hex(r));
    return started(client);
  },
  /** The gossipsub score this client's node gives `peer` (cached per heartbeat) and the penalties it counted against it. */
  async score(a) {
    const node = c(a).node;
    const pubsub = (node.libp2p.services as unknown as { pubsub: { getScore(p: string): number } }).pubsub;
    const peer = String(a.peer);
    const reasons = ['sync-malformed', 'sync-oversize', 'sync-timeout', 'sync-truncated', 'gossip-reject', 'gossip-oversize'] as const;
    return { score: pubsub.getScore(peer), penalties: Object.fromEntries(reasons.map((r) => [r, node.penalties.count(peer, r)])) };
  },
  /** Whether the authority entry `id` is in the replayed room: null if absent, else its validity. */
  async entryValid(a) {
    const st = c(a).state(hex(a.room));
    const e = st.entries.find((x) => x.hex === String(a.id));
    return e === undefined ? null : st.isValid(e.position);
  },
  /**
   * Misbehaves on the room's gossip topics: a forged signature, random garbage, an unauthorized
   * self-grant, a replay of `replay` (an envelope id held in the store) and an oversized frame
   * (last: it may break the gossip stream). Resolves with the ids (hex SHA-256) of what it sent.
   * `oversize: false` leaves the oversized frame out: gossipsub drops the stream of a peer that sends
   * one, and forgets its score if that was still positive when cached, which can erase the rejects
   * just before it (attackOversizeGossip sends oversized frames on their own).
   */
  async attackGossip(a) {
    const client = c(a);
    const room = hex(a.room);
    const channel = hex(a.channel);
    const chTopic = `/parley/room/${String(a.room)}/ch/${String(a.channel)}`;
    const authTopic = `/parley/room/${String(a.room)}/authority`;
    const pub = async (topic: string, frame: Uint8Array) => client.node.publish(topic, frame).catch(() => 0);
    await reachTopic(client.node, chTopic, a.to as string[] | undefined, a.addrs as string[] | undefined);
    await reachTopic(client.node, authTopic, a.to as string[] | undefined);
    const sent: Record<string, string> = {};
    // Forged: a copy of our own valid envelope with its last (signature) byte flipped.
    const own = (await h(a).store.get(hex(a.own), room)) as { bytes: Uint8Array } | undefined;
    if (own === undefined) throw new Error('own envelope not in store');
    const forged = Uint8Array.from(own.bytes);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0x01;
    sent.forged = toHex(nodeCrypto.sha256(forged));
    await pub(chTopic, forged);
    // Garbage bytes on both topics.
    for (let i = 0; i < 3; i++) {
      await pub(chTopic, rnd(200 + i));
      await pub(authTopic, rnd(100 + i));
    }
    // Unauthorized: a plain member grants itself mod (signed correctly, refused by the rules).
    const grant = nextEntry(
      client.state(room),
      client.author,
      { kind: 'grant', target: client.identity.account.publicKey, role: 'mod' },
      Date.now(),
      nodeCrypto,
    );
    sent.grant = toHex(grant.id);
    await pub(authTopic, grant.bytes);
    // Replay of an honest envelope (same bytes, same id).
    const honest = (await h(a).store.get(hex(a.replay), room)) as { bytes: Uint8Array } | undefined;
    if (honest === undefined) throw new Error('honest envelope not in store');
    await pub(chTopic, honest.bytes);
    // Oversized: above the 256 KiB frame limit.
    if (a.oversize !== false) await pub(chTopic, rnd(300 * 1024));
    void channel;
    return sent;
  },
  /** Misbehaves on the sync protocol towards `peer`: garbage frames, a huge length prefix, and a stream that never sends. */
  async attackSync(a) {
    const libp2p = c(a).node.libp2p as unknown as {
      dialProtocol(p: unknown, proto: string): Promise<{ send(b: Uint8Array): boolean; close(): Promise<void>; abort(e: Error): void }>;
      getConnections(): { remotePeer: { toString(): string } }[];
    };
    // Not necessarily connected yet (the attacker may reach this peer only through another member): dial it.
    if (a.addr !== undefined)
      await c(a)
        .node.dial(String(a.addr))
        .catch(() => undefined);
    const target = libp2p.getConnections().find((x) => x.remotePeer.toString() === String(a.peer))?.remotePeer;
    if (target === undefined) throw new Error('not connected to target');
    const open = () => libp2p.dialProtocol(target, '/parley/sync/1.0.0');
    const idle: { abort(e: Error): void }[] = [];
    const payloads = [
      Uint8Array.of(5, 0x02, 0xde, 0xad, 0xbe, 0xef), // wrong version
      Uint8Array.from([20, 0x01, ...rnd(19)]), // garbage CBOR
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), // huge length prefix
    ];
    for (const p of payloads) {
      try {
        const s = await open();
        s.send(p);
        await s.close().catch(() => undefined);
      } catch {
        // the server may reset at once
      }
    }
    // A stream that never sends: the server's request deadline (5 s) must fire.
    try {
      idle.push(await open());
    } catch {}
    await new Promise((r) => setTimeout(r, 6_500));
    for (const s of idle) s.abort(new Error('done'));
    return true;
  },
  /** Authors nothing but a new channel; resolves with its id (hex). */
  async createChannel(a) {
    return toHex(await c(a).createChannel(hex(a.room), String(a.name)));
  },
  /**
   * SET_CHANNEL_ACL on `channel`: roles `read` may read, roles `send` may send. Cut-offs name every
   * device's highest seq held in the channel (rows of devices that keep SEND are ignored by replay).
   */
  async setChannelAcl(a) {
    const room = hex(a.room);
    const channel = hex(a.channel);
    const held = await h(a).store.haveVector(room, channel);
    const cutoffs = Object.entries(held).map(([d, seq]) => ({ device: fromHex(d), stream: channel, seq }));
    const acl = { read: a.read as string[], send: a.send as string[], accounts: [] };
    return toHex(await c(a).act(room, { kind: 'set_channel_acl', channel, acl, cutoffs }));
  },
  /** Catches up every open room with every connected peer now. */
  async syncNow(a) {
    await c(a).syncNow();
    return true;
  },
  /** GET_AUTHORITY from `peer`: the number of frames it served. */
  async getAuthority(a) {
    return (await c(a).node.getAuthority(String(a.peer), hex(a.room))).length;
  },
  /** What this client's ingest rejected (id, type, error code, message), in order. */
  async rejects(a) {
    return h(a).rejects;
  },
  /** The penalties this client's node recorded against `peer` (reason, detail), in order. */
  async penaltyLog(a) {
    return h(a).penalties.filter((p) => p.peer === String(a.peer));
  },
  /** Every block this client's node issued (peer, causes, score...), in order. */
  async blocks(a) {
    return h(a).blocks;
  },
  /** The peers this client's node blocks now, with the reconnections it refused since. */
  async blockedNow(a) {
    return c(a).node.penalties.blocked();
  },
  /**
   * Sends malformed sync requests (a wrong version byte: sync-malformed) to `peer`, one stream at a
   * time, until it stops taking them (it hung up and refuses us) or `max` went out; resolves with
   * how many were sent.
   */
  async attackSyncFlood(a) {
    const libp2p = c(a).node.libp2p;
    if (a.addr !== undefined)
      await c(a)
        .node.dial(String(a.addr))
        .catch(() => undefined);
    const target = libp2p.getConnections().find((x) => x.remotePeer.toString() === String(a.peer))?.remotePeer;
    if (target === undefined) throw new Error('not connected to target');
    const max = Number(a.max ?? 300);
    let sent = 0;
    while (sent < max) {
      let s: Awaited<ReturnType<typeof libp2p.dialProtocol>>;
      try {
        s = await libp2p.dialProtocol(target, SYNC_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
      } catch {
        break;
      }
      const closed = new Promise<void>((resolve) => s.addEventListener('close', () => resolve(), { once: true }));
      s.send(Uint8Array.of(5, 0x02, 0xde, 0xad, 0xbe, 0xef));
      sent++;
      await Promise.race([closed, sleep(5_000)]);
    }
    return sent;
  },
  /** Starts the attacker's raw node (a bare ParleyNode whose own validator ignores everything) and dials `dial`. */
  async rawNode(a) {
    const node = await createParleyNode({
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'client',
      testMode: true,
      iceServers: [],
      verify: { gossip: () => 'ignore' },
    });
    await node.start();
    raw = node;
    for (const addr of a.dial as string[]) await node.dial(addr);
    return node.peerId;
  },
  /**
   * Talks in a channel whose ACL denies it SEND: two envelopes signed by this client's real device,
   * each with its next seq in the channel, published through the raw node to the peers `to`. One
   * names the room's current heads (the ACL applies: unauthorized); one names the heads the ACL entry
   * `acl` was written on, before it (SEND was allowed there, but the ACL's cut-off for this device is 0).
   */
  async attackAcl(a) {
    const client = c(a);
    const room = hex(a.room);
    const channel = hex(a.channel);
    const st = client.state(room);
    const acl = st.entries.find((x) => x.hex === String(a.acl));
    if (acl === undefined) throw new Error('ACL entry not in the room');
    const device = client.identity.device.sign;
    const seq = ((await h(a).store.haveVector(room, channel))[toHex(device.publicKey)] ?? 0) + 1;
    const build = (heads: Uint8Array[], pos: number, text: string) =>
      createEnvelope(
        {
          account: client.identity.account.publicKey,
          room,
          channel,
          seq,
          lamport: 1_000_000,
          heads,
          epoch: st.epochAt(channel, pos),
          content: { text },
        },
        device,
        randomBytes(32),
        randomBytes(24),
        nodeCrypto,
      );
    const stalePos = Math.max(...acl.entry.body.prev.map((p) => st.positionOf(p) ?? -1));
    const current = build(st.heads(), st.length - 1, 'denied by the ACL');
    const stale = build([...acl.entry.body.prev], stalePos, 'written as if before the ACL');
    const topic = `/parley/room/${String(a.room)}/ch/${String(a.channel)}`;
    const sent = await rawPublish(topic, [current.bytes, stale.bytes], a.to as string[]);
    return { current: toHex(current.id), stale: toHex(stale.id), seq, sent };
  },
  /**
   * Oversized objects on gossip, from the raw node to the peers `to`: envelopes validly signed by
   * this client's device, of `sizes` bytes each (a copy of its envelope `own`, ciphertext grown).
   */
  async attackOversizeGossip(a) {
    const client = c(a);
    const own = (await h(a).store.get(hex(a.own), hex(a.room))) as { bytes: Uint8Array } | undefined;
    if (own === undefined) throw new Error('own envelope not in store');
    const frames = (a.sizes as number[]).map((n) => signedOfSize(client, own.bytes, n));
    const topic = `/parley/room/${String(a.room)}/ch/${String(a.channel)}`;
    const sent = await rawPublish(topic, frames, a.to as string[]);
    return { ids: frames.map((f) => toHex(nodeCrypto.sha256(f))), sent };
  },
  /**
   * Serves the sync protocol maliciously (`on`) or honestly again (`on: false`). While on, every
   * request a peer makes is answered, alternately per peer, by a FRAMES message holding one validly
   * signed envelope of maxFrameBytes + 1024 bytes, and by a FRAMES message of five 250 KiB frames
   * (each under maxFrameBytes, the message over the 1 MiB message limit).
   */
  async evilSync(a) {
    const client = c(a);
    const libp2p = client.node.libp2p;
    if (a.on === false) {
      await libp2p.unhandle(SYNC_PROTOCOL);
      await client.node.sync.start();
      return true;
    }
    const own = (await h(a).store.get(hex(a.own), hex(a.room))) as { bytes: Uint8Array } | undefined;
    if (own === undefined) throw new Error('own envelope not in store');
    const big = signedOfSize(client, own.bytes, LIMITS.maxFrameBytes + 1024);
    const many = Array.from({ length: 5 }, () => signedOfSize(client, own.bytes, 250 * 1024));
    const answers = [encodeResponse({ kind: 'FRAMES', frames: [big] }), encodeResponse({ kind: 'FRAMES', frames: many })];
    const asked = new Map<string, number>();
    await client.node.sync.stop();
    await libp2p.handle(
      SYNC_PROTOCOL,
      async (stream, connection) => {
        const peer = connection.remotePeer.toString();
        const n = asked.get(peer) ?? 0;
        asked.set(peer, n + 1);
        const io = messageStream(stream, 4096);
        const signal = AbortSignal.timeout(5_000);
        try {
          decodeRequest(await io.read(DEFAULT_SYNC_LIMITS.maxRequestBytes, signal));
          await io.write(answers[n % 2] as Uint8Array, signal);
          await io.write(encodeResponse({ kind: 'END', count: n % 2 === 0 ? 1 : many.length }), signal);
          await stream.close({ signal });
        } catch (e) {
          stream.abort(e instanceof Error ? e : new Error(String(e)));
        }
      },
      { maxInboundStreams: 16, maxOutboundStreams: 16 },
    );
    return { frame: big.length, message: answers[1]?.length };
  },
  async close() {
    await raw?.stop();
    for (const x of hosted.values()) await x.client?.close();
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

process.on('message', (m: Request) => {
  const handler = handlers[m.cmd];
  if (handler === undefined) {
    process.send?.({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
    return;
  }
  handler(m.args).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (e: unknown) => process.send?.({ id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
