/**
 * The one ingest path: every frame from gossip, sync or this device goes decode -> verify signature
 * (through a verifier pool when given, else inline) -> authorize against the replayed room -> store
 * -> emit. Objects that name authority entries not known yet are held and retried when the log
 * advances; rule violations are rejected with the protocol's typed error.
 */
import {
  type AuthorityEntry,
  type BodyCodec,
  type CryptoPort,
  type DirectBox,
  decodeUnverified,
  decryptEnvelope,
  type Envelope,
  type EpochBundle,
  entryCodec,
  envelopeCodec,
  epochBundleCodec,
  equals,
  isProtocolError,
  type KeyShare,
  keyShareCodec,
  latestProfile,
  open,
  type Profile,
  parseFrame,
  profileCodec,
  type SignatureCheck,
  SignatureError,
  type Signed,
  toHex,
  UnauthorizedError,
  UnknownReferenceError,
  VOICE_LIMITS,
  type VoiceSignal,
  validateDirectEnvelope,
  validateEnvelope,
  validateEpochBundle,
  validateKeyShare,
  validateVoiceSignal,
  voiceSignalCodec,
} from '@parley/protocol';
import { type ObjectStore, storedFromSigned } from '@parley/store';
import type { ClientEvents, Emitter } from './events.ts';
import { channelDurability, pinnedHubs } from './hub-push.ts';
import type { Identity } from './identity.ts';
import { signedBeforeRemoval } from './removed-at.ts';
import { HOLD_LIMIT, type RoomSession } from './room-session.ts';
import { WriteBatch } from './write-batch.ts';

/** Signature checks off the event loop, e.g. `@parley/verify`'s VerifyPool. */
export interface Verifier {
  verify(check: SignatureCheck): Promise<boolean>;
}

export type Verdict = 'accept' | 'reject' | 'ignore';

export interface IngestDeps {
  readonly crypto: CryptoPort;
  readonly verifier: Verifier | undefined;
  readonly store: ObjectStore;
  readonly identity: Identity;
  readonly now: () => number;
  readonly events: Emitter<ClientEvents>;
  readonly session: (room: Uint8Array) => RoomSession | undefined;
  /** Called after the room's authority log gained valid entries (keys, topics, shares). */
  readonly onAuthority: (s: RoomSession) => void;
  /** A valid direct envelope (PROTOCOL 13) from elsewhere, after it is stored: the client decrypts it. */
  readonly onDirect?: (s: RoomSession, e: Signed<Envelope>, box: DirectBox) => Promise<void>;
  /**
   * Write-behind envelopes go to the store in group commits (WriteBatch: one `has` and one `put` per
   * batch instead of a transaction each). For stores where a transaction is dear and nothing groups
   * writes already (IndexedDB); a hub's store groups its own. Default false.
   */
  readonly groupWrites?: boolean;
  /**
   * Told of every frame that was not rejected (accepted, or held/ignored: held ones may be accepted
   * later), with the room it came for: a browser tab that leads hands them to the tabs that follow it.
   */
  readonly tap?: (bytes: Uint8Array, room: Uint8Array | undefined) => void;
}

export interface IngestOptions {
  /** Authored here: stored through the durable outbox, and a rule violation throws instead of returning 'reject'. */
  readonly local?: boolean;
  /** The room a frame arrived for (its topic, sync request or PUT): types that name no room (PROFILE) need it. */
  readonly room?: Uint8Array;
  /** Told the protocol error code of a 'reject' (the network weighs a peer's penalty by it). */
  readonly onReject?: (code: string) => void;
  /**
   * Write-behind for a received envelope (a hub's gossip): the verdict comes as soon as it is valid, so
   * the network forwards it without waiting for the database, and the store's write is handed here (to
   * be awaited before shutdown). Its 'message' event fires once the store says the row is new. Not for
   * anything whose acknowledgement promises durability (PUT, guaranteed sends). With `groupWrites`,
   * authority entries, bundles and shares received this way go behind too (a catch-up's log).
   */
  readonly storeBehind?: (write: Promise<void>) => void;
  /**
   * The frame is already in the store: a browser tab leading this device stored it and handed it to
   * this (follower) tab. It is verified and replayed as any frame, but neither written again nor
   * skipped because the store holds it (that would drop its 'message' event here).
   */
  readonly mirror?: boolean;
}

export class Ingest {
  readonly #d: IngestDeps;
  /** Frames rejected, by error code (tests and diagnostics). */
  readonly rejections = new Map<string, number>();

  readonly #behind: WriteBatch | undefined;

  constructor(deps: IngestDeps) {
    this.#d = deps;
    this.#behind = deps.groupWrites === true ? new WriteBatch(deps.store) : undefined;
  }

  async #open<T>(codec: BodyCodec<T>, bytes: Uint8Array): Promise<Signed<T>> {
    const v = this.#d.verifier;
    if (v === undefined) return open(codec, bytes, this.#d.crypto);
    const { signed, check } = decodeUnverified(codec, bytes, this.#d.crypto);
    if (!(await v.verify(check))) throw new SignatureError('frame.sig');
    return signed;
  }

  /** Ingests one frame; never throws for bad input (the verdict says what happened). */
  async frame(bytes: Uint8Array, from: string, o: IngestOptions = {}): Promise<Verdict> {
    const tap = this.#d.tap;
    if (tap === undefined) return this.#frame(bytes, from, o);
    // A write-behind frame is handed on once its writes are done, so the other tab finds it in the store.
    const writes: Promise<void>[] = [];
    const behind = o.storeBehind;
    const keep = (w: Promise<void>): void => {
      writes.push(w);
      behind?.(w);
    };
    const v = await this.#frame(bytes, from, behind === undefined ? o : { ...o, storeBehind: keep });
    if (v === 'reject') return v;
    if (writes.length === 0) tap(bytes, o.room);
    else void Promise.allSettled(writes).then(() => tap(bytes, o.room));
    return v;
  }

  async #frame(bytes: Uint8Array, from: string, o: IngestOptions): Promise<Verdict> {
    let room: Uint8Array | undefined;
    let type = 'unknown';
    try {
      type = parseFrame(bytes).type;
      switch (type) {
        case 'AUTHORITY_ENTRY': {
          const e = await this.#open(entryCodec, bytes);
          room = e.body.room;
          return await this.#entry(e, bytes, from, o);
        }
        case 'ENVELOPE': {
          const e = await this.#open(envelopeCodec, bytes);
          room = e.body.room;
          return await this.#envelope(e, bytes, from, o);
        }
        case 'EPOCH_BUNDLE': {
          const b = await this.#open(epochBundleCodec, bytes);
          room = b.body.room;
          return await this.#bundle(b, bytes, from, o);
        }
        case 'KEY_SHARE': {
          const s = await this.#open(keyShareCodec, bytes);
          room = s.body.room;
          return await this.#share(s, bytes, from, o);
        }
        case 'PROFILE': {
          if (o.room === undefined) return 'ignore';
          room = o.room;
          return await this.#profile(await this.#open(profileCodec, bytes), o.room, o);
        }
        case 'VOICE_SIGNAL': {
          const v = await this.#open(voiceSignalCodec, bytes);
          room = v.body.room;
          return this.#voice(v, o);
        }
        default:
          return 'ignore';
      }
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      this.rejections.set(e.code, (this.rejections.get(e.code) ?? 0) + 1);
      let id: string | undefined;
      try {
        id = toHex(this.#d.crypto.sha256(bytes));
      } catch {
        id = undefined;
      }
      this.#d.events.emit('reject', { room, type, id, code: e.code, message: e.message });
      if (o.local === true) throw e;
      o.onReject?.(e.code);
      return 'reject';
    }
  }

  async #store(s: Signed<unknown>, o: IngestOptions, targets?: readonly string[]): Promise<void> {
    if (o.mirror === true) return;
    const obj = storedFromSigned(s, this.#d.now());
    if (o.local === true) await this.#d.store.enqueue(obj, targets);
    // Received in bulk (catch-up): the write joins the next group commit, handed to the caller to await.
    else if (o.storeBehind !== undefined && this.#behind !== undefined) o.storeBehind(this.#behind.add(toHex(obj.room), obj).then(() => undefined));
    else await this.#d.store.put([obj]);
  }

  #hold(s: RoomSession, id: string, bytes: Uint8Array, from: string): Verdict {
    if (s.held.size < HOLD_LIMIT) s.held.set(id, { bytes, from });
    return 'ignore';
  }

  async #entry(e: Signed<AuthorityEntry>, _bytes: Uint8Array, _from: string, o: IngestOptions): Promise<Verdict> {
    const s = this.#d.session(e.body.room);
    if (s === undefined) return 'ignore';
    const id = toHex(e.id);
    if (s.known.has(id)) return 'accept';
    if (s.hasEntry(id)) return 'ignore'; // waiting for its previous entries
    const before = s.state.validEntries().length;
    const state = s.addEntry(e);
    const bad = state.rejected.find((r) => toHex(r.id) === id);
    if (bad !== undefined) {
      s.removeEntry(id);
      throw bad.error;
    }
    if (state.pending.some((r) => toHex(r.id) === id)) return 'ignore';
    // This entry may have completed others that were waiting: store every valid entry not stored yet.
    const fresh = state.validEntries().filter((v) => !s.known.has(toHex(v.id)));
    for (const v of fresh) s.known.add(toHex(v.id));
    for (const v of fresh) await this.#store(v, toHex(v.id) === id ? o : { storeBehind: o.storeBehind, mirror: o.mirror });
    if (state.validEntries().length !== before) {
      this.#d.events.emit('state', { room: s.id, entries: state.validEntries().length });
      this.#d.onAuthority(s);
      await this.retryHeld(s);
    }
    return 'accept';
  }

  async #envelope(e: Signed<Envelope>, bytes: Uint8Array, from: string, o: IngestOptions): Promise<Verdict> {
    const s = this.#d.session(e.body.room);
    if (s === undefined) return 'ignore';
    const id = toHex(e.id);
    if (s.known.has(id)) return 'accept';
    if (e.body.peer !== undefined) return this.#direct(s, e, bytes, from, o);
    try {
      validateEnvelope(e, s.state);
    } catch (err) {
      if (err instanceof UnknownReferenceError) return this.#hold(s, id, bytes, from);
      throw err;
    }
    s.known.add(id);
    const mine = toHex(e.body.device) === toHex(this.#d.identity.device.sign.publicKey);
    if (o.storeBehind !== undefined && o.local !== true) {
      // No `has` round trip first: put adds only rows it does not hold, and its count says whether this is news.
      s.noteEnvelope(e, mine);
      const obj = storedFromSigned(e, this.#d.now());
      const isNew = this.#behind === undefined ? this.#d.store.put([obj]).then((added) => added > 0) : this.#behind.add(s.hex, obj);
      const write = isNew.then((fresh) => {
        if (fresh) this.#emitMessage(s, e, false);
      });
      o.storeBehind(write);
      return 'accept';
    }
    if (o.local !== true && o.mirror !== true && (await this.#d.store.has([e.id], s.id))[0] === true) return 'accept';
    s.noteEnvelope(e, mine);
    // In a `guaranteed` channel only a pinned hub's acknowledgement completes the outbox entry.
    const hubs = pinnedHubs(s);
    await this.#store(e, o, o.local === true && hubs.length > 0 && channelDurability(s, e.body.channel) === 'guaranteed' ? hubs : undefined);
    this.#emitMessage(s, e, o.local === true);
    return 'accept';
  }

  /** A direct envelope: judged by its own rules (PROTOCOL 13.4), stored like any envelope, then handed to onDirect. */
  async #direct(s: RoomSession, e: Signed<Envelope>, bytes: Uint8Array, from: string, o: IngestOptions): Promise<Verdict> {
    const id = toHex(e.id);
    let box: DirectBox;
    try {
      box = validateDirectEnvelope(e, s.state, this.#d.crypto).box;
    } catch (err) {
      if (err instanceof UnknownReferenceError) return this.#hold(s, id, bytes, from);
      throw err;
    }
    s.known.add(id);
    const mine = toHex(e.body.device) === toHex(this.#d.identity.device.sign.publicKey);
    if (o.local !== true && o.mirror !== true && (await this.#d.store.has([e.id], s.id))[0] === true) return 'accept';
    s.noteEnvelope(e, mine);
    const hubs = pinnedHubs(s);
    await this.#store(
      e,
      { ...o, storeBehind: undefined },
      o.local === true && hubs.length > 0 && channelDurability(s, e.body.channel) === 'guaranteed' ? hubs : undefined,
    );
    if (o.local !== true) await this.#d.onDirect?.(s, e, box);
    return 'accept';
  }

  #emitMessage(s: RoomSession, e: Signed<Envelope>, local: boolean): void {
    this.#d.events.emit('message', {
      room: s.id,
      channel: e.body.channel,
      id: e.id,
      author: e.body.account,
      local,
      text: this.#text(s, e),
      op: e.body.op,
    });
  }

  #text(s: RoomSession, e: Signed<Envelope>): string | undefined {
    const key = s.keyring.get(e.body.channel, e.body.epoch, e.body.keyId);
    if (key === undefined) return undefined;
    try {
      return decryptEnvelope(e.body, key, this.#d.crypto).text;
    } catch {
      return undefined;
    }
  }

  async #bundle(b: Signed<EpochBundle>, bytes: Uint8Array, from: string, o: IngestOptions): Promise<Verdict> {
    const s = this.#d.session(b.body.room);
    if (s === undefined) return 'ignore';
    const id = toHex(b.id);
    if (s.known.has(id)) return 'accept';
    try {
      validateEpochBundle(b, s.state);
    } catch (err) {
      if (err instanceof UnknownReferenceError) return this.#hold(s, id, bytes, from);
      throw err;
    }
    s.known.add(id);
    s.noteBundle(b, this.#d.identity);
    await this.#store(b, o);
    this.#d.onAuthority(s);
    return 'accept';
  }

  async #share(k: Signed<KeyShare>, bytes: Uint8Array, from: string, o: IngestOptions): Promise<Verdict> {
    const s = this.#d.session(k.body.room);
    if (s === undefined) return 'ignore';
    const id = toHex(k.id);
    if (s.known.has(id)) return 'accept';
    try {
      validateKeyShare(k, s.state);
    } catch (err) {
      if (err instanceof UnknownReferenceError) return this.#hold(s, id, bytes, from);
      throw err;
    }
    s.known.add(id);
    s.noteShare(k, this.#d.identity);
    await this.#store(k, o);
    return 'accept';
  }

  /**
   * A member's display name and colour, kept per room (the same signed PROFILE is published into
   * every room its account is in): its signer is the account or a certified, unrevoked device of
   * it, its account a member of the room; the highest version wins (latestProfile). A profile of
   * someone not (yet) a member, or signed by a device not (yet) in the log, is ignored, not
   * rejected: its JOIN may still be on its way. A device of another account is rejected.
   */
  async #profile(p: Signed<Profile>, room: Uint8Array, o: IngestOptions): Promise<Verdict> {
    const s = this.#d.session(room);
    if (s === undefined || !s.ready) return 'ignore';
    const st = s.state;
    if (!equals(p.body.signer, p.body.account)) {
      const d = st.deviceInfo(p.body.signer);
      // An unknown device may be certified by an entry still on its way (a JOIN): not a fault.
      if (d === undefined) return 'ignore';
      if (d.revoked || !equals(d.account, p.body.account))
        throw new UnauthorizedError('profile.signer', 'signer is not a certified, unrevoked device of the account');
    }
    if (!st.members().some((m) => equals(m.account, p.body.account))) return 'ignore';
    const id = toHex(p.id);
    if (s.known.has(id)) return 'accept';
    const account = toHex(p.body.account);
    const held = s.profiles.get(account);
    if (held !== undefined && !equals(latestProfile(held, p).id, p.id)) return 'ignore';
    s.known.add(id);
    s.profiles.set(account, p);
    const obj = storedFromSigned(p, this.#d.now(), room);
    if (o.local === true) await this.#d.store.enqueue(obj);
    else if (o.mirror !== true) await this.#d.store.put([obj]);
    this.#d.events.emit('profile', { room: s.id, account: p.body.account, displayName: p.body.displayName, color: p.body.color });
    return 'accept';
  }

  /**
   * A voice signal (PROTOCOL 11.1) is checked and handed on, never stored. One from a device or an
   * account the log does not know yet (a JOIN on its way, or a stranger) is dropped without penalty;
   * a banned member's, a revoked device's, or one for a text channel is rejected.
   */
  #voice(v: Signed<VoiceSignal>, o: IngestOptions): Verdict {
    const b = v.body;
    const now = this.#d.now();
    if (Math.abs(b.time - now) > VOICE_LIMITS.maxSkewMs) return 'ignore';
    if (o.room !== undefined && !equals(o.room, b.room)) throw new UnauthorizedError('VOICE_SIGNAL.r', 'not the room of the topic');
    const s = this.#d.session(b.room);
    if (s === undefined || !s.ready) return 'ignore';
    const st = s.state;
    if (!equals(b.device, b.account) && st.deviceInfo(b.device) === undefined) return 'ignore';
    const member = st.members().some((m) => equals(m.account, b.account));
    const known = member || st.banned().some((x) => equals(x, b.account));
    if (!known) return 'ignore';
    // Signed before its sender was banned (or its device revoked), and validated here only after we
    // learned of it: whoever relayed it did so when it was valid, so it is dropped without blaming
    // the relay. (Seen: 50 such signals, queued behind the ban, rejected at once made a member
    // block its only relay and fall out of the call.) One signed after is rejected.
    if ((!member || st.deviceInfo(b.device)?.revoked === true) && signedBeforeRemoval(st, b.account, b.time, b.device)) return 'ignore';
    validateVoiceSignal(v, st);
    if (o.local !== true) this.#d.events.emit('voice', { room: b.room, channel: b.channel, signal: b, id: toHex(v.id) });
    return 'accept';
  }

  /** Re-ingests held frames after the authority log advanced. */
  async retryHeld(s: RoomSession): Promise<void> {
    const held = [...s.held.entries()];
    s.held.clear();
    for (const [, h] of held) await this.frame(h.bytes, h.from);
  }
}
