/**
 * Direct messages (PROTOCOL 13): a message to an account is a direct envelope in that account's
 * inbox channel of a room both are members of, encrypted by a ratchet session to each of its
 * certified, unrevoked devices, plus a copy in this account's own inbox for its other devices. Both
 * go through the ingest path and the outbox like any envelope, so gossip, hubs and catch-up carry
 * them. Sessions and the decrypted conversation are kept in the DirectStore; everything that
 * touches a session runs one at a time, and a session is saved before an envelope made with it leaves.
 */
import { channelTopic, type ParleyNode } from '@parley/net';
import {
  type CryptoPort,
  createDirectEnvelope,
  type DeviceInfo,
  type DirectBox,
  type DirectContent,
  directEntryFor,
  type Envelope,
  equals,
  inboxChannel,
  initiateSession,
  LIMITS,
  LimitError,
  openDirectEnvelope,
  type RandomSource,
  type RatchetState,
  type Signed,
  toHex,
  utf8,
} from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import { ClientError } from '../errors.ts';
import type { ClientEvents, Emitter } from '../events.ts';
import type { Identity } from '../identity.ts';
import type { RoomSession } from '../room-session.ts';
import type { DirectMessage, DirectStore } from './direct-store.ts';
import { loadSessions, saveSessions, sendingSession, withSession } from './session-book.ts';

export interface DirectDeps {
  readonly identity: () => Identity;
  readonly crypto: CryptoPort;
  readonly random: RandomSource;
  readonly now: () => number;
  readonly node: ParleyNode;
  readonly store: ObjectStore;
  readonly dms: DirectStore;
  readonly events: Emitter<ClientEvents>;
  readonly sessions: () => Iterable<RoomSession>;
  /** Ingests an object authored here through the durable outbox (throws on a rule violation). */
  readonly ingestLocal: (s: RoomSession, bytes: Uint8Array) => Promise<void>;
  readonly pushToHubs: () => void;
}

const byTime = (a: DirectMessage, b: DirectMessage): number => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class DirectMessages {
  readonly #d: DirectDeps;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: DirectDeps) {
    this.#d = deps;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Follows this account's inbox in a ready room: its topic, and catch-up fetches it. */
  follow(s: RoomSession): void {
    const inbox = inboxChannel(s.id, this.#d.identity().account.publicKey, this.#d.crypto);
    const hex = toHex(inbox);
    s.inboxes.set(hex, { id: inbox, fetch: true });
    if (s.topics.has(hex)) return;
    s.topics.add(hex);
    this.#d.node.joinChannel(s.id, inbox);
  }

  /** The room a message to `account` would go through: the lowest-id open room where both are members. */
  roomFor(account: Uint8Array): RoomSession | undefined {
    const me = this.#d.identity().account.publicKey;
    const shared = [...this.#d.sessions()].filter((s) => {
      if (!s.ready) return false;
      const members = s.state.members();
      return members.some((m) => equals(m.account, account)) && members.some((m) => equals(m.account, me));
    });
    return shared.sort((a, b) => (a.hex < b.hex ? -1 : 1))[0];
  }

  /** Sends `text` to `account`; resolves with the message once its envelopes are in the outbox. */
  send(account: Uint8Array, text: string): Promise<DirectMessage> {
    const n = utf8(text).length;
    if (n > LIMITS.maxDirectTextBytes) return Promise.reject(new LimitError('dm.text', LIMITS.maxDirectTextBytes, n));
    const me = this.#d.identity();
    if (equals(account, me.account.publicKey)) return Promise.reject(new ClientError('not-member', 'a direct message goes to another account'));
    const s = this.roomFor(account);
    if (s === undefined) return Promise.reject(new ClientError('no-shared-room', `no open room has both accounts as members (${toHex(account)})`));
    return this.#serial(async () => {
      const live = (acc: Uint8Array): DeviceInfo[] =>
        (s.state.members().find((m) => equals(m.account, acc))?.devices ?? []).filter((d) => !d.revoked && !equals(d.device, me.device.sign.publicKey));
      const theirs = live(account);
      if (theirs.length === 0) throw new ClientError('not-member', 'the account has no certified device in the shared room');
      const content: DirectContent = { text, to: account, sentAt: this.#d.now() };
      const sent = await this.#author(s, account, theirs, content);
      const mine = live(me.account.publicKey);
      if (mine.length > 0) await this.#author(s, me.account.publicKey, mine, content);
      this.#d.pushToHubs();
      return sent;
    });
  }

  async #author(s: RoomSession, inboxOf: Uint8Array, devices: readonly DeviceInfo[], content: DirectContent): Promise<DirectMessage> {
    const { crypto, dms } = this.#d;
    const me = this.#d.identity();
    const myDevice = me.device.sign.publicKey;
    const own = equals(inboxOf, me.account.publicKey);
    const inbox = inboxChannel(s.id, inboxOf, crypto);
    const hex = toHex(inbox);
    if (!s.inboxes.has(hex)) s.inboxes.set(hex, { id: inbox, fetch: own });
    if (!s.mySeq.has(hex)) s.mySeq.set(hex, (await this.#d.store.haveVector(s.id, inbox))[toHex(myDevice)] ?? 0);
    const books = await Promise.all(devices.map((d) => loadSessions(dms, toHex(d.device), crypto)));
    const targets = devices.map((d, i) => ({
      device: d.device,
      state:
        sendingSession(books[i] ?? []) ?? initiateSession({ self: myDevice, box: me.device.box, peer: d.device, peerBox: d.boxKey }, this.#d.random, crypto),
    }));
    const seq = (s.mySeq.get(hex) ?? 0) + 1;
    s.mySeq.set(hex, seq);
    const lamport = (s.lamport.get(hex) ?? 0) + 1;
    s.lamport.set(hex, lamport);
    const { envelope, states } = createDirectEnvelope(
      { account: me.account.publicKey, room: s.id, inboxOf, seq, lamport, heads: s.state.heads(), content },
      targets,
      me.device.sign,
      crypto,
    );
    // The advanced sessions are saved before the envelope leaves: no chain key is ever used twice.
    for (const [i, d] of devices.entries()) await saveSessions(dms, toHex(d.device), withSession(books[i] ?? [], states[i] as RatchetState));
    const msg: DirectMessage = {
      id: toHex(envelope.id),
      room: s.id,
      with: content.to,
      from: me.account.publicKey,
      text: content.text,
      sentAt: content.sentAt,
      outgoing: true,
    };
    if (!own) await dms.addMessage(toHex(content.to), msg);
    await this.#d.ingestLocal(s, envelope.bytes);
    await this.#d.node.publish(channelTopic(s.id, inbox), envelope.bytes).catch(() => 0);
    return msg;
  }

  /**
   * A valid direct envelope from elsewhere (ingest calls this after storing it): decrypted when it
   * holds an entry for this device, added to its conversation and emitted as 'dm'.
   */
  received(s: RoomSession, env: Signed<Envelope>, box: DirectBox): Promise<void> {
    const me = this.#d.identity();
    if (directEntryFor(box, me.device.sign.publicKey) === undefined) return Promise.resolve();
    const senderBox = s.state.deviceInfo(env.body.device)?.boxKey;
    if (senderBox === undefined) return Promise.resolve();
    return this.#serial(async () => {
      const { crypto, dms } = this.#d;
      const peerHex = toHex(env.body.device);
      const book = await loadSessions(dms, peerHex, crypto);
      let opened: ReturnType<typeof openDirectEnvelope>;
      try {
        opened = openDirectEnvelope(env.body, box, { device: me.device.sign.publicKey, box: me.device.box }, book, senderBox, this.#d.random, crypto);
      } catch (e) {
        this.#d.events.emit('reject', {
          room: s.id,
          type: 'ENVELOPE',
          id: toHex(env.id),
          code: (e as { code?: string }).code ?? 'ERR_DECRYPT',
          message: String(e),
        });
        return;
      }
      const outgoing = equals(env.body.account, me.account.publicKey);
      const msg: DirectMessage = {
        id: toHex(env.id),
        room: s.id,
        with: outgoing ? opened.content.to : env.body.account,
        from: env.body.account,
        text: opened.content.text,
        sentAt: opened.content.sentAt,
        outgoing,
      };
      // The message first, then the session: a stop in between leaves a key unused, never a message lost.
      const added = await dms.addMessage(toHex(msg.with), msg);
      await saveSessions(dms, peerHex, withSession(book, opened.state));
      if (added) this.#d.events.emit('dm', msg);
    });
  }

  /** The conversation with `account`, oldest first (by the authors' clocks, then id). */
  async history(account: Uint8Array): Promise<DirectMessage[]> {
    await this.#queue;
    return (await this.#d.dms.messages(toHex(account))).sort(byTime);
  }

  /** Accounts (hex) this device has a conversation with. */
  conversations(): Promise<string[]> {
    return this.#d.dms.conversations();
  }
}
