/**
 * Rules for roles and moderation: DEFINE_ROLE, GRANT, REVOKE, BAN, UNBAN, KICK, MUTE, UNMUTE.
 * Rank rule: the actor's rank must be strictly above the target's and above any role it defines,
 * grants or revokes; the creator is root. A role may only carry capabilities its definer holds.
 */
import { equals, hexOf } from '../bytes.ts';
import { LimitError, UnauthorizedError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { CAP, ROLE_MEMBER, ROLE_OWNER } from './capabilities.ts';
import type { EntryAction } from './entry.ts';
import type { OrderedEntry } from './room-state.ts';
import { memberAt, rotateFor, rotateLost, type ScanContext, setBanned, setMember } from './scan-context.ts';
import { Versioned } from './versioned.ts';

type Of<K extends EntryAction['kind']> = Extract<EntryAction, { kind: K }>;

const need = (ctx: ScanContext, account: Uint8Array, cap: number, before: number, rule: string): void => {
  if (!ctx.state.can(account, cap, undefined, before)) throw new UnauthorizedError(rule, 'signer lacks the capability');
};

const outranks = (ctx: ScanContext, actor: Uint8Array, target: Uint8Array, before: number, rule: string): void => {
  if (equals(target, ctx.data.creator)) throw new UnauthorizedError(`${rule}.rank`, 'nobody acts on the room creator');
  if (ctx.state.rankOf(actor, before) <= ctx.state.rankOf(target, before)) throw new UnauthorizedError(`${rule}.rank`, 'target has an equal or higher rank');
};

export const applyDefineRole = (ctx: ScanContext, o: OrderedEntry, a: Of<'define_role'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'define_role');
  if (a.role === ROLE_OWNER) throw new UnauthorizedError('define_role', 'the owner role cannot be redefined');
  const rank = ctx.state.rankOf(actor, before);
  if (a.rank >= rank) throw new UnauthorizedError('define_role.rank', 'role rank must be below the definer');
  const existing = ctx.data.roles.get(a.role);
  const current = existing?.at(before);
  if (current !== undefined && current.rank >= rank) throw new UnauthorizedError('define_role.rank', 'cannot redefine a role of equal or higher rank');
  const held = ctx.state.capsOf(actor, before);
  if ((a.caps & ~held) !== 0) throw new UnauthorizedError('define_role.caps', 'cannot give a role capabilities the definer does not hold');
  if (existing === undefined && ctx.data.roles.size >= LIMITS.maxRoles) throw new LimitError('define_role', LIMITS.maxRoles, ctx.data.roles.size + 1);
  const v = existing ?? new Versioned(undefined);
  if (existing === undefined) ctx.data.roles.set(a.role, v);
  v.set(o.position, { id: a.role, name: a.name, caps: a.caps, rank: a.rank, color: a.color });
};

export const applyGrant = (ctx: ScanContext, o: OrderedEntry, a: Of<'grant'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'grant');
  const role = ctx.data.roles.get(a.role)?.at(before);
  if (role === undefined || a.role === ROLE_OWNER) throw new UnauthorizedError('grant.role', 'unknown or ungrantable role');
  if (role.rank >= ctx.state.rankOf(actor, before)) throw new UnauthorizedError('grant.rank', 'role rank must be below the granter');
  if ((role.caps & ~ctx.state.capsOf(actor, before)) !== 0) throw new UnauthorizedError('grant.caps', 'cannot grant capabilities the granter does not hold');
  outranks(ctx, actor, a.target, before, 'grant');
  const m = memberAt(ctx, a.target, before);
  if (m === undefined) throw new UnauthorizedError('grant', 'target is not a member');
  // Granting `member` to a pending member approves them.
  if (a.role === ROLE_MEMBER) {
    if (!m.pending) throw new UnauthorizedError('grant', 'target already holds the role');
    setMember(ctx, a.target, { ...m, pending: false }, o.position);
    return;
  }
  if (m.roles.includes(a.role)) throw new UnauthorizedError('grant', 'target already holds the role');
  setMember(ctx, a.target, { ...m, pending: false, roles: [...m.roles, a.role].sort() }, o.position);
};

export const applyRevoke = (ctx: ScanContext, o: OrderedEntry, a: Of<'revoke'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.MANAGE_ROLES, before, 'revoke');
  const role = ctx.data.roles.get(a.role)?.at(before);
  if (role === undefined) throw new UnauthorizedError('revoke.role', 'unknown role');
  if (role.rank >= ctx.state.rankOf(actor, before)) throw new UnauthorizedError('revoke.rank', 'role rank must be below the revoker');
  outranks(ctx, actor, a.target, before, 'revoke');
  const m = memberAt(ctx, a.target, before);
  if (m === undefined || !m.roles.includes(a.role)) throw new UnauthorizedError('revoke', 'target does not hold the role');
  setMember(ctx, a.target, { ...m, roles: m.roles.filter((r) => r !== a.role) }, o.position);
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'revoke', position: o.position, scope: { type: 'authority' }, rows: a.cutoffs, account: a.target });
  // Channels the target can no longer read move to a new epoch.
  rotateLost(ctx, a.target, o.entry.id, before, o.position);
};

export const applyBan = (ctx: ScanContext, o: OrderedEntry, a: Of<'ban'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.BAN, before, 'ban');
  outranks(ctx, actor, a.target, before, 'ban');
  if (ctx.data.banned.get(hexOf(a.target))?.at(before) === true) throw new UnauthorizedError('ban', 'already banned');
  rotateFor(ctx, a.target, o.entry.id, before, o.position);
  setBanned(ctx, a.target, true, o.position);
  setMember(ctx, a.target, undefined, o.position);
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'ban', position: o.position, scope: { type: 'all' }, rows: a.cutoffs, account: a.target });
  if (a.purge) ctx.data.purges.push({ account: a.target, by: actor, entryId: o.entry.id, position: o.position });
};

export const applyUnban = (ctx: ScanContext, o: OrderedEntry, a: Of<'unban'>, before: number): void => {
  need(ctx, o.entry.body.account, CAP.BAN, before, 'unban');
  if (ctx.data.banned.get(hexOf(a.target))?.at(before) !== true) throw new UnauthorizedError('unban', 'not banned');
  setBanned(ctx, a.target, false, o.position);
};

export const applyKick = (ctx: ScanContext, o: OrderedEntry, a: Of<'kick'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.KICK, before, 'kick');
  outranks(ctx, actor, a.target, before, 'kick');
  if (memberAt(ctx, a.target, before) === undefined) throw new UnauthorizedError('kick', 'not a member');
  rotateFor(ctx, a.target, o.entry.id, before, o.position);
  setMember(ctx, a.target, undefined, o.position);
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'kick', position: o.position, scope: { type: 'all' }, rows: a.cutoffs, account: a.target });
};

export const applyMute = (ctx: ScanContext, o: OrderedEntry, a: Of<'mute'> | Of<'unmute'>, before: number): void => {
  const actor = o.entry.body.account;
  need(ctx, actor, CAP.MUTE, before, a.kind);
  outranks(ctx, actor, a.target, before, a.kind);
  const m = memberAt(ctx, a.target, before);
  if (m === undefined) throw new UnauthorizedError(a.kind, 'not a member');
  const mute = a.kind === 'mute';
  if (m.muted === mute) throw new UnauthorizedError(a.kind, mute ? 'already muted' : 'not muted');
  setMember(ctx, a.target, { ...m, muted: mute }, o.position);
  if (a.kind === 'mute') {
    ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'mute', position: o.position, scope: { type: 'channels' }, rows: a.cutoffs, account: a.target });
  }
};
