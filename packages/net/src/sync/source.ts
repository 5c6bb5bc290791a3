/**
 * What a sync server serves from: an interface so that the store package (or a hub's Postgres)
 * backs it, and tests use a map. Frames are returned as stored, already verified when they were
 * stored; the requesting client verifies them again (every client verifies everything).
 */
import type { HaveVector } from '@parley/protocol';
import type { PutRefusal } from './messages.ts';

export type FrameSource = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
type MaybePromise<T> = T | Promise<T>;

export interface SyncSource {
  /** Every authority entry frame of `room`, in any order; undefined if this peer does not serve the room. */
  authority(room: Uint8Array): MaybePromise<FrameSource | undefined>;
  /** The have-vector of one channel; undefined if this peer does not serve the room. */
  have(room: Uint8Array, channel: Uint8Array): MaybePromise<HaveVector | undefined>;
  /** Envelope frames of `device` in `channel` with fromSeq <= seq <= toSeq (those held; gaps allowed). */
  range(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): MaybePromise<FrameSource | undefined>;
}

export type PutOutcome =
  | { readonly stored: readonly Uint8Array[]; readonly refused: readonly { readonly id: Uint8Array; readonly reason: PutRefusal }[] }
  | { readonly error: 'not-served' | 'rate' | 'quota' | 'busy' };

/**
 * Where a peer that stores for others (a hub) takes PUT frames. It verifies and authorizes every
 * frame itself (net only checks shapes and sizes) and resolves only after what it reports as
 * stored is durable (its transaction committed): STORED is written after the promise resolves.
 */
export interface SyncSink {
  put(peer: string, room: Uint8Array, frames: readonly Uint8Array[]): Promise<PutOutcome>;
}
