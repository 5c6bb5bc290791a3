/**
 * What the person may do to a member, read from the replayed authority log: Kick and Ban need the
 * capability and a rank above the target's (nobody acts on an equal or higher rank; the creator is
 * the root). The log decides; the UI only greys out what it would refuse.
 */
import { CAP, equals, OWNER_RANK, ROLE_MEMBER, ROLE_OWNER, type RoomState } from '@parley/protocol';

export interface MemberRights {
  readonly kick: boolean;
  readonly ban: boolean;
  /** MUTE: the member keeps reading but cannot send until unmuted. */
  readonly mute: boolean;
  /** This person holds KICK, BAN or MUTE, but the member ranks at or above them: the actions show greyed, with why. */
  readonly outranked: boolean;
}

const NONE: MemberRights = { kick: false, ban: false, mute: false, outranked: false };

export const rightsOver = (st: RoomState, me: Uint8Array, target: Uint8Array): MemberRights => {
  if (equals(me, target)) return NONE;
  const pos = st.length - 1;
  const above = st.rankOf(me, pos) > st.rankOf(target, pos);
  const kick = st.can(me, CAP.KICK, undefined, pos);
  const ban = st.can(me, CAP.BAN, undefined, pos);
  const mute = st.can(me, CAP.MUTE, undefined, pos);
  return { kick: above && kick, ban: above && ban, mute: above && mute, outranked: !above && (kick || ban || mute) };
};

/** What this person may do to someone else's message: delete it (DELETE_MESSAGES, ranking above its author, who is not the creator) and pin any (PIN). */
export const messageRights = (st: RoomState, me: Uint8Array, author: Uint8Array): { readonly delete: boolean; readonly pin: boolean } => {
  const pos = st.length - 1;
  const del =
    !equals(me, author) && !equals(author, st.creator) && st.can(me, CAP.DELETE_MESSAGES, undefined, pos) && st.rankOf(me, pos) > st.rankOf(author, pos);
  return { delete: del, pin: st.can(me, CAP.PIN, undefined, pos) };
};

/** Whether `account` is banned from the room (as far as this device's copy of the log goes). */
export const isBanned = (st: RoomState, account: Uint8Array): boolean => st.banned().some((a) => equals(a, account));

export interface RoleBadge {
  readonly id: string;
  readonly name: string;
  /** 0xRRGGBB, or undefined for the neutral colour. */
  readonly color: number | undefined;
}

/** A member's role badges, highest rank first; the creator's "Owner" leads. */
export const roleBadges = (st: RoomState, account: Uint8Array, roles: readonly string[]): RoleBadge[] => {
  const defs = new Map(st.roles().map((r) => [r.id, r] as const));
  const out = roles
    .map((id) => defs.get(id) ?? { id, name: id, rank: 0, color: 0, caps: 0 })
    .filter((r) => r.id !== ROLE_MEMBER)
    .sort((a, b) => b.rank - a.rank)
    .map((r) => ({ id: r.id, name: r.name, color: r.color === 0 ? undefined : r.color }));
  const owner = st.rankOf(account, st.length - 1) === OWNER_RANK;
  return owner && !out.some((b) => b.id === ROLE_OWNER) ? [{ id: ROLE_OWNER, name: 'Owner', color: undefined }, ...out] : out;
};
