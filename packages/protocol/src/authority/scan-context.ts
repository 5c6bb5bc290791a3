/** Mutable scan state shared by the rule modules during one forward scan of the authority log. */
import { hexOf } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { CAP } from './capabilities.ts';
import type { CutoffRow } from './entry.ts';
import type { CutoffScope, MemberRecord, RoomState, RoomStateData } from './room-state.ts';
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
}

export interface ChannelSlot {
  readonly v: Versioned<ChannelInfo | undefined>;
  readonly epochs: { entryId: Uint8Array; position: number }[];
}

export const remember = (ctx: ScanContext, account: Uint8Array): string => {
  const h = hexOf(account);
  if (!ctx.data.accounts.has(h)) ctx.data.accounts.set(h, account);
  return h;
};

// An account with a register here was remembered when the register was made (accounts only grow).
export const setMember = (ctx: ScanContext, account: Uint8Array, rec: MemberRecord | undefined, pos: number): void => {
  const h = hexOf(account);
  let v = ctx.data.members.get(h);
  if (v === undefined) {
    remember(ctx, account);
    ctx.data.members.set(h, (v = new Versioned<MemberRecord | undefined>(undefined)));
  }
  v.set(pos, rec);
};

export const setBanned = (ctx: ScanContext, account: Uint8Array, banned: boolean, pos: number): void => {
  const h = hexOf(account);
  let v = ctx.data.banned.get(h);
  if (v === undefined) {
    remember(ctx, account);
    ctx.data.banned.set(h, (v = new Versioned(false)));
  }
  v.set(pos, banned);
};

export const memberAt = (ctx: ScanContext, account: Uint8Array, pos: number): MemberRecord | undefined => ctx.data.members.get(hexOf(account))?.at(pos);

/** Starts a new key epoch for `channel` (see 4.5). */
export const addEpoch = (ctx: ScanContext, channel: Uint8Array, entryId: Uint8Array, pos: number): void => addEpochHex(ctx, hexOf(channel), entryId, pos);

/** Starts a new epoch in every channel `account` could read just before this entry (state.readableChannels). */
export const rotateFor = (ctx: ScanContext, account: Uint8Array, entryId: Uint8Array, before: number, pos: number): void => {
  if ((ctx.state.capsOf(account, before) & CAP.READ) === 0) return;
  for (const s of ctx.channelSlots) {
    const c = s.v.at(before);
    if (c !== undefined && ctx.state.aclAllows(c, account, CAP.READ, before)) pushEpoch(s.epochs, entryId, pos);
  }
};

/** Starts a new epoch in every channel `account` could read just before this entry but not after it. */
export const rotateLost = (ctx: ScanContext, account: Uint8Array, entryId: Uint8Array, before: number, pos: number): void => {
  if ((ctx.state.capsOf(account, before) & CAP.READ) === 0) return;
  const readsAfter = (ctx.state.capsOf(account, pos) & CAP.READ) !== 0;
  for (const s of ctx.channelSlots) {
    const c = s.v.at(before);
    if (c === undefined || !ctx.state.aclAllows(c, account, CAP.READ, before)) continue;
    const after = readsAfter ? s.v.at(pos) : undefined;
    if (after === undefined || !ctx.state.aclAllows(after, account, CAP.READ, pos)) pushEpoch(s.epochs, entryId, pos);
  }
};

export const addEpochHex = (ctx: ScanContext, channelHex: string, entryId: Uint8Array, pos: number): void => {
  const list = ctx.data.epochs.get(channelHex);
  if (list !== undefined) pushEpoch(list, entryId, pos);
};

const pushEpoch = (list: { entryId: Uint8Array; position: number }[], entryId: Uint8Array, pos: number): void => {
  if (list[list.length - 1]?.position !== pos) list.push({ entryId, position: pos });
};
