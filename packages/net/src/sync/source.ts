/**
 * What a sync server serves from: an interface so that the store package (or a hub's Postgres)
 * backs it, and tests use a map. Frames are returned as stored, already verified when they were
 * stored; the requesting client verifies them again (every client verifies everything).
 */
import type { HaveVector } from '@parley/protocol';

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
