/** Rules for GENESIS, JOIN, LEAVE, ADD_DEVICE and REVOKE_DEVICE: who is in the room, with which devices. */
import { equals, hexOf } from '../bytes.ts';
import { InvalidFieldError, InvalidInviteError, ProtocolError, UnauthorizedError } from '../errors.ts';
import { openDeviceCert } from '../identity/device-cert.ts';
import { openInviteToken } from '../invite/invite-token.ts';
import { CAP } from './capabilities.ts';
import type { AuthorityEntry, EntryAction } from './entry.ts';
import type { AccountRecord, OrderedEntry } from './room-state.ts';
import { memberRecord, rotateFor, SCOPE_ALL, type ScanContext, setMember } from './scan-context.ts';

type Of<K extends EntryAction['kind']> = Extract<EntryAction, { kind: K }>;
/** The signer's account record (looked up once per entry by replay), if it has one. */
type Actor = AccountRecord | undefined;

/** Registers the device a certificate introduces; the certificate must be for (account, signer or `device`). */
export const introduceDevice = (ctx: ScanContext, e: AuthorityEntry, certBytes: Uint8Array, pos: number, field: string): Uint8Array => {
  let cert: ReturnType<typeof openDeviceCert>;
  try {
    cert = openDeviceCert(certBytes, ctx.crypto);
  } catch (err) {
    if (err instanceof ProtocolError) throw new InvalidFieldError(field, `certificate: ${err.message}`);
    throw err;
  }
  if (!equals(cert.body.account, e.account)) throw new UnauthorizedError(field, 'certificate is for another account');
  const h = hexOf(cert.body.device);
  const known = ctx.data.devices.get(h);
  if (known !== undefined) {
    if (!equals(known.account, e.account)) throw new UnauthorizedError(field, 'device already belongs to another account');
    return cert.body.device;
  }
  ctx.data.devices.set(h, { device: cert.body.device, account: cert.body.account, boxKey: cert.body.boxKey, addedAt: pos, revokedAt: undefined });
  return cert.body.device;
};

export const applyGenesis = (ctx: ScanContext, o: OrderedEntry, a: Of<'genesis'>): void => {
  const e = o.entry.body;
  if (e.prev.length !== 0 || e.lamport !== 0) throw new InvalidFieldError('entry.p', 'genesis has no previous entries and Lamport 0');
  if (o.position !== 0 || ctx.data.valid.includes(1)) throw new UnauthorizedError('genesis', 'a room has exactly one genesis');
  if (a.cert !== undefined) {
    const dev = introduceDevice(ctx, e, a.cert, o.position, 'entry.c');
    if (!equals(dev, e.signer)) throw new UnauthorizedError('entry.c', 'genesis certificate must be for the signing device');
  } else if (!equals(e.signer, e.account)) throw new UnauthorizedError('entry.a', 'signer is neither the account key nor certified');
  setMember(ctx, e.account, memberRecord(ctx, ['owner'], false, false), o.position);
};

export const applyJoin = (ctx: ScanContext, o: OrderedEntry, a: Of<'join'>, before: number, actor: Actor): void => {
  const e = o.entry.body;
  if (ctx.state.isMemberAt(actor, before)) throw new UnauthorizedError('join', 'already a member');
  if (actor?.banned?.at(before) === true) throw new UnauthorizedError('join', 'account is banned');
  let invited = false;
  if (a.invite !== undefined) {
    checkInvite(ctx, e, a.invite, before);
    invited = true;
  }
  const mode = ctx.data.policy.at(before).join;
  if (mode === 'invite' && !invited) throw new InvalidInviteError('join.i', 'this room requires an invite');
  if (a.cert !== undefined) {
    const dev = introduceDevice(ctx, e, a.cert, o.position, 'entry.c');
    if (!equals(dev, e.signer)) throw new UnauthorizedError('entry.c', 'join certificate must be for the signing device');
  }
  setMember(ctx, e.account, memberRecord(ctx, [], false, mode === 'approval' && !invited), o.position, actor);
};

const checkInvite = (ctx: ScanContext, e: AuthorityEntry, bytes: Uint8Array, before: number): void => {
  let token: ReturnType<typeof openInviteToken>;
  try {
    token = openInviteToken(bytes, ctx.crypto);
  } catch (err) {
    if (err instanceof ProtocolError) throw new InvalidInviteError('join.i', err.message);
    throw err;
  }
  const t = token.body;
  if (!equals(t.room, e.room)) throw new InvalidInviteError('join.i.r', 'invite is for another room');
  if (!equals(t.issuer, t.account)) {
    const dev = ctx.data.devices.get(hexOf(t.issuer));
    if (dev === undefined || !equals(dev.account, t.account)) throw new InvalidInviteError('join.i.a', 'issuer device is not certified in this room');
  }
  if (!ctx.state.can(t.account, CAP.INVITE, undefined, before)) throw new InvalidInviteError('join.i.u', 'issuer does not hold INVITE');
  if (t.expiresAt !== 0 && e.time > t.expiresAt) throw new InvalidInviteError('join.i.x', 'invite expired');
  const id = hexOf(t.nonce);
  const revokers = ctx.revokedInvites.get(id);
  if (revokers !== undefined && (revokers.has('*') || revokers.has(hexOf(t.account)))) throw new InvalidInviteError('join.i', 'invite was revoked');
  const used = ctx.inviteUses.get(id) ?? 0;
  if (t.maxUses !== 0 && used >= t.maxUses) throw new InvalidInviteError('join.i.m', 'invite has no uses left');
  ctx.inviteUses.set(id, used + 1);
};

export const applyLeave = (ctx: ScanContext, o: OrderedEntry, before: number, actor: Actor): void => {
  const e = o.entry.body;
  if (equals(e.account, ctx.data.creator)) throw new UnauthorizedError('leave', 'the creator cannot leave the room it roots');
  if (actor?.member?.at(before) === undefined) throw new UnauthorizedError('leave', 'not a member');
  rotateFor(ctx, e.account, actor, o.entry.id, before, o.position);
  setMember(ctx, e.account, undefined, o.position, actor);
};

export const applyAddDevice = (ctx: ScanContext, o: OrderedEntry, a: Of<'add_device'>, before: number, actor: Actor): void => {
  const e = o.entry.body;
  if (!ctx.state.isMemberAt(actor, before)) throw new UnauthorizedError('add_device', 'not a member');
  introduceDevice(ctx, e, a.cert, o.position, 'entry.c');
};

export const applyRevokeDevice = (ctx: ScanContext, o: OrderedEntry, a: Of<'revoke_device'>, before: number, actor: Actor): void => {
  const e = o.entry.body;
  const rec = ctx.data.devices.get(hexOf(a.device));
  if (rec === undefined || !equals(rec.account, e.account)) throw new UnauthorizedError('revoke_device', 'only the account that owns a device may revoke it');
  if (rec.revokedAt !== undefined) throw new UnauthorizedError('revoke_device', 'device already revoked');
  if (equals(a.device, e.signer)) throw new UnauthorizedError('revoke_device', 'a device cannot revoke itself');
  rec.revokedAt = o.position;
  ctx.cutoffEntries.push({ entryId: o.entry.id, kind: 'revoke_device', position: o.position, scope: SCOPE_ALL, rows: a.cutoffs, device: a.device });
  rotateFor(ctx, e.account, actor, o.entry.id, before, o.position);
};
