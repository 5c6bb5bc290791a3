/**
 * The one verification path for envelopes: decode -> validate -> authorize, against the replayed
 * authority log. Hot path (every message a peer sees): no re-encoding beyond open(), no allocations
 * besides the result.
 *
 * Order of authority checks (the first failure is the error):
 *   1. r == room id                                                    ERR_FIELD
 *   2. every head is a known valid entry; p = max position of heads    ERR_UNKNOWN_REFERENCE (hold, retry)
 *   3. a == u, or a is a device certified for account u                ERR_UNAUTHORIZED
 *   4. channel c exists at p                                           ERR_FIELD
 *   5. u may SEND in c at p                                            ERR_UNAUTHORIZED
 *   6. e == epoch of c at p, or the epoch the heads' ancestors count   ERR_FIELD
 *   7. s is not above any cut-off for (a, c) at p                      ERR_CUTOFF
 *   8. a revoked device: p is before its revocation                     ERR_UNAUTHORIZED
 */

import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView, DeviceInfo } from '../authority/view.ts';
import { equals } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { CutoffError, InvalidFieldError, UnauthorizedError, UnknownReferenceError } from '../errors.ts';
import { type Envelope, openEnvelope } from './envelope.ts';

/** An envelope that passed every check, with the authority position it is judged at. */
export interface ValidEnvelope {
  readonly envelope: Signed<Envelope>;
  /** Max position of the envelope's authority heads in the current replay. */
  readonly position: number;
}

/**
 * Checks that `device` may act for `account`: either the account key itself, or a device whose
 * certificate in the log names that account. Revocation is not checked here: a revoked device's
 * objects up to its cut-off stay valid (the cut-off check does the rest).
 */
export const assertDeviceOf = (view: AuthorityView, device: Uint8Array, account: Uint8Array, field: string): DeviceInfo | undefined => {
  if (equals(device, account)) return undefined;
  const info = view.deviceInfo(device);
  if (info === undefined) throw new UnauthorizedError(field, 'device is not certified in this room');
  if (!equals(info.account, account)) throw new UnauthorizedError(field, 'device is certified for another account');
  return info;
};

/** Max position among `heads`; throws UnknownReferenceError if any is not (yet) a valid entry. */
export const headsPosition = (view: AuthorityView, heads: readonly Uint8Array[], field: string): number => {
  let p = -1;
  for (let i = 0; i < heads.length; i++) {
    const pos = view.positionOf(heads[i] as Uint8Array);
    if (pos === undefined) throw new UnknownReferenceError(`${field}[${i}]`, 'authority head not known (yet)');
    if (pos > p) p = pos;
  }
  return p;
};

/** Authority checks for an opened envelope. Returns its position; throws a typed ProtocolError. */
export const validateEnvelope = (env: Signed<Envelope>, view: AuthorityView): ValidEnvelope => {
  const b = env.body;
  if (b.peer !== undefined) throw new InvalidFieldError('envelope.p', 'a direct envelope (validateDirectEnvelope judges it)');
  if (!equals(b.room, view.roomId)) throw new InvalidFieldError('envelope.r', 'not this room');
  const p = headsPosition(view, b.heads, 'envelope.h');
  const device = assertDeviceOf(view, b.device, b.account, 'envelope.a');
  if (view.channelAt(b.channel, p) === undefined) throw new InvalidFieldError('envelope.c', 'no such channel at the authority position');
  if (!view.can(b.account, CAP.SEND, b.channel, p)) throw new UnauthorizedError('envelope.send', 'author may not send in this channel');
  const epoch = view.epochAt(b.channel, p);
  // A concurrent rotation the author had not seen renumbers epochs after it: the author's own count
  // over its heads' ancestors is the epoch it meant (PROTOCOL 6.1).
  if (b.epoch !== epoch && (b.epoch > epoch || b.epoch !== view.causalEpoch(b.channel, b.heads))) {
    throw new InvalidFieldError('envelope.e', `epoch ${b.epoch} is neither the channel epoch ${epoch} at the authority position nor the one its heads count`);
  }
  const hit = view.cutoffViolation(b.device, b.channel, b.seq, p);
  if (hit !== undefined) throw new CutoffError('envelope.s', `seq ${b.seq} is above the ${hit.kind} cut-off ${hit.cutoff}`);
  // A revoked device's account keeps SEND, so "after the revocation" needs its own test: a
  // REVOKE_DEVICE cut-off covers every stream and every position before it, so when no cut-off
  // applies even to seq MAX, p is at or after the revocation.
  if (device?.revoked === true && view.cutoffViolation(b.device, b.channel, Number.MAX_SAFE_INTEGER, p) === undefined) {
    throw new UnauthorizedError('envelope.a', 'device is revoked at the authority position');
  }
  return { envelope: env, position: p };
};

/** decode -> verify signature -> authorize: the whole path for bytes off the wire. */
export const verifyEnvelope = (bytes: Uint8Array, view: AuthorityView, crypto: CryptoPort): ValidEnvelope =>
  validateEnvelope(openEnvelope(bytes, crypto), view);
