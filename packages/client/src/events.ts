/** The client's events and a small typed emitter (no node:events, so the SDK runs in a browser). */
import type { HistoryMessage, MemberStatus, VoiceSignal } from '@parley/protocol';
import type { DirectMessage } from './direct/direct-store.ts';

export interface MessageEvent {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  /** Envelope id. */
  readonly id: Uint8Array;
  readonly author: Uint8Array;
  /** True when this device authored it. */
  readonly local: boolean;
  /** Decrypted text when a key is held (undefined for edits/reactions without text or without a key). */
  readonly text: string | undefined;
  readonly op: string | undefined;
}

export interface StateEvent {
  readonly room: Uint8Array;
  /** Number of valid authority entries. */
  readonly entries: number;
}

export interface SyncEvent {
  readonly room: Uint8Array;
  readonly peer: string;
  /** Frames received in this pass (authority + channel ranges). */
  readonly frames: number;
}

/** History arriving from a peer: messages fetched so far of those it has and this device lacked (a bar while catching up). */
export interface ProgressEvent {
  readonly room: Uint8Array;
  readonly peer: string;
  readonly done: number;
  readonly total: number;
}

export interface ConnectionEvent {
  readonly peer: string;
  readonly connected: boolean;
}

export interface RejectEvent {
  readonly room: Uint8Array | undefined;
  readonly type: string;
  /** Hex id of the rejected object, when it decoded far enough to have one. */
  readonly id: string | undefined;
  readonly code: string;
  readonly message: string;
}

/** A pinned hub acknowledged (durably stored) one of this device's objects. */
export interface AckEvent {
  readonly room: Uint8Array;
  readonly id: Uint8Array;
  /** The hub's peer id. */
  readonly by: string;
}

/** A member's display name or colour in a room changed (or became known). */
export interface ProfileEvent {
  readonly room: Uint8Array;
  readonly account: Uint8Array;
  readonly displayName: string;
  readonly color: number;
}

/** A member is typing in a channel (an ephemeral signal, PROTOCOL 5.7): show it for TYPING_TTL_MS or until their next message. */
export interface TypingEvent {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly account: Uint8Array;
}

/** A member's status changed in a room: their devices' STATUS signals taken together (PROTOCOL 5.8). */
export interface StatusEvent {
  readonly room: Uint8Array;
  readonly account: Uint8Array;
  readonly status: MemberStatus;
}

/** A valid voice signal from another device (PROTOCOL 11.1). */
export interface VoiceEvent {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly signal: VoiceSignal;
  readonly id: string;
}

export interface ClientEvents {
  /** A direct message to or from this account, decrypted on this device (PROTOCOL 13). */
  dm: DirectMessage;
  voice: VoiceEvent;
  profile: ProfileEvent;
  typing: TypingEvent;
  status: StatusEvent;
  acked: AckEvent;
  message: MessageEvent;
  state: StateEvent;
  sync: SyncEvent;
  progress: ProgressEvent;
  connection: ConnectionEvent;
  reject: RejectEvent;
}

export type Listener<T> = (event: T) => void;

export class Emitter<E extends object> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>();

  on<K extends keyof E>(name: K, fn: Listener<E[K]>): () => void {
    let s = this.#listeners.get(name);
    if (s === undefined) this.#listeners.set(name, (s = new Set()));
    s.add(fn as Listener<never>);
    return () => s.delete(fn as Listener<never>);
  }

  emit<K extends keyof E>(name: K, event: E[K]): void {
    for (const fn of this.#listeners.get(name) ?? []) {
      try {
        (fn as Listener<E[K]>)(event);
      } catch {
        // A listener's failure is its own; it must not break ingest.
      }
    }
  }
}

export type { HistoryMessage };
