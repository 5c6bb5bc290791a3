/**
 * Room administration as authority actions: custom roles from capability names, channel privacy
 * (SET_CHANNEL_ACL with honest cut-offs for whoever loses SEND), the room policy's parts (join mode,
 * durability, history visibility, pinned hubs) changed one at a time on top of the current policy,
 * and the REVOKE_INVITE of an invite URL. Each function only builds the action; the client authors it.
 */
import {
  CAP,
  type CapabilityName,
  type ChannelAcl,
  type CryptoPort,
  type CutoffRow,
  cutoffRows,
  type EntryAction,
  fromHex,
  parseInviteUrl,
  type RoomPolicy,
  toHex,
} from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import { ClientError } from './errors.ts';
import type { RoomSession } from './room-session.ts';

export interface RoleInput {
  /** Role id: lowercase letters, digits, `_` and `-` (e.g. `helper`). */
  readonly id: string;
  readonly name: string;
  /** Capability names (or the bits). A role can carry only capabilities its definer holds. */
  readonly caps: readonly CapabilityName[] | number;
  /** 0..999,999 and below the definer's own rank. */
  readonly rank: number;
  /** 0xRRGGBB. Default grey. */
  readonly color?: number;
}

export const capsOf = (caps: readonly CapabilityName[] | number): number =>
  typeof caps === 'number' ? caps : caps.reduce((bits, name) => bits | CAP[name], 0);

export const defineRoleAction = (r: RoleInput): EntryAction => ({
  kind: 'define_role',
  role: r.id,
  name: r.name,
  caps: capsOf(r.caps),
  rank: r.rank,
  color: r.color ?? 0x99aab5,
});

/** The current policy with `patch` applied, as a SET_POLICY. */
export const policyAction = (s: RoomSession, patch: Partial<RoomPolicy>): EntryAction => ({ kind: 'set_policy', policy: { ...s.state.policy(), ...patch } });

export const pinHubAction = (s: RoomSession, hub: string, pinned: boolean): EntryAction => {
  const hubs = new Set(s.state.policy().hubs);
  if (pinned) hubs.add(hub);
  else hubs.delete(hub);
  return policyAction(s, { hubs: [...hubs].sort() });
};

/**
 * SET_CHANNEL_ACL for `channel`: `acl` undefined opens it to every member again. Members who could
 * send before and cannot after get a cut-off row per device at the highest seq this device holds
 * (their later posts are invalid everywhere); the channel moves to a new epoch whose key is sealed
 * only to the devices that may still read.
 */
export const channelAclAction = async (store: ObjectStore, s: RoomSession, channel: Uint8Array, acl: ChannelAcl | undefined): Promise<EntryAction> => {
  const st = s.state;
  const now = st.length - 1;
  if (st.channelAt(channel, now) === undefined) throw new ClientError('unknown-channel', `no channel ${toHex(channel)}`);
  const hv = await store.haveVector(s.id, channel);
  const rows: CutoffRow[] = [];
  for (const m of st.members()) {
    if (!st.can(m.account, CAP.SEND, channel, now) || (acl !== undefined && aclLetsSend(acl, m.account, m.roles)) || acl === undefined) continue;
    if (toHex(m.account) === toHex(st.creator)) continue;
    const channelRows: CutoffRow[] = [];
    for (const d of st.devicesOf(m.account)) {
      const seq = hv[toHex(d.device)];
      if (seq !== undefined && seq > 0) channelRows.push({ device: d.device, stream: channel, seq });
    }
    rows.push(...cutoffRows(st, m.account, channelRows).filter((r) => r.stream.length === 16));
  }
  return { kind: 'set_channel_acl', channel, acl: acl === undefined ? undefined : normalizeAcl(acl), cutoffs: dedupe(rows) };
};

/** Mirrors the protocol's ACL rule: listed accounts, or any of the member's roles (every member holds `member`). */
const aclLetsSend = (acl: ChannelAcl, account: Uint8Array, roles: readonly string[]): boolean =>
  acl.accounts.some((x) => toHex(x) === toHex(account)) || ['member', ...roles].some((r) => acl.send.includes(r));

const normalizeAcl = (a: ChannelAcl): ChannelAcl => ({
  read: [...new Set(a.read)].sort(),
  send: [...new Set(a.send)].sort(),
  accounts: [...new Map(a.accounts.map((x) => [toHex(x), x])).entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, v]) => v),
});

const dedupe = (rows: CutoffRow[]): CutoffRow[] => {
  const m = new Map<string, CutoffRow>();
  for (const r of rows) m.set(`${toHex(r.device)}:${toHex(r.stream)}`, r);
  return [...m.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, r]) => r);
};

/**
 * REVOKE_INVITE for the token an invite URL carries, or for a token named by its nonce and issuing
 * account (as the room's invite list shows it): the issuer may revoke its own; MANAGE_ROOM any.
 */
export const revokeInviteAction = (s: RoomSession, invite: string | { nonce: Uint8Array; issuer: Uint8Array }, crypto: CryptoPort): EntryAction => {
  if (typeof invite !== 'string') {
    if (invite.nonce.length !== 16 || invite.issuer.length !== 32)
      throw new ClientError('join-failed', 'an invite token is named by 16 bytes and a 32-byte account');
    return { kind: 'revoke_invite', token: invite.nonce, issuer: invite.issuer };
  }
  return revokeUrlAction(s, invite, crypto);
};

const revokeUrlAction = (s: RoomSession, url: string, crypto: CryptoPort): EntryAction => {
  const invite = parseInviteUrl(url, crypto);
  if (toHex(invite.room) !== s.hex) throw new ClientError('unknown-room', 'the invite is for another room');
  const token = invite.token;
  if (token === undefined) throw new ClientError('join-failed', 'the invite carries no token to revoke');
  return { kind: 'revoke_invite', token: token.body.nonce, issuer: fromHex(toHex(token.body.account)) };
};

export type { AuditEntry, ChannelAcl, Durability, JoinMode } from '@parley/protocol';
export { auditLog } from '@parley/protocol';
