/**
 * Invite URLs: a signed token (uses, expiry) by this device, the room id, the addresses a joiner
 * dials first, and the room's authority heads, which the joiner's copy of the log must reach.
 */
import { type CryptoPort, encodeInviteUrl, issueInviteToken, type RandomSource } from '@parley/protocol';
import type { Identity } from './identity.ts';

export interface InviteOptions {
  readonly maxUses?: number;
  /** ms; absent or 0: never. */
  readonly expiresAt?: number;
  /** Default: this node's addresses (at most 8 are kept). */
  readonly addrs?: readonly string[];
  /** A display name for the invite page. */
  readonly name?: string;
}

export const inviteUrl = (
  identity: Identity,
  room: Uint8Array,
  /** The room's authority heads now: a joiner's log must reach them (THREATS 25). */
  heads: readonly Uint8Array[],
  defaultAddrs: readonly string[],
  origin: string,
  o: InviteOptions,
  random: RandomSource,
  crypto: CryptoPort,
): string => {
  const token = issueInviteToken(
    { signer: identity.device.sign, account: identity.account.publicKey, room, expiresAt: o.expiresAt, maxUses: o.maxUses },
    random,
    crypto,
  );
  const addrs = (o.addrs ?? defaultAddrs).slice(0, 8);
  return encodeInviteUrl({ room, addrs, token: token.bytes, name: o.name, heads: heads.length > 0 ? heads.slice(0, 16) : undefined }, origin);
};
