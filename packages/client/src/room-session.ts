/**
 * What the client keeps in memory for one room: the authority entries and their replay, the epoch
 * keyring, objects held until the authority log advances, and this device's counters per channel.
 * Everything here can be rebuilt from the store (`RoomSession.load`).
 */
import {
  type AuthorityEntry,
  type CryptoPort,
  type Envelope,
  type EpochBundle,
  EpochKeyring,
  type KeyShare,
  openKeyShare,
  type Profile,
  type RoomState,
  replayAuthority,
  type Signed,
  toHex,
} from '@parley/protocol';
import type { Identity } from './identity.ts';

export interface HeldFrame {
  readonly bytes: Uint8Array;
  readonly from: string;
}

/** Objects that name authority heads not known yet are held at most this long, and at most this many per room. */
export const HOLD_LIMIT = 10_000;

export class RoomSession {
  readonly id: Uint8Array;
  readonly hex: string;
  readonly keyring = new EpochKeyring();
  readonly #entries = new Map<string, Signed<AuthorityEntry>>();
  #state: RoomState | undefined;
  /** id hex -> frame, waiting for authority entries. */
  readonly held = new Map<string, HeldFrame>();
  /** Ids (hex) of everything accepted (any type): duplicates are answered at once. */
  readonly known = new Set<string>();
  /** Device hex -> true once a KEY_SHARE to it was seen (from anyone). */
  readonly sharedTo = new Set<string>();
  /** `${device hex}/${channel hex}/${epoch}`: a valid bundle or a KEY_SHARE (from anyone) gave that device a key of that epoch. */
  readonly sharedKeys = new Set<string>();
  /** Channel hex -> highest seq this device used. */
  readonly mySeq = new Map<string, number>();
  /** Channel hex -> highest Lamport seen. */
  readonly lamport = new Map<string, number>();
  readonly bundles: Signed<EpochBundle>[] = [];
  readonly shares: Signed<KeyShare>[] = [];
  readonly topics = new Set<string>();
  /**
   * Inbox channels (hex) of direct messages (PROTOCOL 13.6): this account's own (`fetch`: catch-up
   * fetches it) and those this device sent to (catch-up only asks their have-vectors, to acknowledge).
   */
  readonly inboxes = new Map<string, { readonly id: Uint8Array; readonly fetch: boolean }>();
  /** Account hex -> its winning PROFILE in this room. */
  readonly profiles = new Map<string, Signed<Profile>>();
  readonly #crypto: CryptoPort;

  constructor(id: Uint8Array, crypto: CryptoPort) {
    this.id = id;
    this.hex = toHex(id);
    this.#crypto = crypto;
  }

  get state(): RoomState {
    if (this.#state === undefined) this.#state = replayAuthority([...this.#entries.values()], this.#crypto, this.id);
    return this.#state;
  }

  /** Whether the room has a valid genesis (the authority log was found). */
  get ready(): boolean {
    return this.#entries.size > 0 && this.state.length > 0 && this.state.isValid(0);
  }

  entries(): Signed<AuthorityEntry>[] {
    return [...this.#entries.values()];
  }

  hasEntry(idHex: string): boolean {
    return this.#entries.has(idHex);
  }

  /** Adds an entry and replays; returns the new state. */
  addEntry(e: Signed<AuthorityEntry>): RoomState {
    this.#entries.set(toHex(e.id), e);
    this.#state = undefined;
    return this.state;
  }

  removeEntry(idHex: string): void {
    if (this.#entries.delete(idHex)) this.#state = undefined;
  }

  noteEnvelope(env: Signed<Envelope>, mine: boolean): void {
    const ch = toHex(env.body.channel);
    this.lamport.set(ch, Math.max(this.lamport.get(ch) ?? 0, env.body.lamport));
    if (mine) this.mySeq.set(ch, Math.max(this.mySeq.get(ch) ?? 0, env.body.seq));
  }

  /** Records a valid bundle; keeps its key if it is sealed to this device. */
  noteBundle(b: Signed<EpochBundle>, me: Identity): void {
    this.bundles.push(b);
    this.keyring.ingestBundle(b, me.device.sign.publicKey, me.device.box, this.#crypto);
    for (const r of b.body.recipients) this.sharedKeys.add(`${toHex(r.device)}/${toHex(b.body.channel)}/${b.body.epoch}`);
  }

  /** Records a valid share; keeps its keys if it is for this device. */
  noteShare(s: Signed<KeyShare>, me: Identity): void {
    this.shares.push(s);
    this.sharedTo.add(toHex(s.body.recipient));
    for (const k of s.body.keys) this.sharedKeys.add(`${toHex(s.body.recipient)}/${toHex(k.channel)}/${k.epoch}`);
    if (toHex(s.body.recipient) === toHex(me.device.sign.publicKey)) {
      for (const k of openKeyShare(s.body, me.device.box, this.#crypto)) this.keyring.add(k);
    }
  }
}
