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
  decodeUnverified,
  decryptEnvelope,
  type Envelope,
  type EpochBundle,
  entryCodec,
  envelopeCodec,
  epochBundleCodec,
  isProtocolError,
  type KeyShare,
  keyShareCodec,
  open,
  parseFrame,
  type SignatureCheck,
  SignatureError,
  type Signed,
  toHex,
  UnknownReferenceError,
  validateEnvelope,
  validateEpochBundle,
  validateKeyShare,
} from '@parley/protocol';
import { type ObjectStore, storedFromSigned } from '@parley/store';
import type { ClientEvents, Emitter } from './events.ts';
import { channelDurability, pinnedHubs } from './hub-push.ts';
import type { Identity } from './identity.ts';
import { HOLD_LIMIT, type RoomSession } from './room-session.ts';

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
}

export interface IngestOptions {
  /** Authored here: stored through the durable outbox, and a rule violation throws instead of returning 'reject'. */
  readonly local?: boolean;
}

export class Ingest {
  readonly #d: IngestDeps;
  /** Frames rejected, by error code (tests and diagnostics). */
  readonly rejections = new Map<string, number>();

  constructor(deps: IngestDeps) {
    this.#d = deps;
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
      return 'reject';
    }
  }

  async #store(s: Signed<unknown>, o: IngestOptions, targets?: readonly string[]): Promise<void> {
    const obj = storedFromSigned(s, this.#d.now());
    if (o.local === true) await this.#d.store.enqueue(obj, targets);
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
    for (const v of fresh) await this.#store(v, toHex(v.id) === id ? o : {});
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
    try {
      validateEnvelope(e, s.state);
    } catch (err) {
      if (err instanceof UnknownReferenceError) return this.#hold(s, id, bytes, from);
      throw err;
    }
    s.known.add(id);
    if (o.local !== true && (await this.#d.store.has([e.id], s.id))[0] === true) return 'accept';
    const mine = toHex(e.body.device) === toHex(this.#d.identity.device.sign.publicKey);
    s.noteEnvelope(e, mine);
    // In a `guaranteed` channel only a pinned hub's acknowledgement completes the outbox entry.
    const hubs = pinnedHubs(s);
    await this.#store(e, o, o.local === true && hubs.length > 0 && channelDurability(s, e.body.channel) === 'guaranteed' ? hubs : undefined);
    this.#d.events.emit('message', {
      room: s.id,
      channel: e.body.channel,
      id: e.id,
      author: e.body.account,
      local: o.local === true,
      text: this.#text(s, e),
      op: e.body.op,
    });
    return 'accept';
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

  /** Re-ingests held frames after the authority log advanced. */
  async retryHeld(s: RoomSession): Promise<void> {
    const held = [...s.held.entries()];
    s.held.clear();
    for (const [, h] of held) await this.frame(h.bytes, h.from);
  }
}
