/**
 * INVITE_TOKEN: a capability to join one room, signed by a member who holds CAP.INVITE.
 *
 * Payload: { a: issuer device (or account) key, the signer; u: issuer account; r: room id (32);
 * i: token nonce (16 random bytes, the token's id for use counting and REVOKE_INVITE);
 * x: expiry ms (0 = never); m: max uses (0 = unlimited) }.
 *
 * Opening a token checks only its form and signature. Whether the issuer may invite, whether the token
 * is revoked, expired at the JOIN's time or used up is decided by the authority log replay
 * (authority/rules-membership.ts), the one place that knows the room's state.
 */
import type { CborMap } from '../codec/cbor.ts';
import { onlyKeys, reqBytes, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort, RandomSource } from '../crypto/port.ts';
import type { KeyPair } from '../identity/keys.ts';
import { LIMITS } from '../limits.ts';

export const INVITE_NONCE_BYTES = 16;

export interface InviteToken {
  /** `a`: the signing key (a device certified for `account`, or the account key itself). */
  readonly issuer: Uint8Array;
  /** `u`: the issuing account, which must hold CAP.INVITE when the JOIN is replayed. */
  readonly account: Uint8Array;
  /** `r`: the room the token admits to. */
  readonly room: Uint8Array;
  /** `i`: 16 random bytes naming this token (uses are counted and revocations keyed by it). */
  readonly nonce: Uint8Array;
  /** `x`: last valid JOIN time in ms (a JOIN at time <= x is in time); 0 = never expires. */
  readonly expiresAt: number;
  /** `m`: how many JOINs may use the token; 0 = unlimited. */
  readonly maxUses: number;
}

export const inviteTokenCodec: BodyCodec<InviteToken> = {
  type: 'INVITE_TOKEN',
  maxPayload: 256,
  write: (t) => ({ a: t.issuer, u: t.account, r: t.room, i: t.nonce, x: t.expiresAt, m: t.maxUses }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'u', 'r', 'i', 'x', 'm'], f);
    return {
      issuer: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      nonce: reqBytes(m, 'i', f, INVITE_NONCE_BYTES),
      expiresAt: reqUint(m, 'x', f, LIMITS.maxCounter),
      maxUses: reqUint(m, 'm', f, LIMITS.maxCounter),
    };
  },
  signer: (t) => t.issuer,
};

/** Signs a token with `secret`, the Ed25519 seed of `token.issuer`. */
export const signInviteToken = (token: InviteToken, secret: Uint8Array, crypto: CryptoPort): Signed<InviteToken> =>
  sign(inviteTokenCodec, token, secret, crypto);

export interface IssueInviteOptions {
  readonly signer: KeyPair;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  /** 0 (default) = never. */
  readonly expiresAt?: number;
  /** 0 (default) = unlimited. */
  readonly maxUses?: number;
}

/** Makes a fresh token: the nonce comes from `random` (crypto.getRandomValues in production). */
export const issueInviteToken = (o: IssueInviteOptions, random: RandomSource, crypto: CryptoPort): Signed<InviteToken> =>
  signInviteToken(
    { issuer: o.signer.publicKey, account: o.account, room: o.room, nonce: random(INVITE_NONCE_BYTES), expiresAt: o.expiresAt ?? 0, maxUses: o.maxUses ?? 0 },
    o.signer.secret,
    crypto,
  );

/** Decodes, validates and verifies a token frame (form and signature only; see the file comment). */
export const openInviteToken = (bytes: Uint8Array, crypto: CryptoPort): Signed<InviteToken> => open(inviteTokenCodec, bytes, crypto);

/** Whether a JOIN claiming time `at` is within the token's lifetime. */
export const inviteTokenInTime = (token: InviteToken, at: number): boolean => token.expiresAt === 0 || at <= token.expiresAt;
