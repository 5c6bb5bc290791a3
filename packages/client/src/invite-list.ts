/**
 * The room's invites as its settings list them. An invite is a signed token that lives in a URL until
 * someone joins with it, so nobody sees every invite: this device lists the URLs it was handed (the
 * ones it made, kept by the caller) and every token the authority log has seen used (a valid JOIN
 * carries it), with the uses the log counted, whether a valid REVOKE_INVITE covers it (the issuer's
 * own, or one by a MANAGE_ROOM holder), and whether it expired. The log decides; this only reads it.
 */
import { CAP, type CryptoPort, equals, openInviteToken, parseInviteUrl, type RoomState, toHex } from '@parley/protocol';

export interface InviteInfo {
  /** The token's nonce (hex): what REVOKE_INVITE names. */
  readonly id: string;
  readonly nonce: Uint8Array;
  /** The issuing account. */
  readonly issuer: Uint8Array;
  /** ms; 0: never. */
  readonly expiresAt: number;
  /** 0: unlimited. */
  readonly maxUses: number;
  /** Valid JOINs that used it. */
  readonly uses: number;
  readonly revoked: boolean;
  readonly expired: boolean;
  /** The URL, when this device was given it (absent for tokens known only from the log). */
  readonly url: string | undefined;
}

interface Token {
  readonly nonce: Uint8Array;
  readonly account: Uint8Array;
  readonly expiresAt: number;
  readonly maxUses: number;
}

/** Whether a valid REVOKE_INVITE covers `t`: one naming its nonce by its issuer (with INVITE) or by a MANAGE_ROOM holder. */
const revokedIn = (state: RoomState, t: Token): boolean =>
  state.entries.some((o) => {
    const a = o.entry.body.action;
    if (a.kind !== 'revoke_invite' || !state.isValid(o.position) || !equals(a.token, t.nonce)) return false;
    return equals(a.issuer, t.account) || state.can(o.entry.body.account, CAP.MANAGE_ROOM, undefined, o.position - 1);
  });

/** Newest first by expiry, then by id; `made` are URLs of this room (others, and unreadable ones, are skipped). */
export const roomInvites = (state: RoomState, crypto: CryptoPort, made: readonly string[], now: number): InviteInfo[] => {
  const found = new Map<string, { token: Token; uses: number; url: string | undefined }>();
  for (const url of made) {
    try {
      const inv = parseInviteUrl(url, crypto);
      if (!equals(inv.room, state.roomId) || inv.token === undefined) continue;
      const t = inv.token.body;
      found.set(toHex(t.nonce), { token: { nonce: t.nonce, account: t.account, expiresAt: t.expiresAt, maxUses: t.maxUses }, uses: 0, url });
    } catch {
      // A stored URL that no longer parses lists nothing.
    }
  }
  for (const o of state.entries) {
    const a = o.entry.body.action;
    if (a.kind !== 'join' || a.invite === undefined || !state.isValid(o.position)) continue;
    const t = openInviteToken(a.invite, crypto).body; // valid JOIN: its token was opened and checked by the replay
    const id = toHex(t.nonce);
    const had = found.get(id);
    found.set(id, { token: had?.token ?? t, uses: (had?.uses ?? 0) + 1, url: had?.url });
  }
  return [...found.entries()]
    .map(([id, f]) => ({
      id,
      nonce: f.token.nonce,
      issuer: f.token.account,
      expiresAt: f.token.expiresAt,
      maxUses: f.token.maxUses,
      uses: f.uses,
      revoked: revokedIn(state, f.token),
      expired: f.token.expiresAt !== 0 && now > f.token.expiresAt,
      url: f.url,
    }))
    .sort((x, y) => (x.expiresAt === y.expiresAt ? (x.id < y.id ? -1 : 1) : x.expiresAt === 0 ? -1 : y.expiresAt === 0 ? 1 : y.expiresAt - x.expiresAt));
};

/** Whether `me` may revoke `invite`: its issuer holding INVITE, or anyone holding MANAGE_ROOM (the log's rule). */
export const mayRevokeInvite = (state: RoomState, me: Uint8Array, invite: Pick<InviteInfo, 'issuer'>): boolean => {
  const pos = state.length - 1;
  return (equals(me, invite.issuer) && state.can(me, CAP.INVITE, undefined, pos)) || state.can(me, CAP.MANAGE_ROOM, undefined, pos);
};
