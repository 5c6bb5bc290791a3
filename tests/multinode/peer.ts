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
import { createEnvelope, fromHex, nextEntry, toHex } from '@parley/protocol';
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
    },
  });
  // libp2p keeps the gater object it was given (net's test mode passes one); its deny* hooks are read per call.
  const gater = (client.node.libp2p as unknown as { components: { connectionGater: Gater } }).components.connectionGater;
  const deny = (peer: unknown) => x.blocked.has(String(peer));
  gater.denyDialPeer = deny;
  gater.denyInboundEncryptedConnection = deny;
  gater.denyOutboundEncryptedConnection = deny;
  gater.denyInboundUpgradedConnection = deny;
  gater.denyOutboundUpgradedConnection = deny;
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
    await client.node.publish(`/parley/room/${String(a.room)}/ch/${String(a.channel)}`, env.bytes).catch(() => 0);
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
    const reasons = ['sync-malformed', 'sync-oversize', 'sync-timeout', 'gossip-reject'] as const;
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
   */
  async attackGossip(a) {
    const client = c(a);
    const room = hex(a.room);
    const channel = hex(a.channel);
    const chTopic = `/parley/room/${String(a.room)}/ch/${String(a.channel)}`;
    const authTopic = `/parley/room/${String(a.room)}/authority`;
    const pub = async (topic: string, frame: Uint8Array) => client.node.publish(topic, frame).catch(() => 0);
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
    await pub(chTopic, rnd(300 * 1024));
    void channel;
    return sent;
  },
  /** Misbehaves on the sync protocol towards `peer`: garbage frames, a huge length prefix, and a stream that never sends. */
  async attackSync(a) {
    const libp2p = c(a).node.libp2p as unknown as {
      dialProtocol(p: unknown, proto: string): Promise<{ send(b: Uint8Array): boolean; close(): Promise<void>; abort(e: Error): void }>;
      getConnections(): { remotePeer: { toString(): string } }[];
    };
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
  async close() {
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
