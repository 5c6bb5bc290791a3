/**
 * What the person may do to a member, read from the replayed authority log: Kick and Ban need the
 * capability and a rank above the target's (nobody acts on an equal or higher rank; the creator is
 * the root). The log decides; the UI only greys out what it would refuse.
 */
import { CAP, type CapabilityName, equals, MAX_ROLE_RANK, OWNER_RANK, ROLE_MEMBER, ROLE_OWNER, type RoleDef, type RoomState } from '@parley/protocol';

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

/**
 * What this person may do about someone waiting for approval (join mode 'approval'): let them in (a
 * GRANT of the member role: MANAGE_ROLES and a rank above theirs) or turn them away (KICK).
 */
export const approvalRights = (st: RoomState, me: Uint8Array, target: Uint8Array): { readonly approve: boolean; readonly decline: boolean } => {
  const pos = st.length - 1;
  if (equals(me, target)) return { approve: false, decline: false };
  const above = st.rankOf(me, pos) > st.rankOf(target, pos);
  return { approve: above && st.can(me, CAP.MANAGE_ROLES, undefined, pos), decline: above && st.can(me, CAP.KICK, undefined, pos) };
};

/** A role this person may give a member or take away (GRANT / REVOKE), and whether the member holds it. */
export interface GrantableRole {
  readonly id: string;
  readonly name: string;
  readonly held: boolean;
}

/**
 * Roles this person may grant to or revoke from `target`: MANAGE_ROLES, ranking above the target
 * (never the creator) and above the role; granting also needs every capability the role carries.
 */
export const grantableRoles = (st: RoomState, me: Uint8Array, target: Uint8Array): GrantableRole[] => {
  const pos = st.length - 1;
  if (equals(me, target) || equals(target, st.creator) || !st.can(me, CAP.MANAGE_ROLES, undefined, pos)) return [];
  const myRank = st.rankOf(me, pos);
  if (myRank <= st.rankOf(target, pos)) return [];
  const member = st.members().find((m) => equals(m.account, target));
  if (member === undefined || member.pending) return [];
  const mine = st.capsOf(me, pos);
  return st
    .roles()
    .filter((r) => r.id !== ROLE_OWNER && r.id !== ROLE_MEMBER && r.rank < myRank)
    .map((r) => ({ id: r.id, name: r.name, held: member.roles.includes(r.id), grantable: (r.caps & ~mine) === 0 }))
    .filter((r) => r.held || r.grantable)
    .map(({ id, name, held }) => ({ id, name, held }));
};

/** What the role editor lets this person do: define roles below their rank with capabilities they hold. */
export interface RoleEditing {
  readonly allowed: boolean;
  /** Roles are defined below this rank (exclusive). */
  readonly rankBelow: number;
  /** Capabilities this person holds (a role may carry only these). */
  readonly caps: number;
  /** Existing roles this person may redefine (rank below theirs; never the owner or member roles). */
  readonly editable: readonly RoleDef[];
}

export const roleEditing = (st: RoomState, me: Uint8Array): RoleEditing => {
  const pos = st.length - 1;
  const allowed = st.can(me, CAP.MANAGE_ROLES, undefined, pos);
  const rankBelow = Math.min(st.rankOf(me, pos), MAX_ROLE_RANK + 1);
  return {
    allowed,
    rankBelow,
    caps: st.capsOf(me, pos),
    editable: allowed ? st.roles().filter((r) => r.id !== ROLE_OWNER && r.id !== ROLE_MEMBER && r.rank < rankBelow) : [],
  };
};

/** What each capability lets a role's holders do, in the editor's words. */
export const CAP_LABELS: Record<CapabilityName, string> = {
  READ: 'Read channels',
  SEND: 'Send messages',
  INVITE: 'Create invites',
  PIN: 'Pin messages',
  DELETE_MESSAGES: 'Delete others’ messages',
  MUTE: 'Mute members',
  KICK: 'Kick members',
  BAN: 'Ban members',
  MANAGE_CHANNELS: 'Manage channels',
  MANAGE_ROLES: 'Manage roles',
  MANAGE_KEYS: 'Rotate channel keys',
  MANAGE_ROOM: 'Manage the community',
};

/** A role id from its name: lowercase letters, digits, `_` and `-`, at most 32; `role` when nothing is left. */
export const roleIdFor = (name: string, taken: ReadonlySet<string>): string => {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|-+$/g, '')
      .slice(0, 24) || 'role';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
};
