/** Mutable scan state shared by the rule modules during one forward scan of the authority log. */
import { toHex } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import type { CutoffRow } from './entry.ts';
import type { CutoffScope, MemberRecord, RoomState, RoomStateData } from './room-state.ts';
import { Versioned } from './versioned.ts';

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
  readonly cutoffEntries: PendingCutoff[];
}

export const remember = (ctx: ScanContext, account: Uint8Array): string => {
  const h = toHex(account);
  if (!ctx.data.accounts.has(h)) ctx.data.accounts.set(h, account);
  return h;
};

export const setMember = (ctx: ScanContext, account: Uint8Array, rec: MemberRecord | undefined, pos: number): void => {
  const h = remember(ctx, account);
  let v = ctx.data.members.get(h);
  if (v === undefined) ctx.data.members.set(h, (v = new Versioned<MemberRecord | undefined>(undefined)));
  v.set(pos, rec);
};

export const setBanned = (ctx: ScanContext, account: Uint8Array, banned: boolean, pos: number): void => {
  const h = remember(ctx, account);
  let v = ctx.data.banned.get(h);
  if (v === undefined) ctx.data.banned.set(h, (v = new Versioned(false)));
  v.set(pos, banned);
};

export const memberAt = (ctx: ScanContext, account: Uint8Array, pos: number): MemberRecord | undefined => ctx.data.members.get(toHex(account))?.at(pos);

/** Starts a new key epoch for `channel` (see 4.5). */
export const addEpoch = (ctx: ScanContext, channel: Uint8Array, entryId: Uint8Array, pos: number): void => {
  const list = ctx.data.epochs.get(toHex(channel));
  if (list !== undefined && list[list.length - 1]?.position !== pos) list.push({ entryId, position: pos });
};

/** Channels `account` may read at `pos`. */
export const readableChannels = (ctx: ScanContext, account: Uint8Array, pos: number): Uint8Array[] =>
  ctx.state
    .channels()
    .map((c) => c.id)
    .filter((id) => ctx.state.channelAt(id, pos) !== undefined && ctx.state.can(account, 1, id, pos));

export const rotateFor = (ctx: ScanContext, account: Uint8Array, entryId: Uint8Array, before: number, pos: number): void => {
  for (const ch of readableChannelsAt(ctx, account, before)) addEpoch(ctx, ch, entryId, pos);
};

/** Like readableChannels, but over every channel that existed at `pos` (not only those alive now). */
export const readableChannelsAt = (ctx: ScanContext, account: Uint8Array, pos: number): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (const v of ctx.data.channels.values()) {
    const c = v.at(pos);
    if (c !== undefined && ctx.state.can(account, 1, c.id, pos)) out.push(c.id);
  }
  return out;
};
