/**
 * The receiver's checks shared by the ephemeral signals (typing 5.7, status 5.8): the signal is for
 * the topic's room, recent by this clock, and signed by a certified, unrevoked device of a current
 * member. Errors name the signal's own fields (`typing.d`, `status.t`...).
 */
import { equals, UnauthorizedError } from '@parley/protocol';
import { signedBeforeRemoval } from './removed-at.ts';
import type { RoomSession } from './room-session.ts';

export interface SignalHead {
  readonly room: Uint8Array;
  readonly device: Uint8Array;
  readonly time: number;
}

/**
 * The account behind a signal, undefined for one to drop quietly (the room not open here, or from
 * `self`, this device; a hub passes undefined; or signed before its sender was removed, see
 * removed-at.ts), or an UnauthorizedError for a foreign, stale or stranger's one.
 */
export const signalSender = (
  kind: 'typing' | 'status',
  t: SignalHead,
  room: Uint8Array,
  s: RoomSession | undefined,
  self: Uint8Array | undefined,
  now: number,
  skewMs: number,
): Uint8Array | undefined => {
  if (!equals(t.room, room)) throw new UnauthorizedError(`${kind}.r`, 'not the room of this topic');
  if (s === undefined || !s.ready) return undefined;
  if (self !== undefined && equals(t.device, self)) return undefined;
  if (Math.abs(now - t.time) > skewMs) throw new UnauthorizedError(`${kind}.t`, 'too far from this clock');
  const st = s.state;
  const dev = st.deviceInfo(t.device);
  if (dev === undefined) throw new UnauthorizedError(`${kind}.d`, 'not a certified device of the room');
  const member = st.isMember(dev.account, st.length - 1);
  if (dev.revoked || !member) {
    // Signed before the ban (kick, leave, revocation) reached us: relayed while valid, so dropped
    // without blaming the relay (removed-at.ts). Signed after: a violation.
    if (signedBeforeRemoval(st, dev.account, t.time, t.device)) return undefined;
    throw new UnauthorizedError(`${kind}.d`, dev.revoked ? 'not a certified device of the room' : 'not a member');
  }
  return dev.account;
};
