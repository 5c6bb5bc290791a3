/**
 * Three real libp2p nodes in one process on 127.0.0.1: A is the bootstrap peer and serves sync from
 * an in-memory source; B and C bootstrap from A. C holds only the room id and finds the others on
 * the DHT; they gossip on the room topics with the protocol core as validator; C syncs from A; and
 * A's sync server survives garbage, oversized length prefixes and a client that never speaks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Stream } from '@libp2p/interface';
import { encodeVarint, openEntry, ProtocolError, presenceDhtKeyBytes, toHex } from '@parley/protocol';
import {
  authorityTopic,
  channelTopic,
  encodeRequest,
  type GossipMessage,
  type ParleyNode,
  SYNC_PROTOCOL,
  SyncProtocolError,
  SyncRemoteError,
} from '../src/index.ts';
import { crypto, eventually, MemorySource, testNode, testRoom } from './helpers.ts';

const { room, genesis } = testRoom('three-nodes');
const second = testRoom('three-nodes-second').genesis;
const channel = new Uint8Array(16).fill(0xc1);
const device = new Uint8Array(32).fill(0xd1);
const deviceHex = toHex(device);

/** The client's verdict, as the client package will plug it in: open the entry or reject. */
const verdict = (_topic: string, bytes: Uint8Array) => {
  openEntry(bytes, crypto);
  return 'accept' as const;
};

let a: ParleyNode;
let b: ParleyNode;
let c: ParleyNode;
const source = new MemorySource();

before(async () => {
  source.addAuthority(room, genesis.bytes);
  source.setHave(room, channel, { [deviceHex]: 3 });
  for (let s = 1; s <= 3; s++) source.addEnvelope(room, channel, device, s, Uint8Array.of(0x01, 0x20, s));
  // A room whose store read fails, to see the server answer ERROR internal.
  const authority = source.authority.bind(source);
  source.authority = (r) => {
    if (r.every((x) => x === 0xee)) throw new Error('disk on fire');
    return authority(r);
  };
  a = await testNode('a', { sync: { source, limits: { requestTimeoutMs: 1_000 } }, verify: { crypto, gossip: verdict } });
  await a.start();
  const bootstrap = a.multiaddrs();
  b = await testNode('b', { bootstrap, verify: { crypto, gossip: verdict } });
  c = await testNode('c', { bootstrap, verify: { crypto, gossip: verdict } });
  await Promise.all([b.start(), c.start()]);
});

after(async () => {
  await Promise.allSettled([a?.stop(), b?.stop(), c?.stop()]);
});

describe('rendezvous on the DHT', () => {
  it('bootstrap: B and C connect to A and their routing tables fill', async () => {
    await eventually(() => b.libp2p.getPeers().some((p) => p.toString() === a.peerId) && c.libp2p.getPeers().some((p) => p.toString() === a.peerId));
    await eventually(() => (a.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size >= 2);
  });

  it('A and B announce the room; C, holding only the room id, finds both with a verified presence', async () => {
    // Announcing is eventual: a DHT query may run before the routing table knows every peer.
    await eventually(async () => (await a.announceRoom(room)).provided > 0);
    await eventually(async () => (await b.announceRoom(room)).provided > 0);
    const peers = await eventually(async () => {
      const found = await c.findRoomPeers(room);
      const ids = new Set(found.map((p) => p.peerId));
      return ids.has(a.peerId) && ids.has(b.peerId) && found.some((p) => p.presence !== undefined) ? found : undefined;
    });
    assert.ok(!peers.some((p) => p.peerId === c.peerId), 'never lists itself');
    for (const p of peers) {
      assert.ok(p.addrs.length > 0, `addresses for ${p.peerId}`);
      if (p.presence !== undefined) {
        assert.equal(p.presence.peerId, p.peerId);
        assert.deepEqual(p.presence.room, room);
      }
    }
    await c.dial(b.peerId);
    assert.ok(c.libp2p.getPeers().some((p) => p.toString() === b.peerId));
  });

  it('refuses to announce a record that is not this node’s, with the protocol’s typed error', async () => {
    await assert.rejects(b.announceRoom(room, a.signPresence(room)), (e: unknown) => e instanceof ProtocolError && e.field === 'PRESENCE.p');
    const forged = b.signPresence(room).slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    await assert.rejects(b.announceRoom(room, forged), (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_SIGNATURE');
  });

  it('DHT peers refuse to store a forged presence record', async () => {
    const forged = c.signPresence(room).slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    let stored = 0;
    let errors = 0;
    for await (const e of c.libp2p.services.dht.put(presenceDhtKeyBytes(room), forged, { signal: AbortSignal.timeout(15_000) })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') stored++;
      if (e.name === 'QUERY_ERROR') errors++;
    }
    assert.equal(stored, 0);
    assert.ok(errors > 0, 'remote peers answered the PUT with an error');
  });
});

describe('gossip on the room topics', () => {
  const topic = authorityTopic(room);
  const received = new Map<string, GossipMessage[]>();

  before(() => {
    for (const n of [a, b, c]) {
      received.set(n.peerId, []);
      n.onMessage((m) => received.get(n.peerId)?.push(m));
      n.joinRoom(room);
      n.joinChannel(room, channel);
    }
  });

  const ids = (n: ParleyNode) => (received.get(n.peerId) ?? []).map((m) => m.id);

  it('a valid authority entry published by B reaches A and C, with its object id as message id', async () => {
    await eventually(() => b.gossip.peers(topic).length >= 2);
    await eventually(async () => {
      if (!ids(c).includes(toHex(genesis.id))) await b.publish(topic, genesis.bytes);
      return ids(c).includes(toHex(genesis.id)) && ids(a).includes(toHex(genesis.id));
    });
    const m = received.get(c.peerId)?.find((x) => x.id === toHex(genesis.id));
    assert.equal(m?.topic, topic);
    assert.deepEqual(m?.data, genesis.bytes);
  });

  it('duplicates are dropped by object id, whoever re-publishes them', async () => {
    const before = ids(c).filter((i) => i === toHex(genesis.id)).length;
    await b.publish(topic, genesis.bytes);
    await a.publish(topic, genesis.bytes);
    // A later distinct message is the barrier: once it arrives, any duplicate would have too.
    await eventually(async () => {
      if (!ids(c).includes(toHex(second.id))) await a.publish(topic, second.bytes);
      return ids(c).includes(toHex(second.id));
    });
    assert.equal(ids(c).filter((i) => i === toHex(genesis.id)).length, before);
  });

  it('a forged entry and garbage are rejected by the validator, penalised, and never delivered', async () => {
    const forged = genesis.bytes.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    const garbage = new TextEncoder().encode('definitely not a signed frame');
    const rejectsBefore = c.penalties.count(b.peerId, 'gossip-reject');
    await b.publish(topic, forged);
    await b.publish(channelTopic(room, channel), garbage);
    await eventually(() => c.penalties.count(b.peerId, 'gossip-reject') >= rejectsBefore + 2);
    const forgedId = toHex(crypto.sha256(forged));
    const garbageId = toHex(crypto.sha256(garbage));
    for (const n of [a, c]) {
      assert.ok(!ids(n).includes(forgedId), 'forged entry not delivered');
      assert.ok(!ids(n).includes(garbageId), 'garbage not delivered');
    }
    // Gossipsub scored the sender down for it (P4: invalid message deliveries); scores are cached
    // for a heartbeat, so this is eventual.
    const pubsub = c.libp2p.services.pubsub as unknown as { getScore(p: string): number };
    await eventually(() => pubsub.getScore(b.peerId) < 0, 10_000);
  });
});

describe('sync protocol /parley/sync/1.0.0', () => {
  it('GET_AUTHORITY returns the room’s authority frames, which open as entries', async () => {
    const frames = await c.getAuthority(a.peerId, room);
    assert.equal(frames.length, 1);
    assert.deepEqual(openEntry(frames[0] as Uint8Array, crypto).id, genesis.id);
  });

  it('HAVE returns the channel’s have-vector; GET_RANGE the frames in range', async () => {
    assert.deepEqual(await c.have(a.peerId, room, channel), { [deviceHex]: 3 });
    const frames = await c.getRange(a.peerId, room, channel, device, 2, 10);
    assert.deepEqual(frames, [Uint8Array.of(0x01, 0x20, 2), Uint8Array.of(0x01, 0x20, 3)]);
  });

  it('a room the server does not hold is an ERROR not-found, not a penalty', async () => {
    await assert.rejects(c.getAuthority(a.peerId, new Uint8Array(32)), (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'not-found');
    assert.equal(a.penalties.count(c.peerId), 0);
  });

  it('a failing store is an ERROR internal, not a penalty', async () => {
    await assert.rejects(c.getAuthority(a.peerId, new Uint8Array(32).fill(0xee)), (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'internal');
    assert.equal(a.penalties.count(c.peerId), 0);
    assert.equal(c.penalties.count(a.peerId), 0);
  });

  /** Opens a raw sync stream from C to A and resolves when A has closed or reset it. */
  const raw = async (bytes: Uint8Array | undefined): Promise<Stream> => {
    const stream = await c.libp2p.dialProtocol(a.libp2p.peerId, SYNC_PROTOCOL);
    const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve(), { once: true }));
    if (bytes !== undefined) stream.send(bytes);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('server never closed the stream')), 15_000);
    });
    await Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
    return stream;
  };

  const stillServes = async () => assert.equal((await c.getAuthority(a.peerId, room)).length, 1);

  it('a garbage message resets the stream and counts against the sender; the server stays up', async () => {
    const garbage = new TextEncoder().encode('\u0001garbage that is not CBOR');
    const s = await raw(Uint8Array.of(...encodeVarint(garbage.length), ...garbage));
    assert.notEqual(s.status, 'open');
    await eventually(() => a.penalties.count(c.peerId, 'sync-malformed') === 1);
    await stillServes();
  });

  it('a wrong version byte is malformed too', async () => {
    const body = encodeRequest({ kind: 'GET_AUTHORITY', room }).slice();
    body[0] = 0x02;
    await raw(Uint8Array.of(...encodeVarint(body.length), ...body));
    await eventually(() => a.penalties.count(c.peerId, 'sync-malformed') === 2);
    await stillServes();
  });

  it('an oversized length prefix is refused before anything is allocated', async () => {
    await raw(Uint8Array.of(...encodeVarint(64 * 1024 * 1024), 0x01, 0xa0));
    await eventually(() => a.penalties.count(c.peerId, 'sync-oversize') === 1);
    await stillServes();
  });

  it('a slow client that opens a stream and never sends is timed out (THREATS 20)', async () => {
    const started = Date.now();
    await raw(undefined);
    assert.ok(Date.now() - started >= 900, 'not before requestTimeoutMs');
    await eventually(() => a.penalties.count(c.peerId, 'sync-timeout') === 1);
    await stillServes();
  });

  it('bounded per peer: the server answers busy past its slots; the client queues its own requests', async () => {
    const limit = a.sync.limits.maxConcurrentPerPeer;
    // Occupy every server slot with streams that never send (each times out after requestTimeoutMs).
    const silent = await Promise.all(Array.from({ length: limit }, () => c.libp2p.dialProtocol(a.libp2p.peerId, SYNC_PROTOCOL)));
    await assert.rejects(c.getAuthority(a.peerId, room), (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'busy');
    await eventually(() => silent.every((s) => s.status !== 'open'));
    // Ten at once from one client: it keeps at most `limit` open, so none is refused.
    const all = await Promise.all(Array.from({ length: 10 }, () => c.getAuthority(a.peerId, room)));
    assert.ok(all.every((f) => f.length === 1));
  });

  it('a server answering garbage is a typed error for the client, and a penalty', async () => {
    await b.libp2p.handle(SYNC_PROTOCOL, async (stream) => {
      stream.send(Uint8Array.of(3, 0x01, 0xff, 0xff));
      await stream.close();
    });
    await assert.rejects(c.getAuthority(b.peerId, room), (e: unknown) => e instanceof SyncProtocolError && e.cause instanceof ProtocolError);
    assert.equal(c.penalties.count(b.peerId, 'sync-malformed'), 1);
    await b.libp2p.unhandle(SYNC_PROTOCOL);
  });
});
