/**
 * Rules for room settings and channels: SET_POLICY, SET_DISCOVERY, CREATE/EDIT/DELETE_CHANNEL, SET_CHANNEL_ACL,
 * DELETE_MESSAGE, PIN, REVOKE_INVITE, ROTATE.
 */
import { equals, hexOf } from '../bytes.ts';
import { LimitError, UnauthorizedError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { CAP } from './capabilities.ts';
import type { EntryAction } from './entry.ts';
import { EpochList } from './epoch-list.ts';
import type { AccountRecord, OrderedEntry } from './room-state.ts';
import { addEpoch, type ScanContext } from './scan-context.ts';
import { Versioned } from './versioned.ts';
import type { ChannelInfo } from './view.ts';

type Of<K extends EntryAction['kind']> = Extract<EntryAction, { kind: K }>;
/** The signer's account record (looked up once per entry by replay), if it has one. */
type Actor = AccountRecord | undefined;

const need = (ctx: ScanContext, actor: Actor, cap: number, before: number, rule: string): void => {
  if ((ctx.state.capsAt(actor, before) & cap) !== cap) throw new UnauthorizedError(rule, 'signer lacks the capability');
};

const existing = (ctx: ScanContext, channel: Uint8Array, before: number, rule: string): { v: Versioned<ChannelInfo | undefined>; c: ChannelInfo } => {
  const v = ctx.data.channels.get(hexOf(channel));
  const c = v?.at(before);
  if (v === undefined || c === undefined) throw new UnauthorizedError(rule, 'no such channel');
  return { v, c };
};

export const applySetPolicy = (ctx: ScanContext, o: OrderedEntry, a: Of<'set_policy'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_ROOM, before, 'set_policy');
  ctx.data.policy.set(o.position, a.policy);
};

/** SET_DISCOVERY: MANAGE_ROOM, like the policy; the latest valid entry is the room's directory entry. */
export const applySetDiscovery = (ctx: ScanContext, o: OrderedEntry, a: Of<'set_discovery'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_ROOM, before, 'set_discovery');
  ctx.data.discovery.set(o.position, a.settings);
};

export const applyCreateChannel = (ctx: ScanContext, o: OrderedEntry, a: Of<'create_channel'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_CHANNELS, before, 'create_channel');
  const h = hexOf(a.channel);
  if (ctx.channelsEver.has(h)) throw new UnauthorizedError('create_channel', 'channel id already used');
  if (ctx.channelsEver.size >= LIMITS.maxChannels) throw new LimitError('create_channel', LIMITS.maxChannels, ctx.channelsEver.size + 1);
  ctx.channelsEver.add(h);
  const v = new Versioned<ChannelInfo | undefined>(undefined);
  v.set(o.position, { id: a.channel, name: a.name, kind: a.channelKind, topic: a.topic, acl: undefined, durability: undefined });
  const epochs = new EpochList(o.entry.id, o.position);
  ctx.data.channels.set(h, v);
  ctx.data.epochs.set(h, epochs);
  ctx.channelSlots.push({ v, epochs });
};

export const applyEditChannel = (ctx: ScanContext, o: OrderedEntry, a: Of<'edit_channel'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_CHANNELS, before, 'edit_channel');
  const { v, c } = existing(ctx, a.channel, before, 'edit_channel');
  v.set(o.position, { ...c, name: a.name ?? c.name, topic: a.topic ?? c.topic, durability: a.durability ?? c.durability });
};

export const applyDeleteChannel = (ctx: ScanContext, o: OrderedEntry, a: Of<'delete_channel'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_CHANNELS, before, 'delete_channel');
  existing(ctx, a.channel, before, 'delete_channel').v.set(o.position, undefined);
};

export const applySetChannelAcl = (ctx: ScanContext, o: OrderedEntry, a: Of<'set_channel_acl'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_CHANNELS, before, 'set_channel_acl');
  const { v, c } = existing(ctx, a.channel, before, 'set_channel_acl');
  if (a.acl !== undefined) {
    for (const r of [...a.acl.read, ...a.acl.send]) {
      if (ctx.data.roles.get(r)?.at(before) === undefined) throw new UnauthorizedError('set_channel_acl.role', `unknown role ${r}`);
    }
  }
  // Who could send before: those who cannot after get a cut-off on this channel's stream.
  const couldSend = [...ctx.data.accounts.values()].map((rec) => rec.account).filter((acc) => ctx.state.can(acc, CAP.SEND, a.channel, before));
  v.set(o.position, { ...c, acl: a.acl });
  for (const acc of couldSend) {
    if (!ctx.state.can(acc, CAP.SEND, a.channel, o.position)) {
      ctx.cutoffEntries.push({
        entryId: o.entry.id,
        kind: 'set_channel_acl',
        position: o.position,
        scope: { type: 'channel', channel: hexOf(a.channel) },
        rows: a.cutoffs,
        account: acc,
      });
    }
  }
  addEpoch(ctx, a.channel, o.entry.id, o.position);
};

export const applyDeleteMessage = (ctx: ScanContext, o: OrderedEntry, a: Of<'delete_message'>, before: number, actor: Actor): void => {
  const by = o.entry.body.account;
  existing(ctx, a.channel, before, 'delete_message');
  if (!equals(by, a.author)) {
    need(ctx, actor, CAP.DELETE_MESSAGES, before, 'delete_message');
    if (equals(a.author, ctx.data.creator) || ctx.state.rankAt(actor, before) <= ctx.state.rankOf(a.author, before)) {
      throw new UnauthorizedError('delete_message.rank', 'cannot delete messages of an equal or higher rank');
    }
  }
  const h = hexOf(a.channel);
  const list = ctx.data.deletions.get(h) ?? [];
  list.push({ message: a.message, author: a.author, by, entryId: o.entry.id, reason: 'delete' });
  ctx.data.deletions.set(h, list);
};

export const applyPin = (ctx: ScanContext, _o: OrderedEntry, a: Of<'pin'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.PIN, before, 'pin');
  existing(ctx, a.channel, before, 'pin');
  const h = hexOf(a.channel);
  const m = ctx.data.pins.get(h) ?? new Map();
  m.set(hexOf(a.message), { message: a.message, pinned: a.pinned });
  ctx.data.pins.set(h, m);
};

export const applyRevokeInvite = (ctx: ScanContext, o: OrderedEntry, a: Of<'revoke_invite'>, before: number, actor: Actor): void => {
  const caps = ctx.state.capsAt(actor, before);
  const own = equals(o.entry.body.account, a.issuer) && (caps & CAP.INVITE) !== 0;
  const admin = (caps & CAP.MANAGE_ROOM) !== 0;
  if (!own && !admin) throw new UnauthorizedError('revoke_invite', 'only the issuer (with INVITE) or a MANAGE_ROOM holder may revoke an invite');
  const h = hexOf(a.token);
  const s = ctx.revokedInvites.get(h) ?? new Set<string>();
  s.add(admin ? '*' : hexOf(a.issuer));
  ctx.revokedInvites.set(h, s);
};

export const applyRotate = (ctx: ScanContext, o: OrderedEntry, a: Of<'rotate'>, before: number, actor: Actor): void => {
  need(ctx, actor, CAP.MANAGE_KEYS, before, 'rotate');
  existing(ctx, a.channel, before, 'rotate');
  addEpoch(ctx, a.channel, o.entry.id, o.position);
};
