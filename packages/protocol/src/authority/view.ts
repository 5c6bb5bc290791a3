/**
 * The read side of a replayed authority log, as envelopes, key bundles and the UI need it. "At
 * position p" means: the state after applying the valid entries at positions 0..p of the total order.
 * Positions are stable for a given set of entries; adding entries may shift them, so callers keep
 * entry ids, not positions, across replays.
 */
import type { RoleDef } from './capabilities.ts';
import type { DiscoverySettings } from './discovery-settings.ts';

/** Stream of an object for sequence numbers and cut-offs: the authority log or one channel. */
export type StreamId = Uint8Array; // empty = the authority stream; 16 bytes = a channel id

export type JoinMode = 'open' | 'invite' | 'approval';
export type Durability = 'strict' | 'replicated' | 'guaranteed';

export interface RoomPolicy {
  readonly join: JoinMode;
  readonly durability: Durability;
  /** Peer ids (strings) of hubs pinned to this room. */
  readonly hubs: readonly string[];
  /** Whether new members receive keys for history from before they joined. */
  readonly historyVisible: boolean;
  /** TURN/STUN URLs the room advertises. */
  readonly iceServers: readonly string[];
  /** What files members may share here; absent: any type, up to the protocol's LIMITS.maxFileBytes. */
  readonly files?: FileRules | undefined;
}

/** A room's file rules (PROTOCOL 4.1 `f`, 12.5). */
export interface FileRules {
  /** Largest file in bytes (1..LIMITS.maxFileBytes); absent: LIMITS.maxFileBytes. */
  readonly maxBytes?: number | undefined;
  /** Media types allowed, `type/subtype` or `type/*`, lower case, sorted; absent: every type. */
  readonly types?: readonly string[] | undefined;
}

export interface ChannelAcl {
  readonly read: readonly string[];
  readonly send: readonly string[];
  readonly accounts: readonly Uint8Array[];
}

export interface ChannelInfo {
  readonly id: Uint8Array;
  readonly name: string;
  readonly kind: 'text' | 'voice';
  readonly topic: string;
  /** Undefined: public to every member. */
  readonly acl: ChannelAcl | undefined;
  readonly durability: Durability | undefined;
}

export interface MemberInfo {
  readonly account: Uint8Array;
  readonly roles: readonly string[];
  readonly muted: boolean;
  readonly pending: boolean;
  readonly devices: readonly DeviceInfo[];
}

export interface DeviceInfo {
  readonly device: Uint8Array;
  readonly account: Uint8Array;
  readonly boxKey: Uint8Array;
  readonly revoked: boolean;
}

export interface CutoffHit {
  /** The BAN / KICK / REVOKE / MUTE / ACL / REVOKE_DEVICE entry whose cut-off the object is above. */
  readonly entryId: Uint8Array;
  readonly kind: string;
  readonly cutoff: number;
}

export interface ModeratorDeletion {
  readonly message: Uint8Array;
  readonly author: Uint8Array;
  readonly by: Uint8Array;
  readonly entryId: Uint8Array;
  /** 'delete' for DELETE_MESSAGE, 'purge' for a BAN with purge. */
  readonly reason: 'delete' | 'purge';
}

export interface AuthorityView {
  readonly roomId: Uint8Array;
  readonly creator: Uint8Array;
  /** Number of valid entries (positions are 0..length-1). */
  readonly length: number;
  positionOf(entryId: Uint8Array): number | undefined;
  lamportOf(entryId: Uint8Array): number | undefined;
  /** Current heads: valid entries no other valid entry names as previous. Sorted by id. */
  heads(): Uint8Array[];
  deviceInfo(device: Uint8Array): DeviceInfo | undefined;
  /** Whether `account` holds capability `cap` (in `channel`, for READ/SEND) at position `pos`. */
  can(account: Uint8Array, cap: number, channel: Uint8Array | undefined, pos: number): boolean;
  rankOf(account: Uint8Array, pos: number): number;
  /** A cut-off that an object by `device` in `stream` with `seq`, causally at `pos`, is above. */
  cutoffViolation(device: Uint8Array, stream: StreamId, seq: number, pos: number): CutoffHit | undefined;
  channelAt(channel: Uint8Array, pos: number): ChannelInfo | undefined;
  /** The channel's key epoch at `pos` (0 from creation; +1 per rotation trigger). */
  epochAt(channel: Uint8Array, pos: number): number;
  /** The entry that started `epoch` of `channel` (its CREATE_CHANNEL for epoch 0). */
  epochTrigger(channel: Uint8Array, epoch: number): { entryId: Uint8Array; position: number } | undefined;
  /**
   * The channel's epoch as an author who had seen exactly `heads` and their ancestors counts it: the
   * channel's epoch triggers among them, minus one. It differs from `epochAt` (which counts by total
   * order) only when a concurrent entry, not an ancestor, started an epoch (PROTOCOL 6.1).
   */
  causalEpoch(channel: Uint8Array, heads: readonly Uint8Array[]): number;
  /** Every non-revoked device of every account that may READ `channel` at `pos`, sorted by device key. */
  readersAt(channel: Uint8Array, pos: number): DeviceInfo[];
  policy(): RoomPolicy;
  /** The room's directory settings (SET_DISCOVERY); undefined: not listed. */
  discovery(): DiscoverySettings | undefined;
  roles(): RoleDef[];
  members(): MemberInfo[];
  banned(): Uint8Array[];
  channels(): ChannelInfo[];
  /** DELETE_MESSAGE entries for `channel` (reason 'delete'). */
  moderatorDeletions(channel: Uint8Array): ModeratorDeletion[];
  /**
   * BANs with purge: every message by `account` in the room whose authority position is before the
   * ban is shown as removed (the history view turns these into ModeratorDeletions with reason 'purge').
   */
  purges(): { account: Uint8Array; by: Uint8Array; entryId: Uint8Array; position: number }[];
  pins(channel: Uint8Array): Uint8Array[];
}
