/**
 * Rules for roles and moderation: DEFINE_ROLE, GRANT, REVOKE, BAN, UNBAN, KICK, MUTE, UNMUTE.
 * Rank rule: the actor's rank must be strictly above the target's and above any role it defines,
 * grants or revokes; the creator is root. A role may only carry capabilities its definer holds.
 */
import { equals } from '../bytes.ts';
import { LimitError, UnauthorizedError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { CAP, ROLE_MEMBER, ROLE_OWNER } from './capabilities.ts';
import type { EntryAction } from './entry.ts';
import type { AccountRecord, OrderedEntry } from './room-state.ts';
import {
  memberRecord,
  recordOf,
  rotateFor,
  rotateLost,
  SCOPE_ALL,
  SCOPE_AUTHORITY,
  SCOPE_CHANNELS,
  type ScanContext,
  setBanned,
  setMember,
} from './scan-context.ts';
import { Versioned } from './versioned.ts';

type Of<K extends EntryAction['kind']> = Extract<EntryAction, { kind: K }>;
/** The signer's account record (looked up once per entry by replay), if it has one. */
type Actor = AccountRecord | undefined;

const need = (ctx: ScanContext, actor: Actor, cap: number, before: number, rule: string): void => {
  if ((ctx.state.capsAt(actor, before) & cap) !== cap) throw new UnauthorizedError(rule, 'signer lacks the capability');
};

const outranks = (ctx: ScanContext, actor: Actor, target: Uint8Array, t: AccountRecord | undefined, before: number, rule: string): void => {
  if (equals(target, ctx.data.creator)) throw new UnauthorizedError(`${rule}.rank`, 'nobody acts on the room creator');
  if (ctx.state.rankAt(actor, before) <= ctx.state.rankAt(t, before)) throw new UnauthorizedError(`${rule}.rank`, 'target has an equal or higher rank');
};

export const applyDefineRole = (ctx: ScanContext, o: OrderedEntry, a: Of<'define_role'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'define_role');
  if (a.role === ROLE_OWNER) throw new UnauthorizedError('define_role', 'the owner role cannot be redefined');
  const rank = ctx.state.rankAt(actor, before);
  if (a.rank >= rank) throw new UnauthorizedError('define_role.rank', 'role rank must be below the definer');
  const existing = ctx.data.roles.get(a.role);
  const current = existing?.at(before);
  if (current !== undefined && current.rank >= rank) throw new UnauthorizedError('define_role.rank', 'cannot redefine a role of equal or higher rank');
  const held = ctx.state.capsAt(actor, before);
  if ((a.caps & ~held) !== 0) throw new UnauthorizedError('define_role.caps', 'cannot give a role capabilities the definer does not hold');
  if (existing === undefined && ctx.data.roles.size >= LIMITS.maxRoles) throw new LimitError('define_role', LIMITS.maxRoles, ctx.data.roles.size + 1);
  const v = existing ?? new Versioned(undefined);
  if (existing === undefined) ctx.data.roles.set(a.role, v);
  v.set(o.position, { id: a.role, name: a.name, caps: a.caps, rank: a.rank, color: a.color });
};

export const applyGrant = (ctx: ScanContext, o: OrderedEntry, a: Of<'grant'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'grant');
  const role = ctx.data.roles.get(a.role)?.at(before);
  if (role === undefined || a.role === ROLE_OWNER) throw new UnauthorizedError('grant.role', 'unknown or ungrantable role');
  if (role.rank >= ctx.state.rankAt(actor, before)) throw new UnauthorizedError('grant.rank', 'role rank must be below the granter');
  if ((role.caps & ~ctx.state.capsAt(actor, before)) !== 0) throw new UnauthorizedError('grant.caps', 'cannot grant capabilities the granter does not hold');
  const t = recordOf(ctx, a.target);
  outranks(ctx, actor, a.target, t, before, 'grant');
  const m = t?.member?.at(before);
  if (m === undefined) throw new UnauthorizedError('grant', 'target is not a member');
  // Granting `member` to a pending member approves them.
  if (a.role === ROLE_MEMBER) {
    if (!m.pending) throw new UnauthorizedError('grant', 'target already holds the role');
    setMember(ctx, a.target, memberRecord(ctx, m.roles, m.muted, false), o.position, t);
    return;
  }
  if (m.roles.includes(a.role)) throw new UnauthorizedError('grant', 'target already holds the role');
  setMember(ctx, a.target, memberRecord(ctx, [...m.roles, a.role].sort(), m.muted, false), o.position, t);
};

export const applyRevoke = (ctx: ScanContext, o: OrderedEntry, a: Of<'revoke'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'revoke');
  const role = ctx.data.roles.get(a.role)?.at(before);
  if (role === undefined) throw new UnauthorizedError('revoke.role', 'unknown role');
  if (role.rank >= ctx.state.rankAt(actor, before)) throw new UnauthorizedError('revoke.rank', 'role rank must be below the revoker');
  const t = recordOf(ctx, a.target);
  outranks(ctx, actor, a.target, t, before, 'revoke');
  const m = t?.member?.at(before);
  if (m === undefined || !m.roles.includes(a.role)) throw new UnauthorizedError('revoke', 'target does not hold the role');
  setMember(
    ctx,
    a.target,
    memberRecord(
      ctx,
      m.roles.filter((r) => r !== a.role),
      m.muted,
      m.pending,
    ),
    o.position,
    t,
  );
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'revoke', position: o.position, scope: SCOPE_AUTHORITY, rows: a.cutoffs, account: a.target });
  // Channels the target can no longer read move to a new epoch.
  rotateLost(ctx, a.target, t, o.entry.id, before, o.position);
};

export const applyBan = (ctx: ScanContext, o: OrderedEntry, a: Of<'ban'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.BAN, before, 'ban');
  const t = recordOf(ctx, a.target);
  outranks(ctx, actor, a.target, t, before, 'ban');
  if (t?.banned?.at(before) === true) throw new UnauthorizedError('ban', 'already banned');
  rotateFor(ctx, a.target, t, o.entry.id, before, o.position);
  const rec = setBanned(ctx, a.target, true, o.position, t);
  setMember(ctx, a.target, undefined, o.position, rec);
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'ban', position: o.position, scope: SCOPE_ALL, rows: a.cutoffs, account: a.target });
  if (a.purge) ctx.data.purges.push({ account: a.target, by: o.entry.body.account, entryId: o.entry.id, position: o.position });
};

export const applyUnban = (ctx: ScanContext, o: OrderedEntry, a: Of<'unban'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.BAN, before, 'unban');
  const t = recordOf(ctx, a.target);
  if (t?.banned?.at(before) !== true) throw new UnauthorizedError('unban', 'not banned');
  setBanned(ctx, a.target, false, o.position, t);
};

export const applyKick = (ctx: ScanContext, o: OrderedEntry, a: Of<'kick'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.KICK, before, 'kick');
  const t = recordOf(ctx, a.target);
  outranks(ctx, actor, a.target, t, before, 'kick');
  if (t?.member?.at(before) === undefined) throw new UnauthorizedError('kick', 'not a member');
  rotateFor(ctx, a.target, t, o.entry.id, before, o.position);
  setMember(ctx, a.target, undefined, o.position, t);
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'kick', position: o.position, scope: SCOPE_ALL, rows: a.cutoffs, account: a.target });
};

export const applyMute = (ctx: ScanContext, o: OrderedEntry, a: Of<'mute'> | Of<'unmute'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MUTE, before, a.kind);
  const t = recordOf(ctx, a.target);
  outranks(ctx, actor, a.target, t, before, a.kind);
  const m = t?.member?.at(before);
  if (m === undefined) throw new UnauthorizedError(a.kind, 'not a member');
  const mute = a.kind === 'mute';
  if (m.muted === mute) throw new UnauthorizedError(a.kind, mute ? 'already muted' : 'not muted');
  setMember(ctx, a.target, memberRecord(ctx, m.roles, mute, m.pending), o.position, t);
  if (a.kind === 'mute') {
    ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'mute', position: o.position, scope: SCOPE_CHANNELS, rows: a.cutoffs, account: a.target });
  }
};
