/**
 * A person's own cross-device state: joined rooms, settings, read markers and drafts per channel,
 * local nicknames. It lives in a Yjs document, which suits it because every writer is one of the
 * person's own devices (Yjs trusts its writers; ARCHITECTURE "Where Yjs fits"). The document stays
 * inside: callers see plain values, and other devices see only updates sealed to the account.
 *
 * Merge rules: a room, setting, draft or nickname is last-writer-wins per key. A read marker only
 * moves forward: each device writes its own entry and the marker is the highest, so two devices
 * reading concurrently never move it back.
 */
import type { RandomSource } from '@parley/protocol';
import { fromHex } from '@parley/protocol';
import type { Cursor } from '@parley/store';
import * as Y from 'yjs';
import { defaultRandom, openUpdate, SealedUpdateError, sealUpdate, userStateKey } from './sealed-update.ts';
import {
  accountKey,
  channelKey,
  checkDraft,
  checkJoinedRoom,
  checkMarker,
  checkNickname,
  checkSettingKey,
  checkSettingValue,
  compareMarkers,
  type JoinedRoom,
  type MarkerValue,
  readMarker,
  readRoom,
  readSetting,
  roomKey,
  type SettingValue,
} from './user-state-values.ts';

export interface UserStateOptions {
  /** The account secret (32-byte seed): updates are sealed to a key derived from it. */
  readonly accountSecret: Uint8Array;
  /** Nonces for sealing (default crypto.getRandomValues). */
  readonly random?: RandomSource | undefined;
}

export interface UserStateChange {
  /** True for a change made through this object; false for one applied from another device or loaded from disk. */
  readonly local: boolean;
}

/** The origin of transactions made through the typed API: only these are sealed and sent. */
const LOCAL = Symbol('parley user-state local change');
const REMOTE = Symbol('parley user-state remote update');

const documents = new WeakMap<UserState, Y.Doc>();

export class UserState {
  readonly #doc = new Y.Doc();
  readonly #key: Uint8Array;
  readonly #random: RandomSource;
  readonly #rooms = this.#doc.getMap<unknown>('rooms');
  readonly #settings = this.#doc.getMap<unknown>('settings');
  /** `${room}:${channel}:${writer}` -> MarkerValue; writer = the Yjs client id of the device session. */
  readonly #markers = this.#doc.getMap<unknown>('readMarkers');
  readonly #drafts = this.#doc.getMap<unknown>('drafts');
  readonly #nicknames = this.#doc.getMap<unknown>('nicknames');

  constructor(options: UserStateOptions) {
    this.#key = userStateKey(options?.accountSecret);
    this.#random = options.random ?? defaultRandom;
    documents.set(this, this.#doc);
  }

  #change(fn: () => void): void {
    this.#doc.transact(fn, LOCAL);
  }

  // -- rooms ---------------------------------------------------------------------------------

  /** Joined rooms, oldest joined first. */
  rooms(): JoinedRoom[] {
    const out: [string, JoinedRoom][] = [];
    for (const [k, v] of this.#rooms.entries()) {
      const r = readRoom(k, v);
      if (r !== undefined) out.push([k, r]);
    }
    return out.sort(([ka, a], [kb, b]) => a.joinedAt - b.joinedAt || (ka < kb ? -1 : 1)).map(([, r]) => r);
  }

  room(id: Uint8Array): JoinedRoom | undefined {
    const k = roomKey(id);
    return readRoom(k, this.#rooms.get(k));
  }

  /** Adds a joined room, or replaces its name, hubs and join time. */
  joinRoom(room: JoinedRoom): void {
    const { key, ...value } = checkJoinedRoom(room);
    this.#change(() => this.#rooms.set(key, value));
  }

  /** Forgets a room, with its drafts and read markers. */
  leaveRoom(id: Uint8Array): void {
    const k = roomKey(id);
    this.#change(() => {
      this.#rooms.delete(k);
      for (const m of [this.#drafts, this.#markers]) for (const key of [...m.keys()]) if (key.startsWith(`${k}:`)) m.delete(key);
    });
  }

  // -- settings ------------------------------------------------------------------------------

  setting(key: string): SettingValue | undefined {
    return readSetting(this.#settings.get(checkSettingKey(key)));
  }

  settings(): Record<string, SettingValue> {
    const out: Record<string, SettingValue> = {};
    for (const [k, v] of [...this.#settings.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const s = readSetting(v);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  /** Sets a setting; `undefined` removes it. */
  setSetting(key: string, value: SettingValue | undefined): void {
    const k = checkSettingKey(key);
    const v = value === undefined ? undefined : checkSettingValue(value);
    this.#change(() => (v === undefined ? this.#settings.delete(k) : this.#settings.set(k, v)));
  }

  // -- read markers --------------------------------------------------------------------------

  #marker(prefix: string): MarkerValue | undefined {
    let best: MarkerValue | undefined;
    for (const [k, v] of this.#markers.entries()) {
      if (!k.startsWith(prefix)) continue;
      const m = readMarker(v);
      if (m !== undefined && (best === undefined || compareMarkers(m, best) > 0)) best = m;
    }
    return best;
  }

  /** The last message read in the channel, as a (lamport, id) cursor. */
  readMarker(room: Uint8Array, channel: Uint8Array): Cursor | undefined {
    const m = this.#marker(`${channelKey(room, channel)}:`);
    return m === undefined ? undefined : { lamport: m.lamport, id: fromHex(m.id) };
  }

  /** Marks the channel read up to `cursor`; false (and nothing written) if the marker is already there or beyond. */
  markRead(room: Uint8Array, channel: Uint8Array, cursor: Cursor): boolean {
    const prefix = `${channelKey(room, channel)}:`;
    const value = checkMarker(cursor);
    const current = this.#marker(prefix);
    if (current !== undefined && compareMarkers(value, current) <= 0) return false;
    this.#change(() => {
      // Every entry seen is now behind: drop them, so entries do not pile up across sessions.
      for (const k of [...this.#markers.keys()]) if (k.startsWith(prefix)) this.#markers.delete(k);
      this.#markers.set(`${prefix}${this.#doc.clientID}`, value);
    });
    return true;
  }

  // -- drafts --------------------------------------------------------------------------------

  draft(room: Uint8Array, channel: Uint8Array): string {
    const v = this.#drafts.get(channelKey(room, channel));
    return typeof v === 'string' ? v : '';
  }

  /** Saves the channel's unsent text; '' removes the draft. */
  setDraft(room: Uint8Array, channel: Uint8Array, text: string): void {
    const k = channelKey(room, channel);
    const t = checkDraft(text);
    this.#change(() => (t === '' ? this.#drafts.delete(k) : this.#drafts.set(k, t)));
  }

  // -- nicknames -----------------------------------------------------------------------------

  /** The name this person gave an account locally (shown instead of its profile name). */
  nickname(account: Uint8Array): string | undefined {
    const v = this.#nicknames.get(accountKey(account));
    return typeof v === 'string' ? v : undefined;
  }

  /** Sets a local nickname; `undefined` removes it. */
  setNickname(account: Uint8Array, name: string | undefined): void {
    const k = accountKey(account);
    const n = name === undefined ? undefined : checkNickname(name);
    this.#change(() => (n === undefined ? this.#nicknames.delete(k) : this.#nicknames.set(k, n)));
  }

  // -- changes and sync ----------------------------------------------------------------------

  /** Calls `listener` after every change, local or remote. Returns the unsubscribe function. */
  onChange(listener: (change: UserStateChange) => void): () => void {
    const h = (_u: Uint8Array, origin: unknown) => listener({ local: origin === LOCAL });
    this.#doc.on('update', h);
    return () => this.#doc.off('update', h);
  }

  /**
   * Calls `listener` with every change made through this object, sealed to the account: hand
   * these to the account's other devices, or to a hub to keep. Returns the unsubscribe function.
   */
  onSealedUpdate(listener: (blob: Uint8Array) => void): () => void {
    const h = (update: Uint8Array, origin: unknown) => {
      if (origin === LOCAL) listener(sealUpdate(this.#key, update, this.#random));
    };
    this.#doc.on('update', h);
    return () => this.#doc.off('update', h);
  }

  /** The whole state, sealed: what a new device or a hub needs to catch up. */
  sealedState(): Uint8Array {
    return sealUpdate(this.#key, Y.encodeStateAsUpdate(this.#doc), this.#random);
  }

  /**
   * Applies a blob sealed by any device of the account (an update or a whole state; any order,
   * duplicates welcome). Throws SealedUpdateError, having changed nothing, if it is not intact.
   */
  applySealed(blob: Uint8Array): void {
    const update = openUpdate(this.#key, blob);
    // Yjs applies what it can decode before it fails; check the whole update decodes first.
    try {
      Y.decodeUpdate(update);
    } catch {
      throw new SealedUpdateError('malformed', 'authentic, but not a Yjs update');
    }
    Y.applyUpdate(this.#doc, update, REMOTE);
  }

  /** Stops every listener and frees the document. */
  destroy(): void {
    this.#doc.destroy();
  }
}

/** The document behind a UserState, for persistence in this package only (not exported from the index). */
export const documentOf = (state: UserState): Y.Doc => documents.get(state) as Y.Doc;
