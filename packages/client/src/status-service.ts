/**
 * This device's side of member status (PROTOCOL 5.8): it announces its own status in every open
 * room (on joining the topic, then every STATUS_REPEAT_MS, and 'offline' when it leaves or closes),
 * answers a newcomer's first signal with its own so the newcomer sees who is here within a second,
 * and keeps the book of what others said, emitting a 'status' event when a member's status changes.
 */
import { type GossipOutcome, type ParleyNode, statusTopic } from '@parley/net';
import { type CryptoPort, isProtocolError, type MemberStatus, STATUS_REPEAT_MS, STATUS_TTL_MS, toHex } from '@parley/protocol';
import type { ClientEvents, Emitter } from './events.ts';
import type { Identity } from './identity.ts';
import { type OwnStatus, readStatus, StatusBook, statusSignal } from './member-status.ts';
import type { RoomSession } from './room-session.ts';

export interface StatusServiceOptions {
  readonly node: ParleyNode;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  readonly events: Emitter<ClientEvents>;
  readonly identity: () => Identity;
  readonly sessions: () => Iterable<RoomSession>;
  readonly session: (roomHex: string) => RoomSession | undefined;
  readonly initial?: OwnStatus;
  readonly repeatMs?: number;
  readonly ttlMs?: number;
}

/** A newcomer is answered at most this often per room, after a random delay up to ANSWER_JITTER_MS. */
const ANSWER_EVERY_MS = 5_000;
const ANSWER_JITTER_MS = 800;
/** A room just joined announces at once and again after these delays (the topic's mesh forms meanwhile). */
const JOIN_ANNOUNCES_MS = [1_000, 5_000];

export class StatusService {
  readonly #o: StatusServiceOptions;
  readonly #book: StatusBook;
  #own: OwnStatus;
  readonly #answered = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #interval: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(o: StatusServiceOptions) {
    this.#o = o;
    this.#own = o.initial ?? 'online';
    this.#book = new StatusBook(o.ttlMs ?? STATUS_TTL_MS);
    this.#interval = setInterval(() => {
      for (const s of o.sessions()) if (s.ready) this.#announce(s);
    }, o.repeatMs ?? STATUS_REPEAT_MS);
  }

  get own(): OwnStatus {
    return this.#own;
  }

  /** Changes what this device tells others; going invisible says 'offline' once, then nothing. */
  set(status: OwnStatus): void {
    if (status === this.#own) return;
    const wasVisible = this.#own !== 'invisible';
    this.#own = status;
    for (const s of this.#o.sessions()) if (s.ready) this.#announce(s, status === 'invisible' && wasVisible ? 'offline' : undefined);
  }

  /** The room's status topic was just joined: announce now, and again while the mesh forms. */
  joined(s: RoomSession): void {
    this.#announce(s);
    for (const ms of JOIN_ANNOUNCES_MS) this.#later(ms, () => this.#announce(s));
  }

  /** This device leaves the room: says 'offline' there and forgets who was present. */
  left(s: RoomSession): void {
    if (this.#own !== 'invisible') this.#publish(s, 'offline');
    this.#book.forget(s.hex);
  }

  /** Members of the room online or idle now (account hex -> status), counting other devices only. */
  of(roomHex: string): Map<string, MemberStatus> {
    return this.#book.of(roomHex, this.#o.now());
  }

  /** A signal from the room's status topic: the gossip verdict, and a 'status' event when a member's status changed. */
  outcome(room: Uint8Array, bytes: Uint8Array): GossipOutcome {
    if (this.#stopped) return 'ignore';
    const hex = toHex(room);
    const s = this.#o.session(hex);
    try {
      const r = readStatus(bytes, room, s, this.#o.identity().device.sign.publicKey, this.#o.now(), this.#o.crypto);
      if (r === undefined || s === undefined) return 'ignore';
      const account = toHex(r.account);
      // Another device of this same account is not news to this person, but it is to the book.
      const { before, after, newcomer } = this.#book.record(hex, account, toHex(r.device), r.status, this.#o.now());
      if (before !== after) this.#o.events.emit('status', { room: s.id, account: r.account, status: after });
      if (newcomer) this.#answer(s);
      return 'accept';
    } catch (e) {
      if (isProtocolError(e)) return { verdict: 'reject', code: e.code };
      return 'ignore';
    }
  }

  /** Says 'offline' everywhere (bounded by `ms`) and stops. */
  async stop(ms = 300): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#interval !== undefined) clearInterval(this.#interval);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#own === 'invisible') return;
    const sends = [...this.#o.sessions()].filter((s) => s.ready).map((s) => this.#publish(s, 'offline'));
    await Promise.race([Promise.allSettled(sends), new Promise((r) => setTimeout(r, ms))]);
  }

  #answer(s: RoomSession): void {
    const last = this.#answered.get(s.hex) ?? 0;
    if (this.#own === 'invisible' || this.#o.now() - last < ANSWER_EVERY_MS) return;
    this.#answered.set(s.hex, this.#o.now());
    this.#later(Math.floor(Math.random() * ANSWER_JITTER_MS), () => this.#announce(s));
  }

  #announce(s: RoomSession, status?: MemberStatus): void {
    if (this.#stopped || !s.ready) return;
    const say = status ?? (this.#own === 'invisible' ? undefined : this.#own);
    if (say !== undefined) void this.#publish(s, say);
  }

  #publish(s: RoomSession, status: MemberStatus): Promise<number> {
    const bytes = statusSignal(s.id, status, this.#o.identity(), this.#o.now(), this.#o.crypto);
    return this.#o.node.publish(statusTopic(s.id), bytes).catch(() => 0);
  }

  #later(ms: number, fn: () => void): void {
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }
}
