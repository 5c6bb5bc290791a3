/**
 * The audit log: every authority entry a replay saw, in the room's total order, with who signed it,
 * the capability it needed, its target, and what a reader can check for themselves: the signature
 * verifies over the entry's bytes, and its previous-entry links chain (every previous entry is
 * earlier in the order and its Lamport clock is one above theirs). Ordered entries a rule refused
 * (capability, rank, cut-off) are listed with the typed reason; entries that never chained (unknown
 * previous entries, a wrong Lamport clock) are not ordered, so not listed.
 */
import { hexOf } from '../bytes.ts';
import { open, type Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import type { Tombstone } from '../message/history.ts';
import type { CapabilityName } from './capabilities.ts';
import { type AuthorityEntry, type EntryAction, entryCodec } from './entry.ts';
import type { RoomState } from './room-state.ts';

export interface AuditEntry {
  readonly id: Uint8Array;
  /** Position in the room's total order. */
  readonly position: number;
  readonly kind: EntryAction['kind'];
  readonly signer: Uint8Array;
  readonly account: Uint8Array;
  readonly lamport: number;
  /** The author's clock (ms); informational, never trusted for ordering. */
  readonly time: number;
  /** The capability the action needs (undefined: the action needs none, e.g. JOIN, LEAVE, or the author acting on itself). */
  readonly capability: CapabilityName | undefined;
  /** The account, device or channel the action is about. */
  readonly target: Uint8Array | undefined;
  readonly status: 'valid' | 'rejected';
  /** The protocol error code and message when rejected. */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** The signature verifies over the entry's bytes with its signer key. */
  readonly signatureValid: boolean;
  /** Every previous entry is known and earlier in the order, and the Lamport clock is 1 + theirs (genesis: none, 0). */
  readonly chainIntact: boolean;
}

/** The capability an action is checked against (the own-message delete and own-invite revoke need none beyond membership). */
export const capabilityOf = (e: AuthorityEntry): CapabilityName | undefined => {
  const a = e.action;
  switch (a.kind) {
    case 'define_role':
    case 'grant':
    case 'revoke':
      return 'MANAGE_ROLES';
    case 'ban':
    case 'unban':
      return 'BAN';
    case 'kick':
      return 'KICK';
    case 'mute':
    case 'unmute':
      return 'MUTE';
    case 'set_policy':
    case 'set_discovery':
      return 'MANAGE_ROOM';
    case 'revoke_invite':
      return hexOf(a.issuer) === hexOf(e.account) ? 'INVITE' : 'MANAGE_ROOM';
    case 'create_channel':
    case 'edit_channel':
    case 'delete_channel':
    case 'set_channel_acl':
      return 'MANAGE_CHANNELS';
    case 'delete_message':
      return hexOf(a.author) === hexOf(e.account) ? undefined : 'DELETE_MESSAGES';
    case 'pin':
      return 'PIN';
    case 'rotate':
      return 'MANAGE_KEYS';
    default:
      return undefined;
  }
};

/** What the action is about: an account, a device, a channel or a message's author. */
export const targetOf = (a: EntryAction): Uint8Array | undefined => {
  switch (a.kind) {
    case 'grant':
    case 'revoke':
    case 'ban':
    case 'unban':
    case 'kick':
    case 'mute':
    case 'unmute':
      return a.target;
    case 'revoke_device':
      return a.device;
    case 'delete_message':
      return a.author;
    case 'create_channel':
    case 'edit_channel':
    case 'delete_channel':
    case 'set_channel_acl':
    case 'pin':
    case 'rotate':
      return a.channel;
    default:
      return undefined;
  }
};

const signatureValid = (e: Signed<AuthorityEntry>, crypto: CryptoPort): boolean => {
  try {
    open(entryCodec, e.bytes, crypto);
    return true;
  } catch {
    return false;
  }
};

/** Every ordered entry of `state`, in order. */
export const auditLog = (state: RoomState, crypto: CryptoPort): AuditEntry[] => {
  const problems = new Map<string, { code: string; message: string }>();
  for (const r of state.rejected) problems.set(hexOf(r.id), { code: r.error.code, message: r.error.message });
  const lamports = new Map<string, { position: number; lamport: number }>();
  const out: AuditEntry[] = [];
  const row = (e: Signed<AuthorityEntry>, position: number): AuditEntry => {
    const b = e.body;
    const p = problems.get(hexOf(e.id));
    let chain = b.prev.length === 0 ? b.lamport === 0 && position === 0 : true;
    let maxL = -1;
    for (const prev of b.prev) {
      const at = lamports.get(hexOf(prev));
      if (at === undefined || at.position >= position) chain = false;
      else maxL = Math.max(maxL, at.lamport);
    }
    if (b.prev.length > 0 && b.lamport !== maxL + 1) chain = false;
    return {
      id: e.id,
      position,
      kind: b.action.kind,
      signer: b.signer,
      account: b.account,
      lamport: b.lamport,
      time: b.time,
      capability: capabilityOf(b),
      target: targetOf(b.action),
      status: state.isValid(position) ? 'valid' : 'rejected',
      error: p === undefined ? undefined : { code: p.code, message: p.message },
      signatureValid: signatureValid(e, crypto),
      chainIntact: chain,
    };
  };
  for (const o of state.entries) {
    out.push(row(o.entry, o.position));
    lamports.set(o.hex, { position: o.position, lamport: o.entry.body.lamport });
  }
  return out;
};

/**
 * Why a message shows as removed, for the tombstone a member sees: who removed it (`tombstone.by`)
 * and under which capability (DELETE_MESSAGES for a moderator's delete, BAN for a ban with purge;
 * none when the author removed its own message).
 */
export const removalCapability = (tombstone: Tombstone, author: Uint8Array): CapabilityName | undefined => {
  if (tombstone.reason === 'purge') return 'BAN';
  if (tombstone.reason === 'delete' && hexOf(tombstone.by) !== hexOf(author)) return 'DELETE_MESSAGES';
  return undefined;
};

/**
 * The reason the remover gave, if any: the `rs` of the DELETE_MESSAGE entry (a moderator's delete)
 * or of the BAN (a ban with purge) that `tombstone` names. An author's own delete carries none.
 */
export const removalReason = (state: RoomState, tombstone: Tombstone): string | undefined => {
  if (tombstone.reason === 'author') return undefined;
  const p = state.positionOf(tombstone.entryId);
  const a = p === undefined ? undefined : state.entries[p]?.entry.body.action;
  return a?.kind === 'delete_message' || a?.kind === 'ban' ? a.reason : undefined;
};
