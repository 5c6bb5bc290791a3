/**
 * Who may use a channel, as its permissions dialog shows and edits it (SET_CHANNEL_ACL): a public
 * channel is every member's; a private one is readable by the roles in `read`, writable by those in
 * `send`, and both for the accounts listed (the creator always both). The form works on a draft (a
 * role's See / Send, a member's Allowed); `aclOf` turns it into the ACL the log stores, and
 * `wouldRead` answers with the log's own rule (RoomState.aclAllows) whether someone keeps the channel.
 */
import { CAP, type ChannelAcl, type ChannelInfo, equals, ROLE_OWNER, type RoomState, toHex } from '@parley/protocol';

export interface AccessDraft {
  readonly private: boolean;
  /** Role id -> what its holders may do. */
  readonly roles: Readonly<Record<string, { readonly see: boolean; readonly send: boolean }>>;
  /** Account hex of members allowed (see and send). */
  readonly accounts: ReadonlySet<string>;
}

/** Roles an ACL can name: every defined role but the owner's (the creator is always in). */
export const aclRoles = (st: RoomState) => st.roles().filter((r) => r.id !== ROLE_OWNER);

export const draftOf = (st: RoomState, c: ChannelInfo): AccessDraft => {
  const acl = c.acl;
  const roles: Record<string, { see: boolean; send: boolean }> = {};
  for (const r of aclRoles(st)) roles[r.id] = { see: acl?.read.includes(r.id) ?? false, send: acl?.send.includes(r.id) ?? false };
  return { private: acl !== undefined, roles, accounts: new Set(acl?.accounts.map(toHex) ?? []) };
};

/** The ACL a draft stands for (undefined: public). Sending without seeing is kept as the person chose it. */
export const aclOf = (d: AccessDraft, accounts: ReadonlyMap<string, Uint8Array>): ChannelAcl | undefined => {
  if (!d.private) return undefined;
  const ids = Object.keys(d.roles).sort();
  return {
    read: ids.filter((id) => d.roles[id]?.see === true),
    send: ids.filter((id) => d.roles[id]?.send === true),
    accounts: [...d.accounts]
      .sort()
      .map((h) => accounts.get(h))
      .filter((a): a is Uint8Array => a !== undefined),
  };
};

/** Whether `account` may read `channel` once `acl` applies (the log's rule; capabilities as now). */
export const wouldRead = (st: RoomState, account: Uint8Array, c: ChannelInfo, acl: ChannelAcl | undefined): boolean => {
  const pos = st.length - 1;
  return st.can(account, CAP.READ, undefined, pos) && st.aclAllows({ ...c, acl }, account, CAP.READ, pos);
};

/** Whether this person may change who uses channels (MANAGE_CHANNELS); everyone else sees the dialog greyed. */
export const mayEditAccess = (st: RoomState, me: Uint8Array): boolean => st.can(me, CAP.MANAGE_CHANNELS, undefined, st.length - 1);

/**
 * Channels listed for this person: every public one (a banned or waiting person still sees where
 * they were), the private ones whose ACL lets them read, and all of them for those who manage channels.
 */
export const listedChannels = (st: RoomState, me: Uint8Array, channels: readonly ChannelInfo[]): ChannelInfo[] =>
  mayEditAccess(st, me) || equals(me, st.creator) ? [...channels] : channels.filter((c) => c.acl === undefined || st.aclAllows(c, me, CAP.READ, st.length - 1));

/** The ACL in words for the channel header's title and screen readers: "Moderators, Alice; Helpers send". */
export const accessSummary = (st: RoomState, acl: ChannelAcl, nameOf: (a: Uint8Array) => string): string => {
  const names = new Map(st.roles().map((r) => [r.id, r.name] as const));
  const role = (id: string) => (id === 'member' ? 'everyone' : (names.get(id) ?? id));
  const see = [...acl.read.map(role), ...acl.accounts.map(nameOf)];
  const sendOnly = acl.send.filter((r) => !acl.read.includes(r)).map(role);
  const readOnly = acl.read.filter((r) => !acl.send.includes(r)).map(role);
  const parts = [`Private to ${see.length === 0 ? 'the owner' : see.join(', ')}`];
  if (readOnly.length > 0) parts.push(`read-only for ${readOnly.join(', ')}`);
  if (sendOnly.length > 0) parts.push(`${sendOnly.join(', ')} may send without reading`);
  return parts.join('; ');
};
