/**
 * The hub's core: one libp2p node (bootstrap peer, circuit relay server, DHT server) and, unless
 * storage is off, a ciphertext store serving the rooms it is pinned to. Every frame it keeps went
 * through the client SDK's one ingest path (decode -> verify, off the event loop -> authorize
 * against the replayed authority log -> store): the hub checks everything and decides nothing. It
 * holds no room key; its own identity is never a member of anything.
 */
import {
  type ClientEvents,
  catchUp,
  channelDurability,
  createIdentity,
  Emitter,
  Ingest,
  ListingPublisher,
  RoomSession,
  readStatus,
  readTyping,
  storeSyncSource,
} from '@parley/client';
import {
  createParleyNode,
  type GossipOutcome,
  HUB_RELAY_LIMITS,
  type ParleyNode,
  parseStatusTopic,
  parseTopic,
  parseTypingTopic,
  type RelayLimits,
  statusTopic,
  typingTopic,
} from '@parley/net';
import { accountKeys, fromHex, isProtocolError, peerIdOfEd25519, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { fileChunkSource, type ObjectStore, type StoredObject } from '@parley/store';
import { openPostgresStore, type PostgresStore, rowsOf } from '@parley/store-postgres';
import { spawnNodeWorker, VerifyPool } from '@parley/verify';
import { dropDeletedFile, type HubFilesDeps, hubChunkSink } from './files.ts';
import { type Gate, gatedStore } from './gated-store.ts';
import { groupCommit } from './group-commit.ts';
import { type HubCore, type HubLog, type HubMetrics, type HubStatus, NO_LOG, NO_METRICS, type RejectReason, type ServedRoom } from './ports.ts';
import { TokenBuckets } from './rate.ts';
import { memoryServedRooms, type PinReason, type ServedRoomsTable, sqlServedRooms } from './served-rooms.ts';
import { hubSink } from './sink.ts';

export type HubStorage =
  | { readonly kind: 'pglite'; readonly dataDir?: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'off' };

export interface HubLimits {
  /** Largest frame the hub stores (bytes). */
  readonly maxObjectBytes: number;
  /** Bytes of frames kept per room; over it, the oldest envelopes are evicted. */
  readonly roomQuotaBytes: number;
  /** Bytes of shared files kept per room (declared sizes); an upload that would pass it is refused (`quota`). */
  readonly roomFileQuotaBytes: number;
  /** Objects per second one peer may offer by PUT (sustained), and the burst above it. */
  readonly peerRate: number;
  readonly peerBurst: number;
  /**
   * Gossip objects being validated and stored at once; beyond it, new gossip is ignored (not
   * forwarded, no penalty, counted as `busy`) and reaches the hub later by catch-up sync. An
   * overloaded hub thus degrades to sync instead of queueing without bound.
   */
  readonly maxGossipInFlight: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  maxObjectBytes: 256 * 1024,
  roomQuotaBytes: 1024 * 1024 * 1024,
  roomFileQuotaBytes: 5 * 1024 * 1024 * 1024,
  peerRate: 1000,
  peerBurst: 5000,
  maxGossipInFlight: 2000,
};

export interface HubCoreOptions {
  readonly storage: HubStorage;
  /** 32-byte seed of the hub's libp2p identity; keep it to keep the peer id rooms pin. */
  readonly identitySeed?: Uint8Array;
  readonly listen?: readonly string[];
  readonly announce?: readonly string[];
  readonly bootstrap?: readonly string[];
  /** libp2p connection limit. Default libp2p's. */
  readonly maxConnections?: number;
  /** Offer circuit relay v2 reservations. Default true. */
  readonly relay?: boolean;
  /** What the relay carries (the fallback ladder's last rung). Default HUB_RELAY_LIMITS. */
  readonly relayLimits?: RelayLimits;
  /** Loopback allowances for tests (never in production). */
  readonly testMode?: boolean;
  readonly limits?: Partial<HubLimits>;
  readonly metrics?: HubMetrics;
  readonly log?: HubLog;
  /** Signature-verification workers. Default 1. */
  readonly verifyWorkers?: number;
  /**
   * How long an object may wait for others to share its worker round trip and its transaction
   * (ms). Default 10: at a few hundred gossip messages per second this groups several per batch
   * for at most 10 ms of added latency per hop. 0 batches only what is already queued.
   */
  readonly batchLingerMs?: number;
  /** How often served rooms catch up with connected peers (ms). Default 15 s. */
  readonly syncIntervalMs?: number;
  /**
   * Directory listings for the rooms that pin this hub and opted into discovery, signed with the hub's
   * libp2p key (PROTOCOL 8.5). Default on; false turns it off.
   */
  readonly directory?: false | { readonly difficulty?: number; readonly ttlMs?: number; readonly intervalMs?: number };
  /** Work a LISTING must carry for this hub's DHT server to store it. Default the network's (LISTING_DIFFICULTY); tests lower it. */
  readonly listingDifficulty?: number;
  readonly now?: () => number;
}

export class Hub implements HubCore {
  readonly #o: HubCoreOptions;
  readonly #limits: HubLimits;
  readonly #metrics: HubMetrics;
  readonly #log: HubLog;
  readonly #sessions = new Map<string, RoomSession>();
  #pins = new Map<string, Set<PinReason>>();
  #node: ParleyNode | undefined;
  #store: PostgresStore | undefined;
  #gated: ObjectStore | undefined;
  #table: ServedRoomsTable = memoryServedRooms();
  #pool: VerifyPool | undefined;
  #ingest: Ingest | undefined;
  #listings: ListingPublisher | undefined;
  #interval: ReturnType<typeof setInterval> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Refusals the store gate recorded, by object id hex, for the PUT that caused them. */
  readonly #refusals = new Map<string, RejectReason>();
  /** Room hex -> estimated stored bytes (see the gate's afterPut). */
  readonly #roomBytes = new Map<string, number>();
  /** Room hex -> the tail of its quota checks, which run one at a time. */
  readonly #quotaChecks = new Map<string, Promise<void>>();
  #buckets: TokenBuckets | undefined;
  #gossipInFlight = 0;
  #ready = false;
  #stopping = false;

  constructor(o: HubCoreOptions) {
    this.#o = o;
    this.#limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.#metrics = o.metrics ?? NO_METRICS;
    this.#log = o.log ?? NO_LOG;
  }

  get node(): ParleyNode {
    if (this.#node === undefined) throw new Error('hub not started');
    return this.#node;
  }

  get storing(): boolean {
    return this.#o.storage.kind !== 'off';
  }

  /** The hub's store (tests and the admin side read it); undefined with storage off. */
  get store(): PostgresStore | undefined {
    return this.#store;
  }

  async start(): Promise<void> {
    const s = this.#o.storage;
    if (s.kind === 'pglite') this.#store = await openPostgresStore({ driver: 'pglite', dataDir: s.dataDir });
    else if (s.kind === 'postgres') this.#store = await openPostgresStore({ driver: 'postgres', url: s.url });
    if (this.#store !== undefined) {
      await this.#assertDurable(this.#store);
      this.#table = await sqlServedRooms(this.#store);
      this.#gated = gatedStore(groupCommit(this.#store, { lingerMs: this.#o.batchLingerMs ?? 10 }), this.#gate());
      this.#pool = new VerifyPool(spawnNodeWorker, { size: this.#o.verifyWorkers ?? 1, lingerMs: this.#o.batchLingerMs ?? 10 });
      this.#ingest = new Ingest({
        crypto: nodeCrypto,
        verifier: this.#pool,
        store: this.#gated,
        identity: createIdentity({ displayName: 'hub', crypto: nodeCrypto }),
        now: this.#o.now ?? Date.now,
        events: this.#events(),
        session: (room) => this.#sessions.get(toHex(room)),
        onAuthority: (sess) => this.#onAuthority(sess),
      });
    }
    const store = this.#store;
    // The hub keeps its seed: it signs its directory listings with the libp2p key the rooms pin.
    const seed = this.#o.identitySeed ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
    this.#node = await createParleyNode({
      identitySeed: seed,
      listen: this.#o.listen,
      announce: this.#o.announce,
      bootstrap: this.#o.bootstrap,
      relayServer: this.#o.relay ?? true,
      relayLimits: this.#o.relayLimits ?? HUB_RELAY_LIMITS,
      maxConnections: this.#o.maxConnections,
      dhtMode: 'server',
      testMode: this.#o.testMode,
      verify: { crypto: nodeCrypto, gossip: (topic, bytes, from) => this.#verdict(topic, bytes, from), listingDifficulty: this.#o.listingDifficulty },
      sync: store === undefined ? {} : { source: storeSyncSource(store, (hex) => this.#sessions.get(hex)?.ready === true), sink: this.#sinkFor() },
    });
    if (store !== undefined) this.#node.chunks.serve(fileChunkSource(store.files), hubChunkSink(this.#filesDeps(store)));
    await this.#node.start();
    this.#node.libp2p.addEventListener('peer:connect', (e) => {
      const peer = e.detail.toString();
      this.#track(this.#later(300, () => this.#catchUpAll(peer)));
    });
    this.#pins = await this.#table.list();
    for (const hex of this.#pins.keys()) await this.#openRoom(fromHex(hex));
    this.#interval = setInterval(() => this.#track(this.#tick()), this.#o.syncIntervalMs ?? 15_000);
    this.#startListings(this.#node, seed);
    this.#ready = true;
    this.#metrics.setRooms(this.#pins.size);
    this.#log.info({ peerId: this.#node.peerId, rooms: this.#pins.size, storage: s.kind }, 'hub started');
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#ready = false;
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#listings?.stop();
    // Stop taking new work from the network, then let what is in flight commit.
    await this.#node?.stop();
    await Promise.allSettled([...this.#inFlight]);
    await this.#pool?.close();
    await this.#store?.close();
    this.#log.info({}, 'hub stopped');
  }

  async status(): Promise<HubStatus> {
    const node = this.#node;
    const rooms: ServedRoom[] = [];
    for (const [hex, why] of this.#pins) {
      const u =
        this.#store === undefined || this.#stopping ? { count: 0, bytes: 0 } : await this.#store.usage(fromHex(hex)).catch(() => ({ count: 0, bytes: 0 }));
      rooms.push({ room: hex, pinnedBy: [...why].sort(), objects: u.count, bytes: u.bytes });
    }
    const peers = node === undefined || this.#stopping ? 0 : node.libp2p.getPeers().length;
    this.#metrics.setPeers(peers);
    return {
      peerId: node?.peerId ?? '',
      multiaddrs: node === undefined || this.#stopping ? [] : node.multiaddrs(),
      ready: this.#ready,
      storage: this.#o.storage.kind === 'off' ? 'off' : this.#o.storage.kind,
      peers,
      rooms,
    };
  }

  async pinRoom(room: Uint8Array): Promise<void> {
    await this.#pin(room, 'operator');
  }

  async unpinRoom(room: Uint8Array): Promise<void> {
    const hex = toHex(room);
    await this.#table.remove(room, 'operator');
    const why = this.#pins.get(hex);
    why?.delete('operator');
    if (why !== undefined && why.size === 0) {
      this.#pins.delete(hex);
      this.#sessions.delete(hex);
      await this.#node?.stopAnnouncing(room).catch(() => undefined);
    }
    this.#metrics.setRooms(this.#pins.size);
  }

  /** Room ids (hex) this hub serves. */
  servedRooms(): string[] {
    return [...this.#pins.keys()];
  }

  // ---- rooms ----

  async #pin(room: Uint8Array, reason: PinReason): Promise<void> {
    if (!this.storing) throw new Error('storage is off: this hub serves no rooms');
    if (room.length !== 32) throw new TypeError('room id must be 32 bytes');
    const hex = toHex(room);
    await this.#table.add(room, reason);
    let why = this.#pins.get(hex);
    const fresh = why === undefined;
    if (why === undefined) this.#pins.set(hex, (why = new Set()));
    why.add(reason);
    this.#metrics.setRooms(this.#pins.size);
    if (fresh) await this.#openRoom(room);
  }

  /** Loads what the store holds of a room, subscribes, announces, and pulls from connected peers. */
  async #openRoom(room: Uint8Array): Promise<void> {
    const store = this.#store;
    const ingest = this.#ingest;
    if (store === undefined || ingest === undefined) return;
    const hex = toHex(room);
    let s = this.#sessions.get(hex);
    if (s === undefined) this.#sessions.set(hex, (s = new RoomSession(room, nodeCrypto)));
    const held = [...(await store.authority(room)), ...(await store.byType(room, 'EPOCH_BUNDLE')), ...(await store.byType(room, 'KEY_SHARE'))];
    for (const o of held) await ingest.frame(o.bytes, 'store');
    this.#onAuthority(s);
    // Finding peers can take a DHT query's time: never hold up start() or a pin for it.
    this.#track(this.#discover(s));
  }

  /** Finds the room's peers on the DHT, dials them and catches up; then announces itself as a hub. */
  async #discover(s: RoomSession): Promise<void> {
    const node = this.#node;
    if (node === undefined) return;
    for (const peer of node.libp2p.getPeers().map((p) => p.toString())) await this.#catchUp(s, peer);
    if (!s.ready) {
      const found = await node.findRoomPeers(s.id, { signal: AbortSignal.timeout(10_000) }).catch(() => []);
      for (const p of found) {
        if (p.peerId === node.peerId) continue;
        await node.dial(p.peerId).catch(() => undefined);
        await this.#catchUp(s, p.peerId);
      }
    }
    if (s.ready) void node.announceRoom(s.id, () => node.signPresence(s.id, { role: 'hub' })).catch(() => undefined);
  }

  #onAuthority(s: RoomSession): void {
    const node = this.#node;
    if (node === undefined || !s.ready || this.#stopping) return;
    if (!s.topics.has('authority')) {
      s.topics.add('authority');
      node.joinRoom(s.id);
      void node.announceRoom(s.id, () => node.signPresence(s.id, { role: 'hub' })).catch(() => undefined);
    }
    // Typing and status signals are relayed (checked, never stored) so that members who reach each
    // other only through this hub still see who is typing and who is online.
    if (!s.topics.has('typing')) {
      s.topics.add('typing');
      node.gossip.join(typingTopic(s.id));
    }
    if (!s.topics.has('status')) {
      s.topics.add('status');
      node.gossip.join(statusTopic(s.id));
    }
    for (const ch of s.state.channels()) {
      const hex = toHex(ch.id);
      if (s.topics.has(hex) || channelDurability(s, ch.id) === 'strict') continue;
      s.topics.add(hex);
      node.joinChannel(s.id, ch.id);
    }
    // A room whose policy names this hub is served for that reason too (kept across restarts).
    const policy = s.state.policy();
    if (policy.hubs.includes(node.peerId) && this.#pins.get(s.hex)?.has('policy') !== true) void this.#pin(s.id, 'policy').catch(() => undefined);
  }

  async #catchUp(s: RoomSession, peer: string): Promise<void> {
    const node = this.#node;
    const store = this.#gated;
    const ingest = this.#ingest;
    if (node === undefined || store === undefined || ingest === undefined || this.#stopping) return;
    this.#metrics.syncSession('catch-up');
    await catchUp(node, store, ingest, s, peer).catch(() => undefined);
  }

  async #catchUpAll(peer: string): Promise<void> {
    for (const s of [...this.#sessions.values()]) await this.#catchUp(s, peer);
  }

  async #tick(): Promise<void> {
    const node = this.#node;
    if (node === undefined || this.#stopping) return;
    for (const s of [...this.#sessions.values()]) {
      if (!s.ready) await this.#discover(s);
      else for (const peer of node.libp2p.getPeers().map((p) => p.toString())) await this.#catchUp(s, peer);
    }
    this.#metrics.setPeers(node.libp2p.getPeers().length);
  }

  // ---- ingest ----

  #sinkFor() {
    const ingest = this.#ingest;
    const pool = this.#pool;
    const gated = this.#gated;
    if (ingest === undefined || pool === undefined || gated === undefined) return undefined;
    const now = this.#o.now ?? Date.now;
    this.#buckets = new TokenBuckets(this.#limits.peerRate, this.#limits.peerBurst, now);
    const buckets = this.#buckets;
    const sink = hubSink({
      peerId: () => this.#node?.peerId ?? '',
      session: (hex) => this.#sessions.get(hex),
      adopt: async (room) => {
        await this.#pin(room, 'policy');
        return this.#sessions.get(toHex(room));
      },
      ingest,
      pool,
      store: gated,
      refusals: this.#refusals,
      allow: (peer, n) => {
        const ok = buckets.take(peer, n);
        if (!ok) {
          this.#metrics.rejected('rate', n);
          this.#log.warn({ peer, frames: n }, 'peer over its rate limit');
        }
        return ok;
      },
      maxObjectBytes: this.#limits.maxObjectBytes,
      now,
      onRefused: (peer, reason, n) => {
        this.#metrics.rejected(reason, n);
        this.#log.warn({ peer, frames: n, reason }, 'objects refused');
      },
    });
    return {
      put: (peer: string, room: Uint8Array, frames: readonly Uint8Array[]) => {
        if (this.#stopping) return Promise.resolve({ error: 'busy' as const });
        this.#metrics.syncSession('put');
        const p = sink.put(peer, room, frames);
        this.#track(p);
        return p;
      },
    };
  }

  async #verdict(topic: string, bytes: Uint8Array, from: string): Promise<GossipOutcome> {
    const typing = parseTypingTopic(topic);
    if (typing !== undefined) return this.#signalVerdict(typing, bytes, from, readTyping);
    const status = parseStatusTopic(topic);
    if (status !== undefined) return this.#signalVerdict(status, bytes, from, readStatus);
    const ingest = this.#ingest;
    const t = parseTopic(topic);
    if (ingest === undefined || t === undefined || this.#stopping) return 'ignore';
    if (!this.#sessions.has(toHex(t.room))) return 'ignore';
    if (bytes.length > this.#limits.maxObjectBytes) {
      this.#metrics.rejected('too-large');
      return 'reject';
    }
    // Gossip shares the PUT token bucket: a peer over its rate is not relayed for (no penalty).
    if (this.#overRate(from)) return 'ignore';
    if (this.#gossipInFlight >= this.#limits.maxGossipInFlight) {
      this.#metrics.rejected('busy');
      return 'ignore';
    }
    this.#gossipInFlight++;
    let code: string | undefined;
    // Forwarded once valid; the database write follows (group-committed), is awaited on shutdown, and
    // counts as in flight until it lands, so a slow database still bounds what the hub takes on.
    let behind: Promise<void> | undefined;
    const storeBehind = (write: Promise<void>) => {
      behind = write.catch((err: unknown) => this.#log.error({ room: toHex(t.room), err: String(err) }, 'storing a forwarded object failed'));
      this.#track(behind);
    };
    const p = ingest.frame(bytes, from, { room: t.room, onReject: (c) => void (code = c), storeBehind }).finally(() => {
      if (behind === undefined) this.#gossipInFlight--;
      else void behind.finally(() => this.#gossipInFlight--);
    });
    this.#track(p);
    const v = await p;
    if (v !== 'reject') return v;
    this.#metrics.rejected('invalid');
    this.#log.warn({ peer: from, reason: 'invalid', code: code ?? '' }, 'gossip object rejected');
    // The protocol error code weighs the sender's penalty (a forged signature far more than a late cut-off).
    return code === undefined ? 'reject' : { verdict: 'reject', code };
  }

  /** Gossip (objects, typing and status signals) shares the PUT token bucket: a peer over its rate is not relayed for, and counted. */
  #overRate(from: string): boolean {
    if (this.#buckets === undefined || this.#buckets.take(from, 1)) return false;
    this.#metrics.rejected('rate');
    return true;
  }

  /** A typing or status signal (PROTOCOL 5.7, 5.8) from a member of a served room: relayed when its checks pass, never stored. */
  #signalVerdict(room: Uint8Array, bytes: Uint8Array, from: string, read: typeof readTyping | typeof readStatus): GossipOutcome {
    const s = this.#sessions.get(toHex(room));
    if (s === undefined || !s.ready || this.#stopping) return 'ignore';
    if (this.#overRate(from)) return 'ignore';
    try {
      return read(bytes, room, s, undefined, (this.#o.now ?? Date.now)(), nodeCrypto) === undefined ? 'ignore' : 'accept';
    } catch (e) {
      if (!isProtocolError(e)) return 'ignore';
      this.#metrics.rejected('invalid');
      return { verdict: 'reject', code: e.code };
    }
  }

  #gate(): Gate {
    return {
      refuse: (o: StoredObject): RejectReason | undefined => {
        if (o.bytes.length > this.#limits.maxObjectBytes) return 'too-large';
        if (o.type === 'ENVELOPE' && o.channel !== undefined) {
          const s = this.#sessions.get(toHex(o.room));
          if (s === undefined) return 'not-served';
          if (channelDurability(s, o.channel) === 'strict') return 'strict';
        }
        return undefined;
      },
      afterPut: (room, bytesOffered) => {
        // One room's checks take turns: a check that read the room's size must not overwrite the
        // estimate a concurrent put raised meanwhile (the estimate would fall below the truth and the
        // room would stay over its quota).
        const hex = toHex(room);
        const prev = this.#quotaChecks.get(hex) ?? Promise.resolve();
        const next = prev.then(() => this.#holdQuota(room, hex, bytesOffered));
        const settled = next.catch(() => undefined);
        this.#quotaChecks.set(hex, settled);
        void settled.then(() => {
          if (this.#quotaChecks.get(hex) === settled) this.#quotaChecks.delete(hex);
        });
        return next;
      },
      onRefused: (reason, o) => {
        this.#metrics.rejected(reason);
        this.#refusals.set(toHex(o.id), reason);
        if (this.#refusals.size > 100_000) this.#refusals.clear();
      },
      onStored: (objects, added) => {
        if (added === 0) return;
        const byType = new Map<string, number>();
        for (const o of objects) byType.set(o.type, (byType.get(o.type) ?? 0) + 1);
        // `added` counts new rows of this put (group commit credits a shared transaction in call order).
        for (const [type, n] of byType) this.#metrics.stored(type, Math.min(n, added));
      },
    };
  }

  /** Keeps one room within its byte quota after a put (`bytesOffered`: frame bytes put for it). */
  async #holdQuota(room: Uint8Array, hex: string, bytesOffered: number): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    // The room's size is read once, then estimated from what was offered (an upper bound);
    // only when the estimate passes the quota is it read again and the room evicted.
    let estimate = this.#roomBytes.get(hex);
    if (estimate === undefined) estimate = (await store.usage(room)).bytes;
    else estimate += bytesOffered;
    this.#roomBytes.set(hex, estimate);
    if (estimate <= this.#limits.roomQuotaBytes) return;
    const u = await store.usage(room);
    this.#roomBytes.set(hex, u.bytes);
    if (u.bytes <= this.#limits.roomQuotaBytes) return;
    const evicted = await store.evict(room, this.#limits.roomQuotaBytes);
    this.#roomBytes.delete(hex);
    if (evicted.length > 0) {
      this.#metrics.rejected('quota', evicted.length);
      this.#log.warn({ room: toHex(room), evicted: evicted.length }, 'room over quota: evicted oldest envelopes');
    }
  }

  #events(): Emitter<ClientEvents> {
    const e = new Emitter<ClientEvents>();
    // The author's delete of a message that shares a file drops the file here (PROTOCOL 12.3).
    e.on('message', (m) => {
      const store = this.#store;
      if (m.op === 'delete' && store !== undefined) this.#track(dropDeletedFile(this.#filesDeps(store), m.room, m.id));
    });
    e.on('reject', (r) => this.#log.warn({ room: r.room === undefined ? '' : toHex(r.room), type: r.type, id: r.id ?? '', code: r.code }, 'object rejected'));
    return e;
  }

  /** Lists the served rooms that pin this hub by its peer id and opted into the directory. */
  #startListings(node: ParleyNode, seed: Uint8Array): void {
    const dir = this.#o.directory ?? {};
    if (dir === false || this.#store === undefined) return;
    const key = accountKeys(seed, nodeCrypto);
    if (peerIdOfEd25519(key.publicKey) !== node.peerId) {
      this.#log.error({ peerId: node.peerId }, 'directory listings off: the libp2p key is not the one derived from the seed');
      return;
    }
    this.#listings = new ListingPublisher({
      node,
      author: { account: key.publicKey, signer: key },
      crypto: nodeCrypto,
      now: this.#o.now ?? Date.now,
      rooms: () => [...this.#sessions.values()].filter((s) => s.ready).map((s) => ({ id: s.id, state: s.state })),
      eligible: (state) => state.policy().hubs.includes(node.peerId),
      difficulty: dir.difficulty,
      ttlMs: dir.ttlMs,
    });
    this.#listings.start(dir.intervalMs);
  }

  /** Publishes the listings that are due now (tests; the publisher also runs on its own interval). */
  async publishListings(): Promise<number> {
    return (await this.#listings?.tick())?.length ?? 0;
  }

  #filesDeps(store: PostgresStore): HubFilesDeps {
    return {
      store,
      files: store.files,
      session: (hex) => this.#sessions.get(hex),
      penalties: () => this.#node?.penalties,
      roomFileQuotaBytes: this.#limits.roomFileQuotaBytes,
      overQuota: (room, size) => {
        this.#metrics.rejected('quota');
        this.#log.warn({ room: toHex(room), size, quota: this.#limits.roomFileQuotaBytes }, 'file upload refused: room file quota');
      },
    };
  }

  async #assertDurable(store: PostgresStore): Promise<void> {
    if (this.#o.storage.kind !== 'postgres') return;
    const { sql } = await import('drizzle-orm');
    const v = String(rowsOf(await store.db.execute(sql`SHOW synchronous_commit`))[0]?.synchronous_commit ?? '');
    if (v === 'off') throw new Error('synchronous_commit is off: acknowledged messages could be lost on a crash; turn it on for the hub database');
  }

  // ---- background work ----

  #track<T>(p: Promise<T>): void {
    const q = p.catch(() => undefined).finally(() => this.#inFlight.delete(q));
    this.#inFlight.add(q);
  }

  #later(ms: number, fn: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms)).then(() => (this.#stopping ? undefined : fn()));
  }
}

export const createHubCore = async (options: HubCoreOptions): Promise<Hub> => new Hub(options);
