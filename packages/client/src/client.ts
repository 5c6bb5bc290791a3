/**
 * ParleyClient: one person's device in any number of rooms. It owns the ingest path (gossip, sync and
 * its own objects all go through `Ingest`), the room sessions, the durable outbox and the catch-up
 * loop; rooms, messages and moderation are thin calls that author protocol objects.
 */
import {
  authorityTopic,
  channelTopic,
  createParleyNode,
  type GossipOutcome,
  type ParleyNode,
  type ParleyNodeOptions,
  parseStatusTopic,
  parseTopic,
  parseTypingTopic,
  statusTopic,
  typingTopic,
} from '@parley/net';
import {
  type Author,
  type ChannelInfo,
  type CryptoPort,
  createGenesis,
  DEFAULT_POLICY,
  type DiscoverySettings,
  decodeUnverified,
  deriveVoiceKey,
  type EntryAction,
  envelopeCodec,
  type FileRules,
  fromHex,
  type HistoryMessage,
  isProtocolError,
  type MemberInfo,
  type MemberStatus,
  nextEntry,
  nobleCrypto,
  normalizeTag,
  type RandomSource,
  type RoomPolicy,
  toHex,
} from '@parley/protocol';
import { type FileStore, MemoryFileStore, type ObjectStore } from '@parley/store';
import { catchUp } from './catch-up.ts';
import { DirectMessages } from './direct/direct-messages.ts';
import { type DirectMessage, type DirectStore, MemoryDirectStore } from './direct/direct-store.ts';
import { ClientError } from './errors.ts';
import { type ClientEvents, Emitter, type Listener } from './events.ts';
import type { PlainSink } from './file-download.ts';
import { type FetchFileOptions, FileSharing, type SendFileOptions } from './file-share.ts';
import { RELAYED_EVENTS, type Relayed, readOnlyCrypto, readOnlyError } from './follower.ts';
import { type HistoryOptions, readHistory } from './history.ts';
import { ClientHooks } from './hooks.ts';
import { type HubPushState, pinnedHubs, pushToHubs } from './hub-push.ts';
import { IceProvider } from './ice.ts';
import { type Identity, withProfile } from './identity.ts';
import { Ingest, type Verdict, type Verifier } from './ingest.ts';
import { type InviteOptions, inviteUrl } from './invite.ts';
import { type InviteInfo, roomInvites } from './invite-list.ts';
import { type JoinResult, type JoinStep, joinRoom } from './join.ts';
import { chaseKeys } from './key-chase.ts';
import { keyWork } from './key-work.ts';
import { ConnectionLadder, type LadderState } from './ladder.ts';
import { type AccountDevice, accountDevices, deviceCutoffs, roomsWithDevice } from './link/devices.ts';
import { type LinkDeviceOptions, type LinkResult, openGrantedRooms, requestLink } from './link/link-device.ts';
import { LinkError } from './link/link-error.ts';
import { type LinkOffer, LinkOffers, type OfferOptions } from './link/link-offers.ts';
import { ListingPublisher, type PublishedListing } from './listing-publisher.ts';
import type { OwnStatus } from './member-status.ts';
import { draftEnvelope, type EnvelopeRequest } from './messages.ts';
import { removalCutoffs } from './moderation.ts';
import { reoffer } from './outbox.ts';
import { connectionPaths, type PeerPath } from './paths.ts';
import {
  type AuditEntry,
  auditLog,
  type ChannelAcl,
  channelAclAction,
  type Durability,
  defineRoleAction,
  type JoinMode,
  pinHubAction,
  policyAction,
  type RoleInput,
  revokeInviteAction,
} from './room-admin.ts';
import { RoomSession } from './room-session.ts';
import { StatusService } from './status-service.ts';
import { storeSyncSource } from './store-source.ts';
import { readTyping, typingSignal } from './typing.ts';

export interface ParleyClientOptions {
  readonly identity: Identity;
  readonly store: ObjectStore;
  /**
   * A node to create (options; the client adds its gossip verdict and sync source) or one already
   * built with `hooks.nodeOptions()` of the `hooks` passed below.
   */
  readonly node?: ParleyNodeOptions | ParleyNode;
  readonly hooks?: ClientHooks;
  /** Whether `close()` stops a node handed in as `node` (one the client builds itself is always stopped). Default false. */
  readonly closeNode?: boolean;
  /** The base ICE servers for a node handed in as `node` (a node built from options takes its `iceServers`). */
  readonly iceServers?: readonly RTCIceServer[];
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
  /**
   * Directory listings of listed rooms (SET_DISCOVERY) this device publishes while online: proof-of-work
   * difficulty (default the network's LISTING_DIFFICULTY), listing TTL (default 1 h) and how often rooms
   * are checked. `false`: never publish.
   */
  readonly directory?: false | { readonly difficulty?: number; readonly ttlMs?: number; readonly intervalMs?: number };
  /**
   * Relay-only mode: WebRTC connections use TURN relays only (`iceTransportPolicy: 'relay'`), so
   * other members never see this device's IP addresses. Default false; `setRelayOnly` changes it
   * for connections made afterwards.
   */
  readonly relayOnly?: boolean;
  /** Where shared files' chunks are kept (and served from). Default: in memory. */
  readonly files?: FileStore;
  /**
   * What this device tells the rooms' members about itself (PROTOCOL 5.8): 'online' (default),
   * 'idle', or 'invisible' (nothing: shown offline). `setStatus` changes it. Repeat period and
   * time-to-live of signals are for tests (defaults 30 s and 75 s).
   */
  readonly status?: { readonly initial?: OwnStatus; readonly repeatMs?: number; readonly ttlMs?: number };
  /** Bounds of the fallback ladder's rungs (ms); see ConnectionLadder. */
  readonly ladder?: { readonly directTimeoutMs?: number; readonly turnTimeoutMs?: number; readonly redialMs?: number };
  /** Where direct-message sessions and conversations are kept (PROTOCOL 13.6). Default: in memory. */
  readonly directStore?: DirectStore;
  /**
   * Follower mode (follower.ts): another browser tab leads this device. The client replays what the
   * leader hands it (`mirror`) and never authors: its crypto port cannot sign, and it runs no key
   * work, profile or status publishing, outbox, hub pushes, catch-ups, announcements or listings.
   */
  readonly follower?: boolean;
  /** Told of every frame not rejected and every ephemeral signal accepted here (a leading tab hands them to its followers). */
  readonly tap?: (r: Relayed) => void;
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
  #identity: Identity;
  readonly store: ObjectStore;
  readonly node: ParleyNode;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  readonly random: RandomSource;
  readonly ingest: Ingest;
  readonly #events = new Emitter<ClientEvents>();
  readonly #sessions = new Map<string, RoomSession>();
  readonly #inFlight = new Set<string>();
  /** Rooms being opened from the store (openRoom): authority changes set nothing off until it is done. */
  readonly #opening = new Set<string>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #immediate = new Set<Promise<void>>();
  /** The catch-up in flight (or last run) per room and peer: a second one waits for it. */
  readonly #catchUps = new Map<string, Promise<unknown>>();
  readonly #announced = new Map<string, number>();
  readonly #opts: ParleyClientOptions;
  #interval: ReturnType<typeof setInterval> | undefined;
  readonly #hubPush: HubPushState = { logPushed: new Set() };
  #pushing: Promise<number> | undefined;
  #pushAgain = false;
  #closed = false;
  #syncing = false;
  readonly #ownsNode: boolean;
  readonly #listings: ListingPublisher | undefined;
  readonly #ice: IceProvider;
  readonly #ladder: ConnectionLadder;
  readonly #profileQueued = new Set<string>();
  readonly #files: FileSharing;
  readonly #status: StatusService;
  readonly #direct: DirectMessages;
  readonly #links: LinkOffers;
  readonly #follower: boolean;

  private constructor(o: ParleyClientOptions, node: ParleyNode, ownsNode: boolean) {
    this.#opts = o;
    this.#identity = o.identity;
    this.store = o.store;
    this.node = node;
    this.#ownsNode = ownsNode;
    this.#follower = o.follower === true;
    this.crypto = this.#follower ? readOnlyCrypto(o.crypto ?? nobleCrypto) : (o.crypto ?? nobleCrypto);
    const tap = o.tap;
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
      // A follower takes direct messages from its leader's 'dm' events (decrypting may answer, which signs).
      onDirect: this.#follower ? undefined : (s, e, box) => this.#direct.received(s, e, box),
      groupWrites: true,
      tap: tap === undefined ? undefined : (bytes, room) => tap({ kind: 'frame', bytes, room }),
    });
    this.#direct = new DirectMessages({
      identity: () => this.#identity,
      crypto: this.crypto,
      random: this.random,
      now: this.now,
      node,
      store: o.store,
      dms: o.directStore ?? new MemoryDirectStore(),
      events: this.#events,
      sessions: () => this.#sessions.values(),
      ingestLocal: async (s, bytes) => {
        await this.ingest.frame(bytes, 'self', { local: true, room: s.id });
      },
      pushToHubs: () => void this.pushToHubs().catch(() => 0),
    });
    this.#files = new FileSharing({
      node,
      files: o.files ?? new MemoryFileStore(),
      store: o.store,
      crypto: this.crypto,
      random: this.random,
      session: (room) => this.#session(room),
      send: (room, channel, content) => this.#sendEnvelope(room, { channel, content }),
      pushToHubs: () => this.pushToHubs(),
    });
    // A message deleted by its author takes its file with it (PROTOCOL 12.3).
    this.#events.on('message', (m) => {
      if (m.op === 'delete') void this.#dropDeletedFile(m.room, m.id).catch(() => undefined);
    });
    this.#ice = new IceProvider({
      node,
      relayOnly: o.relayOnly ?? false,
      baseServers: o.node !== undefined && !('libp2p' in o.node) ? o.node.iceServers : o.iceServers,
      now: this.now,
      policyUrls: () => [...this.#sessions.values()].filter((s) => s.ready).flatMap((s) => s.state.policy().iceServers),
    });
    this.#ladder = new ConnectionLadder({ node, ice: this.#ice, ...o.ladder });
    this.#status = new StatusService({
      node,
      crypto: this.crypto,
      now: this.now,
      events: this.#events,
      identity: () => this.#identity,
      sessions: () => this.#sessions.values(),
      session: (hex) => this.#sessions.get(hex),
      ...o.status,
      // A follower says nothing (the leader speaks for the device).
      ...(this.#follower ? { initial: 'invisible' as const } : {}),
    });
    this.#links = new LinkOffers({
      node,
      identity: () => this.#identity,
      crypto: this.crypto,
      random: this.random,
      now: this.now,
      origin: o.inviteOrigin ?? 'https://parley.chat',
      sessions: () => this.#sessions.values(),
      act: (room, action) => this.act(room, action),
    });
    const dir = this.#follower ? false : (o.directory ?? {});
    const self = this;
    this.#listings =
      dir === false
        ? undefined
        : new ListingPublisher({
            node,
            // A getter: a linked device's identity changes after the client was built.
            get author() {
              return self.author;
            },
            crypto: this.crypto,
            now: this.now,
            random: this.random,
            rooms: () => [...this.#sessions.values()].filter((s) => s.ready).map((s) => ({ id: s.id, state: s.state })),
            difficulty: dir.difficulty,
            ttlMs: dir.ttlMs,
          });
  }

  /** Builds the client (and its node, from options), starts the node and the sync loop. */
  static async create(o: ParleyClientOptions): Promise<ParleyClient> {
    const hooks = o.hooks ?? new ClientHooks();
    let node: ParleyNode;
    let owns = false;
    if (o.node !== undefined && 'libp2p' in o.node) {
      node = o.node;
      owns = o.closeNode === true;
    } else {
      const opts = (o.node ?? {}) as ParleyNodeOptions;
      node = await createParleyNode({ ...opts, ...hooks.nodeOptions(opts) });
      owns = true;
    }
    const client = new ParleyClient(o, node, owns);
    hooks.bind(client);
    await client.#start();
    return client;
  }

  /** This device's keys and the account's current signed profile (replaced by `setProfile`). */
  get identity(): Identity {
    return this.#identity;
  }

  /**
   * Changes the display name and avatar colour: a new signed PROFILE (a higher version) replaces the
   * identity's and is published into every open room. Returns the new identity (to store it).
   */
  setProfile(p: { displayName: string; color: number }): Identity {
    this.#identity = withProfile(this.#identity, p, this.now(), this.crypto);
    for (const s of this.#sessions.values()) if (s.ready) this.#ensureProfile(s);
    return this.#identity;
  }

  /** The WebRTC configuration a new peer connection gets now (ICE servers, TURN credentials, relay-only). */
  rtcConfiguration(): RTCConfiguration {
    return this.#ice.configuration();
  }

  /** What the WebRTC transport gets for each new peer connection (a fallback-ladder rung narrows it). */
  connectionConfiguration(): RTCConfiguration {
    return this.#ice.forConnection();
  }

  /** The path of every open connection: direct WebRTC, TURN relay, circuit relay via a hub, WebSocket to a hub. */
  connectionPaths(): Promise<PeerPath[]> {
    return connectionPaths(this.node.libp2p.getConnections());
  }

  /** The fallback ladder's state for each peer met through a relay (rung reached, attempts and their times). */
  ladder(): LadderState[] {
    return this.#ladder.states();
  }

  /** How many times TURN credentials were asked for again after a failed TURN connection. */
  get turnRefreshes(): number {
    return this.#ice.refreshes;
  }

  /** Whether new WebRTC connections use TURN relays only. */
  get relayOnly(): boolean {
    return this.#ice.relayOnly;
  }

  /** Relay-only mode for connections made from now on (existing connections are kept). */
  setRelayOnly(on: boolean): void {
    this.#ice.setRelayOnly(on);
  }

  /** Hubs this device holds TURN credentials from. */
  turnHubs(): string[] {
    return this.#ice.turnHubs();
  }

  on<K extends keyof ClientEvents>(name: K, fn: Listener<ClientEvents[K]>): () => void {
    return this.#events.on(name, fn);
  }

  async #start(): Promise<void> {
    await this.node.start();
    if (this.#follower) return;
    this.node.libp2p.addEventListener('peer:connect', (e) => {
      const peer = e.detail.toString();
      this.#events.emit('connection', { peer, connected: true });
      this.#schedule(300, async () => {
        for (const s of this.#sessions.values()) await this.#catchUp(s, peer);
        this.#reannounce();
      });
    });
    this.node.libp2p.addEventListener('peer:disconnect', (e) => this.#events.emit('connection', { peer: e.detail.toString(), connected: false }));
    this.#ice.start();
    this.#ladder.start();
    this.#interval = setInterval(() => void this.#tick(), this.#opts.syncIntervalMs ?? 15_000);
    const dir = this.#opts.directory;
    this.#listings?.start(dir === false ? undefined : dir?.intervalMs);
  }

  /** Stops the loop and (if the client created it) the node. The store stays open: it is the caller's. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#status.stop();
    this.#closed = true;
    await this.#links.stop();
    this.#listings?.stop();
    this.#ice.stop();
    this.#ladder.stop();
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
    const signal = this.#signalOutcome(topic, bytes);
    if (signal !== undefined) return typeof signal === 'string' ? signal : 'reject';
    const t = parseTopic(topic);
    if (this.#closed || t === undefined) return 'ignore';
    return this.ingest.frame(bytes, from, { room: t.room });
  }

  /** The verdict as the node's gossip validator takes it: a reject carries its protocol error code (penalty weight). */
  async gossipOutcome(topic: string, bytes: Uint8Array, from: string): Promise<GossipOutcome> {
    const signal = this.#signalOutcome(topic, bytes);
    if (signal !== undefined) return signal;
    if (this.#closed || parseTopic(topic) === undefined) return 'ignore';
    let code: string | undefined;
    const v = await this.ingest.frame(bytes, from, {
      room: parseTopic(topic)?.room,
      onReject: (c) => {
        code = c;
      },
    });
    return v === 'reject' && code !== undefined ? { verdict: 'reject', code } : v;
  }

  /** The outcome of an ephemeral signal (typing, status) on its topic; undefined for any other topic. */
  #signalOutcome(topic: string, bytes: Uint8Array): GossipOutcome | undefined {
    const typing = parseTypingTopic(topic);
    if (typing !== undefined) return this.#typingOutcome(typing, bytes);
    const status = parseStatusTopic(topic);
    if (status === undefined) return undefined;
    const v = this.#status.outcome(status, bytes);
    if (v === 'accept') this.#opts.tap?.({ kind: 'signal', topic, bytes });
    return v;
  }

  /**
   * A follower client takes in what its leading tab handed it: a frame goes through the verifying
   * ingest (not written again: the leader stored it), a signal through its topic's checks, an event
   * (of RELAYED_EVENTS) is emitted as it is. Resolves with the verdict; a leader refuses ('read-only').
   */
  async mirror(r: Relayed): Promise<Verdict> {
    if (!this.#follower) throw new ClientError('read-only', 'only a follower client mirrors another tab');
    if (this.#closed) return 'ignore';
    if (r.kind === 'frame') return this.ingest.frame(r.bytes, 'leader-tab', { room: r.room, mirror: true });
    if (r.kind === 'signal') {
      const v = this.#signalOutcome(r.topic, r.bytes);
      return v === undefined ? 'ignore' : typeof v === 'string' ? v : 'reject';
    }
    if (!(RELAYED_EVENTS as readonly string[]).includes(r.name)) return 'reject';
    (this.#events.emit as (n: string, e: unknown) => void)(r.name, r.event);
    return 'accept';
  }

  /** Whether this client only follows another tab (follower mode). */
  get follower(): boolean {
    return this.#follower;
  }

  /** A typing signal (PROTOCOL 5.7): emitted as a 'typing' event when valid, never stored. */
  #typingOutcome(room: Uint8Array, bytes: Uint8Array): GossipOutcome {
    if (this.#closed) return 'ignore';
    try {
      const ev = readTyping(bytes, room, this.#sessions.get(toHex(room)), this.#identity.device.sign.publicKey, this.now(), this.crypto);
      if (ev === undefined) return 'ignore';
      this.#events.emit('typing', ev);
      this.#opts.tap?.({ kind: 'signal', topic: typingTopic(room), bytes });
      return 'accept';
    } catch (e) {
      if (isProtocolError(e)) return { verdict: 'reject', code: e.code };
      return 'ignore';
    }
  }

  /**
   * Tells the room's members that this person is typing in `channel` (an ephemeral signed signal on
   * the room's typing topic: never stored, not sent to hubs). Call it at most every TYPING_REPEAT_MS.
   */
  async typing(room: Uint8Array, channel: Uint8Array): Promise<number> {
    const s = this.#session(room);
    const bytes = typingSignal(s, channel, this.#identity, this.now(), this.crypto);
    return this.node.publish(typingTopic(s.id), bytes).catch(() => 0);
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
    const frames = [
      ...(await this.store.authority(room)),
      ...(await this.store.byType(room, 'EPOCH_BUNDLE')),
      ...(await this.store.byType(room, 'KEY_SHARE')),
      ...(await this.store.byType(room, 'PROFILE')),
    ];
    // No key work (or anything else authority changes set off) until the stored bundles and shares
    // are in: run between the stored entries, it found the channels' current epochs without a bundle
    // and sealed competing ones to the readers at each trigger (for epoch 0 the founder alone).
    this.#opening.add(s.hex);
    try {
      for (const f of frames) await this.ingest.frame(f.bytes, 'store', { room });
    } finally {
      this.#opening.delete(s.hex);
    }
    if (!s.ready) throw new ClientError('unknown-room', `room ${toHex(room)} is not in the store`);
    const me = toHex(this.identity.device.sign.publicKey);
    for (const ch of s.state.channels()) {
      const hv = await this.store.haveVector(room, ch.id);
      s.mySeq.set(toHex(ch.id), hv[me] ?? 0);
      const last = await this.store.range(room, ch.id, { limit: 1, order: 'desc' });
      s.lamport.set(toHex(ch.id), last[0]?.lamport ?? 0);
    }
    this.#onAuthority(s);
    if (this.#follower) return;
    this.#announce(s);
    for (const peer of this.#peers()) await this.#catchUp(s, peer);
  }

  #peers(): string[] {
    return this.node.libp2p.getPeers().map((p) => p.toString());
  }

  /** Resolves once any peer is connected (at once if one is), or after `ms`. */
  #firstPeer(ms: number): Promise<void> {
    if (this.#peers().length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.node.libp2p.removeEventListener('peer:connect', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.node.libp2p.addEventListener('peer:connect', done);
    });
  }

  #onAuthority(s: RoomSession): void {
    if (!s.ready || this.#closed || this.#opening.has(s.hex)) return;
    if (this.#follower) {
      // Which inboxes are this account's (ingest reads them); no topics, profile, status or key work.
      this.#direct.follow(s);
      return;
    }
    if (!s.topics.has('authority')) {
      s.topics.add('authority');
      this.node.joinRoom(s.id);
    }
    if (!s.topics.has('typing')) {
      s.topics.add('typing');
      this.node.gossip.join(typingTopic(s.id));
    }
    if (!s.topics.has('status')) {
      s.topics.add('status');
      this.node.gossip.join(statusTopic(s.id));
      this.#status.joined(s);
    }
    for (const ch of s.state.channels()) {
      const hex = toHex(ch.id);
      if (s.topics.has(hex)) continue;
      s.topics.add(hex);
      this.node.joinChannel(s.id, ch.id);
    }
    this.#direct.follow(s);
    this.#ensureProfile(s);
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

  /** Publishes this account's profile into the room once it is a member there (and again when it is newer). */
  #ensureProfile(s: RoomSession): void {
    const me = this.identity.account.publicKey;
    const mine = s.profiles.get(toHex(me));
    if (this.#profileQueued.has(s.hex)) return;
    if (mine !== undefined && mine.body.version >= this.identity.profile.body.version) return;
    if (!s.state.members().some((m) => toHex(m.account) === toHex(me))) return;
    this.#profileQueued.add(s.hex);
    this.#schedule(0, async () => {
      try {
        await this.#publishLocal(s, this.identity.profile.bytes, undefined);
      } finally {
        this.#profileQueued.delete(s.hex);
      }
    });
  }

  /** A member's display name and avatar colour in `room`, as its signed profile says; undefined until one arrives. */
  profile(room: Uint8Array, account: Uint8Array): { displayName: string; color: number } | undefined {
    const p = this.#sessions.get(toHex(room))?.profiles.get(toHex(account));
    return p === undefined ? undefined : { displayName: p.body.displayName, color: p.body.color };
  }

  /** Ingests an object authored here (durably, through the outbox), then publishes it. */
  async #publishLocal(s: RoomSession, bytes: Uint8Array, channel: Uint8Array | undefined): Promise<void> {
    if (this.#follower) throw readOnlyError();
    await this.ingest.frame(bytes, 'self', { local: true, room: s.id });
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

  /**
   * Lists the room in the public directory with these settings (tags as people type them are
   * normalised, e.g. `Gaming / FPS` -> `gaming/fps`), or takes it out (`undefined`). Needs MANAGE_ROOM.
   * Listings are then published by every online member.
   */
  async setDiscovery(room: Uint8Array, settings: DiscoverySettings | undefined): Promise<Uint8Array> {
    const norm = settings === undefined ? undefined : { ...settings, tags: [...new Set(settings.tags.map((t) => normalizeTag(t)))].sort() };
    const id = await this.act(room, { kind: 'set_discovery', settings: norm });
    void this.publishListings();
    return id;
  }

  /** Publishes the listings that are due now (the publisher also runs on its own interval). */
  async publishListings(): Promise<PublishedListing[]> {
    return this.#listings === undefined ? [] : this.#listings.tick();
  }

  async createChannel(room: Uint8Array, name: string, o: { topic?: string; kind?: 'text' | 'voice' } = {}): Promise<Uint8Array> {
    const channel = this.random(16);
    await this.act(room, { kind: 'create_channel', channel, name, channelKind: o.kind ?? 'text', topic: o.topic ?? '' });
    return channel;
  }

  /** Renames a channel (EDIT_CHANNEL; needs MANAGE_CHANNELS). */
  renameChannel(room: Uint8Array, channel: Uint8Array, name: string): Promise<Uint8Array> {
    return this.act(room, { kind: 'edit_channel', channel, name });
  }

  /**
   * Leaves a room: authors LEAVE (members rotate the channel keys), offers it to the pinned hubs,
   * then stops following the room here (its topics, its announcements, its session). The room's
   * creator cannot leave (the protocol refuses it). The stored objects stay until the store is cleared.
   */
  async leave(room: Uint8Array, o: { pushTimeoutMs?: number } = {}): Promise<void> {
    const s = this.#session(room);
    await this.act(room, { kind: 'leave' });
    await Promise.race([this.pushToHubs().catch(() => 0), sleep(o.pushTimeoutMs ?? 3_000)]);
    this.#forget(s);
    await this.node.stopAnnouncing(s.id).catch(() => undefined);
  }

  /** Drops a room's session here: its topics left, no longer listed or announced. */
  #forget(s: RoomSession): void {
    if (this.#sessions.get(s.hex) === s) this.#sessions.delete(s.hex);
    if (s.topics.has('status')) this.#status.left(s);
    for (const t of s.topics) this.node.gossip.leave(this.#topicName(s, t));
    s.topics.clear();
    this.#announced.delete(s.hex);
  }

  #topicName(s: RoomSession, t: string): string {
    if (t === 'authority') return authorityTopic(s.id);
    if (t === 'typing') return typingTopic(s.id);
    if (t === 'status') return statusTopic(s.id);
    return channelTopic(s.id, fromHex(t));
  }

  /** What this device tells the rooms' members: 'online', 'idle' or 'invisible'. */
  get status(): OwnStatus {
    return this.#status.own;
  }

  /** Changes this device's status in every room at once (PROTOCOL 5.8); going invisible says 'offline' once. */
  setStatus(status: OwnStatus): void {
    // A follower says nothing about this device (its leading tab does).
    if (this.#follower) throw readOnlyError();
    this.#status.set(status);
  }

  /**
   * Who else is here: the room's members whose devices said 'online' or 'idle' within the last 75 s
   * (account hex -> status). Everyone else is offline. This device itself is not counted.
   */
  memberStatuses(room: Uint8Array): Map<string, MemberStatus> {
    return this.#status.of(this.#session(room).hex);
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

  /** The voice frame key of `channel` at `epoch` (PROTOCOL 11.3), if this device holds that epoch's key. */
  voiceKey(room: Uint8Array, channel: Uint8Array, epoch: number): Uint8Array | undefined {
    const k = this.#sessions.get(toHex(room))?.keyring.sendingKey(channel, epoch);
    return k === undefined ? undefined : deriveVoiceKey(k.key, room, channel, epoch);
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

  /**
   * Catches a room up with one peer. Catch-ups of the same room from the same peer take turns (a
   * join's and the one a new connection starts would otherwise fetch and check the same history
   * twice side by side); the later one then finds little left to fetch.
   */
  #catchUp(s: RoomSession, peer: string, o: { authorityOnly?: boolean } = {}): Promise<number> {
    const key = `${s.hex}/${peer}`;
    const before = this.#catchUps.get(key) ?? Promise.resolve();
    const run = before
      .catch(() => undefined)
      .then(async () => {
        const r = await catchUp(this.node, this.store, this.ingest, s, peer, (p) => this.#events.emit('progress', { room: s.id, peer, ...p }), o);
        if (r.served) this.#events.emit('sync', { room: s.id, peer, frames: r.frames });
        return r.frames;
      });
    this.#catchUps.set(key, run);
    const forget = () => {
      if (this.#catchUps.get(key) === run) this.#catchUps.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  /** Catches up every open room with every connected peer now, one after another (the timer starts them side by side: #catchUpIdle). */
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
    } catch {
      // the next tick retries
    } finally {
      this.#syncing = false;
    }
    this.#catchUpIdle();
  }

  /**
   * The periodic catch-ups: one per open room and connected peer, each on its own, skipping a pair
   * whose catch-up is still running. A peer that answers slowly or never (each request then waits
   * the sync timeout, 30 s, and a catch-up asks once per channel) so delays neither the catch-ups
   * with the other peers, a hub's among them, nor the next tick's.
   */
  #catchUpIdle(): void {
    if (this.#closed) return;
    for (const s of [...this.#sessions.values()]) {
      if (!s.ready) continue;
      for (const peer of this.#peers()) if (!this.#catchUps.has(`${s.hex}/${peer}`)) void this.#catchUp(s, peer).catch(() => 0);
    }
  }

  /** Re-publishes due outbox entries; acknowledgement comes from peers' have-vectors and authority lists. */
  // ---- joining ----

  /**
   * Joins a room from an invite URL: verifies the invite, finds peers (the invite's addresses and the
   * DHT), syncs the authority log, authors the JOIN; keys arrive as KEY_SHAREs from members.
   */
  async join(inviteUrl: string, o: { timeoutMs?: number; onStep?: (step: JoinStep) => void } = {}): Promise<JoinResult> {
    const joined = await joinRoom(this, inviteUrl, o.timeoutMs ?? 60_000, {
      newSession: (room) => this.#newSession(room),
      abandon: (s) => this.#forget(s),
      catchUp: (s, peer, o) => this.#catchUp(s, peer, o),
      peers: () => this.#peers(),
      onJoined: (s) => {
        this.#onAuthority(s);
        this.#announce(s);
      },
      sleep,
      closed: () => this.#closed,
      firstPeer: (ms) => this.#firstPeer(ms),
      onStep: o.onStep,
    });
    // In the background: the join is done, the room shows; its texts open as the keys come in.
    const s = this.#sessions.get(toHex(joined.room));
    const account = this.identity.account.publicKey;
    if (s !== undefined)
      void chaseKeys(s, { account, peers: joined.syncedFrom, catchUp: (x, peer) => this.#catchUp(x, peer), sleep, closed: () => this.#closed });
    return joined;
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

  // ---- direct messages (PROTOCOL 13; see direct/direct-messages.ts) ----

  /** Sends an end-to-end encrypted direct message to `account` (a member of a room open here); resolves once it is in the outbox. */
  sendDm(account: Uint8Array, text: string): Promise<DirectMessage> {
    return this.#direct.send(account, text);
  }

  /** The conversation with `account` as this device holds it, oldest first. */
  dmHistory(account: Uint8Array): Promise<DirectMessage[]> {
    return this.#direct.history(account);
  }

  /** The room a direct message to `account` would travel through, or undefined when no open room has you both. */
  dmRoom(account: Uint8Array): Uint8Array | undefined {
    return this.#direct.roomFor(account)?.id;
  }

  /** Accounts (hex) with a direct conversation on this device. */
  dmConversations(): Promise<string[]> {
    return this.#direct.conversations();
  }

  // ---- devices (PROTOCOL 2.1; see link/) ----

  /** A one-time code that links another device to this account (needs the account key; NoAccountKeyError otherwise). */
  offerDeviceLink(o?: OfferOptions): Promise<LinkOffer> {
    return this.#links.offer(o);
  }

  /**
   * Makes this fresh device (no room open) a device of the account that offered `code`: certified by
   * the offering device, which adds it to every room; the rooms are then opened here. LinkError on a
   * wrong, used, expired or unreachable code (nothing is linked then).
   */
  async linkDevice(code: string, o: LinkDeviceOptions = {}): Promise<LinkResult> {
    if (this.rooms().length > 0) throw new LinkError('device-in-use', 'this device already has rooms open; link a fresh device');
    const g = await requestLink({ node: this.node, identity: this.#identity, crypto: this.crypto, now: this.now }, code, o);
    this.#identity = g.identity;
    return openGrantedRooms(g, this.#opts.inviteOrigin ?? 'https://parley.chat', (url) => this.join(url, { timeoutMs: o.timeoutMs }));
  }

  /** This account's devices as the open rooms know them (label, created, this one, revoked). */
  devices(): AccountDevice[] {
    return accountDevices(this.#sessions.values(), this.#identity, this.crypto);
  }

  /** Revokes one of this account's other devices in every open room (REVOKE_DEVICE; members rotate the keys). Returns the rooms. */
  async revokeDevice(device: Uint8Array): Promise<Uint8Array[]> {
    const me = this.#identity.account.publicKey;
    if (toHex(device) === toHex(this.#identity.device.sign.publicKey))
      throw new ClientError('cannot-revoke', 'a device cannot revoke itself; revoke it from another device');
    const rooms = roomsWithDevice(this.#sessions.values(), me, device);
    for (const s of rooms) await this.act(s.id, { kind: 'revoke_device', device, cutoffs: await deviceCutoffs(this.store, s, me, device) });
    return rooms.map((s) => s.id);
  }

  // ---- files ----

  /**
   * Shares a file in a channel: encrypts it chunk by chunk under the channel's key, keeps the chunks
   * here (served to peers), sends the message carrying its reference and uploads the chunks to the
   * room's pinned hubs. Resolves with the message id once the message is in the outbox.
   */
  async sendFile(room: Uint8Array, channel: Uint8Array, data: Uint8Array | Blob, o: SendFileOptions): Promise<Uint8Array> {
    return (await this.#files.send(room, channel, data, o)).message;
  }

  /** Fetches a message's file from every connected peer and hub that has it, verified chunk by chunk; cancel with `signal`. */
  fetchFile(room: Uint8Array, message: Uint8Array, o?: FetchFileOptions): Promise<Uint8Array> {
    return this.#files.fetch(room, message, o);
  }

  /** As fetchFile, handing each verified chunk's plaintext to `sink` instead of one array (see PlainSink). */
  fetchFileTo(room: Uint8Array, message: Uint8Array, sink: PlainSink, o?: FetchFileOptions): Promise<void> {
    return this.#files.fetchTo(room, message, sink, o);
  }

  /** A message's file reference (name, type, size, preview), read from the message alone. */
  fileInfo(room: Uint8Array, message: Uint8Array) {
    return this.#files.reference(room, message);
  }

  /** Uploads the files held here to the room's connected pinned hubs (also done after each send). */
  uploadFiles(room: Uint8Array): Promise<number> {
    return this.#files.uploadToHubs(room);
  }

  async #dropDeletedFile(room: Uint8Array, deleteId: Uint8Array): Promise<void> {
    const del = await this.store.get(deleteId, room);
    if (del?.type !== 'ENVELOPE') return;
    const body = decodeUnverified(envelopeCodec, del.bytes, this.crypto).signed.body;
    if (body.target === undefined) return;
    const target = await this.store.get(body.target, room);
    // Only the author's own delete counts (PROTOCOL 5.5).
    if (target?.account === undefined || toHex(target.account) !== toHex(body.account)) return;
    await this.#files.onDeleted(body.target);
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

  /** A moderator's DELETE_MESSAGE entry for a stored message, with an optional one-line reason (shown on its tombstone). */
  async deleteMessage(room: Uint8Array, channel: Uint8Array, message: Uint8Array, o: { reason?: string } = {}): Promise<Uint8Array> {
    const obj = await this.store.get(message, room);
    if (obj?.account === undefined) throw new ClientError('unknown-channel', `message ${toHex(message)} is not in the store`);
    const reason = o.reason?.trim();
    return this.act(room, { kind: 'delete_message', channel, message, author: obj.account, reason: reason === '' ? undefined : reason });
  }

  /** Pins or unpins a message. */
  pin(room: Uint8Array, channel: Uint8Array, message: Uint8Array, pinned = true): Promise<Uint8Array> {
    return this.act(room, { kind: 'pin', channel, message, pinned });
  }

  // ---- room administration (authority entries; see room-admin.ts) ----

  /** Defines (or redefines) a custom role from capabilities; needs MANAGE_ROLES and a rank above the role's. */
  defineRole(room: Uint8Array, role: RoleInput): Promise<Uint8Array> {
    return this.act(room, defineRoleAction(role));
  }

  /** Renames a channel or changes its topic (MANAGE_CHANNELS). */
  editChannel(room: Uint8Array, channel: Uint8Array, o: { name?: string; topic?: string }): Promise<Uint8Array> {
    return this.act(room, { kind: 'edit_channel', channel, name: o.name, topic: o.topic });
  }

  deleteChannel(room: Uint8Array, channel: Uint8Array): Promise<Uint8Array> {
    return this.act(room, { kind: 'delete_channel', channel });
  }

  /**
   * Makes `channel` private to roles and accounts (`read`/`send` role ids, `accounts` listed by key), or
   * open to every member again (`undefined`). The channel moves to a new epoch sealed only to the
   * devices that may read; members who lose SEND are cut off at what this device holds of theirs.
   */
  async setChannelAcl(room: Uint8Array, channel: Uint8Array, acl: ChannelAcl | undefined): Promise<Uint8Array> {
    const s = this.#session(room);
    return this.act(room, await channelAclAction(this.store, s, channel, acl));
  }

  /** Open (anyone with the room id), invite-only, or an approval queue (a moderator grants `member`). MANAGE_ROOM. */
  setJoinMode(room: Uint8Array, join: JoinMode): Promise<Uint8Array> {
    return this.act(room, policyAction(this.#session(room), { join }));
  }

  /** The room's durability policy, or one channel's (then MANAGE_CHANNELS instead of MANAGE_ROOM). */
  setDurability(room: Uint8Array, durability: Durability, channel?: Uint8Array): Promise<Uint8Array> {
    if (channel !== undefined) return this.act(room, { kind: 'edit_channel', channel, durability });
    return this.act(room, policyAction(this.#session(room), { durability }));
  }

  /** Several of the room's policy settings in one SET_POLICY entry (the rest unchanged). MANAGE_ROOM. */
  setPolicy(room: Uint8Array, patch: { join?: JoinMode; durability?: Durability; historyVisible?: boolean }): Promise<Uint8Array> {
    return this.act(room, policyAction(this.#session(room), patch));
  }

  /** The largest file and the media types members may share here (PROTOCOL 12.5); undefined lifts the room's own rules. MANAGE_ROOM. */
  setFileRules(room: Uint8Array, files: FileRules | undefined): Promise<Uint8Array> {
    const rules = files === undefined || (files.maxBytes === undefined && files.types === undefined) ? undefined : files;
    return this.act(room, policyAction(this.#session(room), { files: rules }));
  }

  /** Whether members who join later receive the keys of earlier epochs (and so can read history). MANAGE_ROOM. */
  setHistoryVisible(room: Uint8Array, historyVisible: boolean): Promise<Uint8Array> {
    return this.act(room, policyAction(this.#session(room), { historyVisible }));
  }

  /** Pins (or unpins) a hub by peer id: members push the room to it; it stores ciphertext. MANAGE_ROOM. */
  pinHub(room: Uint8Array, hub: string, pinned = true): Promise<Uint8Array> {
    return this.act(room, pinHubAction(this.#session(room), hub, pinned));
  }

  unpinHub(room: Uint8Array, hub: string): Promise<Uint8Array> {
    return this.pinHub(room, hub, false);
  }

  /** Revokes an invite (its URL, or its token's nonce and issuing account from `invites`): later JOINs with it are invalid everywhere. */
  async revokeInvite(room: Uint8Array, invite: string | { nonce: Uint8Array; issuer: Uint8Array }): Promise<Uint8Array> {
    return this.act(room, revokeInviteAction(this.#session(room), invite, this.crypto));
  }

  /**
   * The room's invites this device can know of: the URLs in `made` (those it created, which the caller
   * keeps) and every token a valid JOIN used, with uses, expiry and revocation as the log has them.
   */
  invites(room: Uint8Array, made: readonly string[] = []): InviteInfo[] {
    return roomInvites(this.#session(room).state, this.crypto, made, this.now());
  }

  /** Every authority entry in order: signer, capability used, target, time, status, signature and chain checks. */
  auditLog(room: Uint8Array): AuditEntry[] {
    return auditLog(this.#session(room).state, this.crypto);
  }

  // ---- invites ----

  /** An invite URL for `room`: a signed token (uses, expiry) and the addresses a joiner dials first. */
  createInvite(room: Uint8Array, o: InviteOptions = {}): string {
    const s = this.#session(room);
    return inviteUrl(
      this.identity,
      s.id,
      s.state.heads(),
      this.node.multiaddrs(),
      this.#opts.inviteOrigin ?? 'https://parley.chat',
      o,
      this.random,
      this.crypto,
    );
  }

  async history(room: Uint8Array, channel: Uint8Array, o: HistoryOptions = {}): Promise<HistoryMessage[]> {
    return readHistory(this.store, this.#session(room), channel, this.crypto, o);
  }
}
