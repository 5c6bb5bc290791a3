/** Mutable scan state shared by the rule modules during one forward scan of the authority log. */
import { hexOf } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { CAP } from './capabilities.ts';
import type { CutoffRow } from './entry.ts';
import type { EpochList } from './epoch-list.ts';
import type { AccountRecord, CutoffScope, MemberRecord, RoomState, RoomStateData } from './room-state.ts';
import { Versioned } from './versioned.ts';
import type { ChannelInfo } from './view.ts';

export interface PendingCutoff {
  readonly entryId: Uint8Array;
  readonly kind: string;
  readonly position: number;
  readonly scope: CutoffScope;
  readonly rows: readonly CutoffRow[];
  /** Every device of this account is covered... */
  readonly account?: Uint8Array | undefined;
  /** ...or just this device. */
  readonly device?: Uint8Array | undefined;
}

// Cut-off scopes without a channel are the same for every record: shared, never copied per entry.
export const SCOPE_ALL: CutoffScope = Object.freeze({ type: 'all' });
export const SCOPE_AUTHORITY: CutoffScope = Object.freeze({ type: 'authority' });
export const SCOPE_CHANNELS: CutoffScope = Object.freeze({ type: 'channels' });

export interface ScanContext {
  readonly data: RoomStateData;
  readonly state: RoomState;
  readonly crypto: CryptoPort;
  readonly inviteUses: Map<string, number>;
  /** token id hex -> accounts that revoked it (issuer, or a MANAGE_ROOM holder recorded as '*'). */
  readonly revokedInvites: Map<string, Set<string>>;
  /** Channel ids ever created: ids are never reused. */
  readonly channelsEver: Set<string>;
  /** Every channel ever created, in creation order, with its register and epoch list (those of `data`). */
  readonly channelSlots: ChannelSlot[];
  readonly cutoffEntries: PendingCutoff[];
  /** Member records made so far, by content (see memberRecord). */
  readonly memberRecords: Map<string, MemberRecord>;
}

export interface ChannelSlot {
  readonly v: Versioned<ChannelInfo | undefined>;
  readonly epochs: EpochList;
}

/** The record of `account`, if its membership or ban ever changed (or it is the creator). */
export const recordOf = (ctx: ScanContext, account: Uint8Array): AccountRecord | undefined => ctx.data.accounts.get(hexOf(account));

// A record is made the first time an account's membership or ban changes (records only grow).
const ensureRecord = (ctx: ScanContext, account: Uint8Array, known: AccountRecord | undefined): AccountRecord => {
  if (known !== undefined) return known;
  const h = hexOf(account);
  let rec = ctx.data.accounts.get(h);
  if (rec === undefined) ctx.data.accounts.set(h, (rec = { account, member: undefined, banned: undefined }));
  return rec;
};

/**
 * The member record with these roles and flags. Equal records are one frozen object: the scan makes
 * one per change of roles, mute or approval, the state keeps them all, and most are alike (a plain
 * member, a muted one, a moderator), so this keeps the state that a long log leaves much smaller.
 */
export const memberRecord = (ctx: ScanContext, roles: readonly string[], muted: boolean, pending: boolean): MemberRecord => {
  const key = `${muted ? 'm' : '-'}${pending ? 'p' : '-'}${JSON.stringify(roles)}`;
  let m = ctx.memberRecords.get(key);
  if (m === undefined) ctx.memberRecords.set(key, (m = Object.freeze({ roles: Object.freeze(roles), muted, pending })));
  return m;
};

/** Sets `account`'s membership from `pos` on; `known` is its record when the caller already has it. */
export const setMember = (ctx: ScanContext, account: Uint8Array, m: MemberRecord | undefined, pos: number, known?: AccountRecord): AccountRecord => {
  const rec = ensureRecord(ctx, account, known);
  let v = rec.member;
  if (v === undefined) rec.member = v = new Versioned<MemberRecord | undefined>(undefined);
  v.set(pos, m);
  return rec;
};

export const setBanned = (ctx: ScanContext, account: Uint8Array, banned: boolean, pos: number, known?: AccountRecord): AccountRecord => {
  const rec = ensureRecord(ctx, account, known);
  let v = rec.banned;
  if (v === undefined) rec.banned = v = new Versioned(false);
  v.set(pos, banned);
  return rec;
};

/** Starts a new key epoch for `channel` (see 4.5). */
export const addEpoch = (ctx: ScanContext, channel: Uint8Array, entryId: Uint8Array, pos: number): void => addEpochHex(ctx, hexOf(channel), entryId, pos);

/**
 * Starts a new epoch in every channel `account` (whose record is `rec`, if any) could read just before
 * this entry (state.readableChannels).
 */
export const rotateFor = (ctx: ScanContext, account: Uint8Array, rec: AccountRecord | undefined, entryId: Uint8Array, before: number, pos: number): void => {
  if ((ctx.state.capsAt(rec, before) & CAP.READ) === 0) return;
  for (const s of ctx.channelSlots) {
    const c = s.v.at(before);
    if (c !== undefined && ctx.state.aclAllowsAt(c, account, rec, CAP.READ, before)) s.epochs.push(entryId, pos);
  }
};

/** Starts a new epoch in every channel `account` could read just before this entry but not after it. */
export const rotateLost = (ctx: ScanContext, account: Uint8Array, rec: AccountRecord | undefined, entryId: Uint8Array, before: number, pos: number): void => {
  if ((ctx.state.capsAt(rec, before) & CAP.READ) === 0) return;
  const readsAfter = (ctx.state.capsAt(rec, pos) & CAP.READ) !== 0;
  for (const s of ctx.channelSlots) {
    const c = s.v.at(before);
    if (c === undefined || !ctx.state.aclAllowsAt(c, account, rec, CAP.READ, before)) continue;
    const after = readsAfter ? s.v.at(pos) : undefined;
    if (after === undefined || !ctx.state.aclAllowsAt(after, account, rec, CAP.READ, pos)) s.epochs.push(entryId, pos);
  }
};

export const addEpochHex = (ctx: ScanContext, channelHex: string, entryId: Uint8Array, pos: number): void => {
  const list = ctx.data.epochs.get(channelHex);
  if (list !== undefined) list.push(entryId, pos);
};
