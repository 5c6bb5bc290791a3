/**
 * ParleyClient: one person's device in any number of rooms. It owns the ingest path (gossip, sync and
 * its own objects all go through `Ingest`), the room sessions, the durable outbox and the catch-up
 * loop; rooms, messages and moderation are thin calls that author protocol objects.
 */
import { createParleyNode, type ParleyNode, type ParleyNodeOptions, parseTopic } from '@parley/net';
import {
  type Author,
  type ChannelInfo,
  type CryptoPort,
  createGenesis,
  DEFAULT_POLICY,
  type EntryAction,
  type HistoryMessage,
  type MemberInfo,
  nextEntry,
  nobleCrypto,
  type RandomSource,
  type RoomPolicy,
  toHex,
} from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import { catchUp } from './catch-up.ts';
import { ClientError } from './errors.ts';
import { type ClientEvents, Emitter, type Listener } from './events.ts';
import { type HistoryOptions, readHistory } from './history.ts';
import { ClientHooks } from './hooks.ts';
import { type HubPushState, pinnedHubs, pushToHubs } from './hub-push.ts';
import type { Identity } from './identity.ts';
import { Ingest, type Verdict, type Verifier } from './ingest.ts';
import { type InviteOptions, inviteUrl } from './invite.ts';
import { type JoinResult, joinRoom } from './join.ts';
import { keyWork } from './key-work.ts';
import { draftEnvelope, type EnvelopeRequest } from './messages.ts';
import { removalCutoffs } from './moderation.ts';
import { reoffer } from './outbox.ts';
import { RoomSession } from './room-session.ts';
import { storeSyncSource } from './store-source.ts';

export interface ParleyClientOptions {
  readonly identity: Identity;
  readonly store: ObjectStore;
  /**
   * A node to create (options; the client adds its gossip verdict and sync source) or one already
   * built with `hooks.nodeOptions()` of the `hooks` passed below.
   */
  readonly node?: ParleyNodeOptions | ParleyNode;
  readonly hooks?: ClientHooks;
  /** Default: noble (portable); Node services may pass `@parley/protocol/crypto-node`. */
  readonly crypto?: CryptoPort;
  readonly now?: () => number;
  readonly random?: RandomSource;
  /** Signature checks off the event loop (`@parley/verify` VerifyPool); inline when absent. */
  readonly verifier?: Verifier;
  /** Catch-up with connected peers and outbox re-offer period (ms). Default 15 s. */
  readonly syncIntervalMs?: number;
  /** Base delay before a member who is not first in line publishes a key or a share (ms). Default 1.5 s. */
  readonly keyDelayMs?: number;
  /** Origin of invite URLs. Default https://parley.chat. */
  readonly inviteOrigin?: string;
}

export interface CreateRoomOptions {
  readonly name: string;
  /** Text channels to create, by name. Default ['general']. */
  readonly channels?: readonly string[];
  readonly policy?: Partial<RoomPolicy>;
}

const defaultRandom: RandomSource = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ParleyClient {
  readonly identity: Identity;
  readonly store: ObjectStore;
  readonly node: ParleyNode;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  readonly random: RandomSource;
  readonly ingest: Ingest;
  readonly #events = new Emitter<ClientEvents>();
  readonly #sessions = new Map<string, RoomSession>();
  readonly #inFlight = new Set<string>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #immediate = new Set<Promise<void>>();
  readonly #announced = new Map<string, number>();
  readonly #opts: ParleyClientOptions;
  #interval: ReturnType<typeof setInterval> | undefined;
  readonly #hubPush: HubPushState = { logPushed: new Set() };
  #pushing: Promise<number> | undefined;
  #pushAgain = false;
  #closed = false;
  #syncing = false;
  readonly #ownsNode: boolean;

  private constructor(o: ParleyClientOptions, node: ParleyNode, ownsNode: boolean) {
    this.#opts = o;
    this.identity = o.identity;
    this.store = o.store;
    this.node = node;
    this.#ownsNode = ownsNode;
    this.crypto = o.crypto ?? nobleCrypto;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? defaultRandom;
    this.ingest = new Ingest({
      crypto: this.crypto,
      verifier: o.verifier,
      store: o.store,
      identity: o.identity,
      now: this.now,
      events: this.#events,
      session: (room) => this.#sessions.get(toHex(room)),
      onAuthority: (s) => this.#onAuthority(s),
    });
  }

  /** Builds the client (and its node, from options), starts the node and the sync loop. */
  static async create(o: ParleyClientOptions): Promise<ParleyClient> {
    const hooks = o.hooks ?? new ClientHooks();
    let node: ParleyNode;
    let owns = false;
    if (o.node !== undefined && 'libp2p' in o.node) node = o.node;
    else {
      const opts = (o.node ?? {}) as ParleyNodeOptions;
      node = await createParleyNode({ ...opts, ...hooks.nodeOptions(opts) });
      owns = true;
    }
    const client = new ParleyClient(o, node, owns);
    hooks.bind(client);
    await client.#start();
    return client;
  }

  on<K extends keyof ClientEvents>(name: K, fn: Listener<ClientEvents[K]>): () => void {
    return this.#events.on(name, fn);
  }

  async #start(): Promise<void> {
    await this.node.start();
    this.node.libp2p.addEventListener('peer:connect', (e) => {
      const peer = e.detail.toString();
      this.#events.emit('connection', { peer, connected: true });
      this.#schedule(300, async () => {
        for (const s of this.#sessions.values()) await this.#catchUp(s, peer);
        this.#reannounce();
      });
    });
    this.node.libp2p.addEventListener('peer:disconnect', (e) => this.#events.emit('connection', { peer: e.detail.toString(), connected: false }));
    this.#interval = setInterval(() => void this.#tick(), this.#opts.syncIntervalMs ?? 15_000);
  }

  /** Stops the loop and (if the client created it) the node. The store stays open: it is the caller's. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#interval !== undefined) clearInterval(this.#interval);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#ownsNode) await this.node.stop();
  }

  #schedule(ms: number, fn: () => Promise<void>): void {
    if (this.#closed) return;
    if (ms === 0) {
      // At once, but tracked: calls that trigger key work (new channel, ban) settle it before resolving.
      const p: Promise<void> = Promise.resolve()
        .then(fn)
        .catch(() => undefined)
        .finally(() => this.#immediate.delete(p));
      this.#immediate.add(p);
      return;
    }
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (this.#closed) return;
      fn().catch(() => {
        // background work retries on the next tick
      });
    }, ms);
    this.#timers.add(t);
  }

  // ---- the ingest path's doors ----

  /** The gossip verdict (wired into the node's `verify.gossip`): accept, reject (ProtocolError) or ignore (unknown room, pending). */
  async verdict(topic: string, bytes: Uint8Array, from: string): Promise<Verdict> {
    if (this.#closed || parseTopic(topic) === undefined) return 'ignore';
    return this.ingest.frame(bytes, from);
  }

  /** Whether this client serves `roomHex` over sync. */
  serves(roomHex: string): boolean {
    return this.#sessions.get(roomHex)?.ready === true;
  }

  syncSource() {
    return storeSyncSource(this.store, (r) => this.serves(r));
  }

  // ---- sessions ----

  #session(room: Uint8Array): RoomSession {
    const s = this.#sessions.get(toHex(room));
    if (s === undefined || !s.ready) throw new ClientError('unknown-room', `room ${toHex(room)} is not open`);
    return s;
  }

  #newSession(room: Uint8Array): RoomSession {
    const hex = toHex(room);
    let s = this.#sessions.get(hex);
    if (s === undefined) this.#sessions.set(hex, (s = new RoomSession(room, this.crypto)));
    return s;
  }

  rooms(): Uint8Array[] {
    return [...this.#sessions.values()].filter((s) => s.ready).map((s) => s.id);
  }

  /** Opens a room this device already holds in its store (after a restart). */
  async openRoom(room: Uint8Array): Promise<void> {
    const s = this.#newSession(room);
    const frames = [...(await this.store.authority(room)), ...(await this.store.byType(room, 'EPOCH_BUNDLE')), ...(await this.store.byType(room, 'KEY_SHARE'))];
    for (const f of frames) await this.ingest.frame(f.bytes, 'store');
    if (!s.ready) throw new ClientError('unknown-room', `room ${toHex(room)} is not in the store`);
    const me = toHex(this.identity.device.sign.publicKey);
    for (const ch of s.state.channels()) {
      const hv = await this.store.haveVector(room, ch.id);
      s.mySeq.set(toHex(ch.id), hv[me] ?? 0);
      const last = await this.store.range(room, ch.id, { limit: 1, order: 'desc' });
      s.lamport.set(toHex(ch.id), last[0]?.lamport ?? 0);
    }
    this.#onAuthority(s);
    this.#announce(s);
    for (const peer of this.#peers()) await this.#catchUp(s, peer);
  }

  #peers(): string[] {
    return this.node.libp2p.getPeers().map((p) => p.toString());
  }

  #onAuthority(s: RoomSession): void {
    if (!s.ready || this.#closed) return;
    if (!s.topics.has('authority')) {
      s.topics.add('authority');
      this.node.joinRoom(s.id);
    }
    for (const ch of s.state.channels()) {
      const hex = toHex(ch.id);
      if (s.topics.has(hex)) continue;
      s.topics.add(hex);
      this.node.joinChannel(s.id, ch.id);
    }
    keyWork(
      {
        identity: this.identity,
        crypto: this.crypto,
        random: this.random,
        delayMs: this.#opts.keyDelayMs ?? 1500,
        author: (sess, bytes) => this.#publishLocal(sess, bytes, undefined),
        schedule: (ms, fn) => this.#schedule(ms, fn),
      },
      s,
      this.#inFlight,
    );
  }

  /** Ingests an object authored here (durably, through the outbox), then publishes it. */
  async #publishLocal(s: RoomSession, bytes: Uint8Array, channel: Uint8Array | undefined): Promise<void> {
    await this.ingest.frame(bytes, 'self', { local: true });
    const topic = channel === undefined ? this.node.joinRoom(s.id) : this.node.joinChannel(s.id, channel);
    await this.node.publish(topic, bytes).catch(() => 0);
    if (pinnedHubs(s).length > 0) void this.pushToHubs();
  }

  /**
   * Offers pending outbox entries (and, once per connection, the authority log) to the connected
   * hubs the rooms pin; resolves with how many the hubs acknowledged. Calls made while a pass runs
   * are folded into one more pass.
   */
  async pushToHubs(): Promise<number> {
    if (this.#pushing !== undefined) {
      this.#pushAgain = true;
      return this.#pushing;
    }
    const run = async (): Promise<number> => {
      let n = 0;
      do {
        this.#pushAgain = false;
        n += await pushToHubs(this.node, this.store, [...this.#sessions.values()], this.#hubPush, (room, id, by) =>
          this.#events.emit('acked', { room, id, by }),
        );
      } while (this.#pushAgain && !this.#closed);
      return n;
    };
    this.#pushing = run().finally(() => {
      this.#pushing = undefined;
    });
    return this.#pushing;
  }

  get author(): Author {
    return { account: this.identity.account.publicKey, signer: this.identity.device.sign, cert: this.identity.cert };
  }

  /**
   * Authors an authority entry on the room's current heads and settles the key work it triggers here
   * (a new channel's first key, the rotation after a ban). Throws the protocol's error if the rules refuse it.
   */
  async act(room: Uint8Array, action: EntryAction): Promise<Uint8Array> {
    const s = this.#session(room);
    const e = nextEntry(s.state, this.author, action, this.now(), this.crypto);
    await this.#publishLocal(s, e.bytes, undefined);
    while (this.#immediate.size > 0) await Promise.all([...this.#immediate]);
    return e.id;
  }

  // ---- rooms ----

  async createRoom(o: CreateRoomOptions): Promise<Uint8Array> {
    const g = createGenesis({ author: this.author, name: o.name, nonce: this.random(16), time: this.now() }, this.crypto);
    const s = this.#newSession(g.body.room);
    await this.#publishLocal(s, g.bytes, undefined);
    if (o.policy !== undefined) await this.act(s.id, { kind: 'set_policy', policy: { ...DEFAULT_POLICY, ...o.policy } });
    for (const name of o.channels ?? ['general']) await this.createChannel(s.id, name);
    this.#announce(s);
    return s.id;
  }

  async createChannel(room: Uint8Array, name: string, o: { topic?: string; kind?: 'text' | 'voice' } = {}): Promise<Uint8Array> {
    const channel = this.random(16);
    await this.act(room, { kind: 'create_channel', channel, name, channelKind: o.kind ?? 'text', topic: o.topic ?? '' });
    return channel;
  }

  channels(room: Uint8Array): ChannelInfo[] {
    return this.#session(room).state.channels();
  }

  members(room: Uint8Array): MemberInfo[] {
    return this.#session(room).state.members();
  }

  state(room: Uint8Array) {
    return this.#session(room).state;
  }

  /** Whether this device holds the key it needs to send in `channel` now. */
  canSend(room: Uint8Array, channel: Uint8Array): boolean {
    const s = this.#sessions.get(toHex(room));
    if (s === undefined || !s.ready) return false;
    const st = s.state;
    return s.keyring.sendingKey(channel, st.epochAt(channel, st.length - 1)) !== undefined;
  }

  #announce(s: RoomSession): void {
    this.#announced.set(s.hex, this.now());
    this.node.announceRoom(s.id).catch(() => undefined);
  }

  #reannounce(): void {
    for (const s of this.#sessions.values()) {
      if (s.ready && this.now() - (this.#announced.get(s.hex) ?? 0) > 5_000) this.#announce(s);
    }
  }

  // ---- sync ----

  async #catchUp(s: RoomSession, peer: string): Promise<number> {
    const r = await catchUp(this.node, this.store, this.ingest, s, peer);
    if (r.served) this.#events.emit('sync', { room: s.id, peer, frames: r.frames });
    return r.frames;
  }

  /** Catches up every open room with every connected peer now (also runs on a timer). */
  async syncNow(): Promise<void> {
    for (const s of [...this.#sessions.values()]) {
      if (!s.ready) continue;
      for (const peer of this.#peers()) await this.#catchUp(s, peer).catch(() => 0);
    }
  }

  /** Outbox entries not yet acknowledged by a peer. */
  async pendingCount(): Promise<number> {
    return (await this.store.pending()).length;
  }

  async #tick(): Promise<void> {
    if (this.#syncing || this.#closed) return;
    this.#syncing = true;
    try {
      await reoffer(this.store, this.node, (hex) => this.#sessions.get(hex), this.now(), this.random);
      await this.pushToHubs();
      await this.syncNow();
    } catch {
      // the next tick retries
    } finally {
      this.#syncing = false;
    }
  }

  /** Re-publishes due outbox entries; acknowledgement comes from peers' have-vectors and authority lists. */
  // ---- joining ----

  /**
   * Joins a room from an invite URL: verifies the invite, finds peers (the invite's addresses and the
   * DHT), syncs the authority log, authors the JOIN; keys arrive as KEY_SHAREs from members.
   */
  async join(inviteUrl: string, o: { timeoutMs?: number } = {}): Promise<JoinResult> {
    return joinRoom(this, inviteUrl, o.timeoutMs ?? 60_000, {
      newSession: (room) => this.#newSession(room),
      catchUp: (s, peer) => this.#catchUp(s, peer),
      peers: () => this.#peers(),
      onJoined: (s) => {
        this.#onAuthority(s);
        this.#announce(s);
      },
      sleep,
      closed: () => this.#closed,
    });
  }

  // ---- messages ----

  async #sendEnvelope(room: Uint8Array, r: EnvelopeRequest): Promise<Uint8Array> {
    const s = this.#session(room);
    const env = draftEnvelope(s, r, this.identity, this.random, this.crypto);
    await this.#publishLocal(s, env.bytes, r.channel);
    return env.id;
  }

  /** Sends a message; resolves (with its id) once it is in the durable outbox, then publishes it. */
  send(room: Uint8Array, channel: Uint8Array, text: string, o: { replyTo?: Uint8Array; mentions?: Uint8Array[] } = {}): Promise<Uint8Array> {
    return this.#sendEnvelope(room, { channel, content: { text, replyTo: o.replyTo, mentions: o.mentions } });
  }

  edit(room: Uint8Array, channel: Uint8Array, message: Uint8Array, text: string): Promise<Uint8Array> {
    return this.#sendEnvelope(room, { channel, op: 'edit', target: message, content: { text } });
  }

  /** The author's own delete (a tombstone envelope); moderators use `deleteMessage`. */
  delete(room: Uint8Array, channel: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    return this.#sendEnvelope(room, { channel, op: 'delete', target: message, content: {} });
  }

  react(room: Uint8Array, channel: Uint8Array, message: Uint8Array, emoji: string, on = true): Promise<Uint8Array> {
    return this.#sendEnvelope(room, { channel, op: on ? 'react' : 'unreact', target: message, content: { emoji } });
  }

  // ---- moderation (authority entries) ----

  async ban(room: Uint8Array, target: Uint8Array, o: { purge?: boolean; reason?: string } = {}): Promise<Uint8Array> {
    const cutoffs = await removalCutoffs(this.store, this.#session(room), target);
    return this.act(room, { kind: 'ban', target, cutoffs, purge: o.purge ?? false, reason: o.reason });
  }

  unban(room: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
    return this.act(room, { kind: 'unban', target });
  }

  async kick(room: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
    return this.act(room, { kind: 'kick', target, cutoffs: await removalCutoffs(this.store, this.#session(room), target) });
  }

  async mute(room: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
    return this.act(room, { kind: 'mute', target, cutoffs: await removalCutoffs(this.store, this.#session(room), target) });
  }

  unmute(room: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
    return this.act(room, { kind: 'unmute', target });
  }

  grant(room: Uint8Array, target: Uint8Array, role: string): Promise<Uint8Array> {
    return this.act(room, { kind: 'grant', target, role });
  }

  async revoke(room: Uint8Array, target: Uint8Array, role: string): Promise<Uint8Array> {
    return this.act(room, { kind: 'revoke', target, role, cutoffs: await removalCutoffs(this.store, this.#session(room), target) });
  }

  /** A moderator's DELETE_MESSAGE entry for a stored message. */
  async deleteMessage(room: Uint8Array, channel: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    const obj = await this.store.get(message, room);
    if (obj?.account === undefined) throw new ClientError('unknown-channel', `message ${toHex(message)} is not in the store`);
    return this.act(room, { kind: 'delete_message', channel, message, author: obj.account });
  }

  /** Pins or unpins a message. */
  pin(room: Uint8Array, channel: Uint8Array, message: Uint8Array, pinned = true): Promise<Uint8Array> {
    return this.act(room, { kind: 'pin', channel, message, pinned });
  }

  // ---- invites ----

  /** An invite URL for `room`: a signed token (uses, expiry) and the addresses a joiner dials first. */
  createInvite(room: Uint8Array, o: InviteOptions = {}): string {
    const s = this.#session(room);
    return inviteUrl(this.identity, s.id, this.node.multiaddrs(), this.#opts.inviteOrigin ?? 'https://parley.chat', o, this.random, this.crypto);
  }

  async history(room: Uint8Array, channel: Uint8Array, o: HistoryOptions = {}): Promise<HistoryMessage[]> {
    return readHistory(this.store, this.#session(room), channel, this.crypto, o);
  }
}
