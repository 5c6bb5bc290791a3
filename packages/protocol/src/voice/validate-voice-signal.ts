/**
 * Authorization of a voice signal against the replayed authority log, at its current end:
 *   1. r == room id                                                   ERR_FIELD
 *   2. c names a channel of kind voice                                 ERR_FIELD
 *   3. a == u, or a is a device certified for u, and not revoked       ERR_UNAUTHORIZED
 *   4. u is a member (not pending, not banned) who may READ c          ERR_UNAUTHORIZED
 * So a non-member, a banned member or a revoked device cannot join a call (THREATS 39).
 */
import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView } from '../authority/view.ts';
import { equals } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import { InvalidFieldError, UnauthorizedError } from '../errors.ts';
import { assertDeviceOf } from '../message/validate-envelope.ts';
import type { VoiceSignal } from './voice-signal.ts';

export const validateVoiceSignal = (s: Signed<VoiceSignal>, view: AuthorityView): Signed<VoiceSignal> => {
  const b = s.body;
  if (!equals(b.room, view.roomId)) throw new InvalidFieldError('VOICE_SIGNAL.r', 'not this room');
  const pos = view.length - 1;
  const ch = view.channelAt(b.channel, pos);
  if (ch === undefined) throw new InvalidFieldError('VOICE_SIGNAL.c', 'no such channel');
  if (ch.kind !== 'voice') throw new InvalidFieldError('VOICE_SIGNAL.c', 'not a voice channel');
  const device = assertDeviceOf(view, b.device, b.account, 'VOICE_SIGNAL.a');
  if (device?.revoked === true) throw new UnauthorizedError('VOICE_SIGNAL.a', 'device is revoked');
  const member = view.members().find((m) => equals(m.account, b.account));
  if (member === undefined || member.pending) throw new UnauthorizedError('VOICE_SIGNAL.u', 'not a member of the room');
  if (view.banned().some((x) => equals(x, b.account))) throw new UnauthorizedError('VOICE_SIGNAL.u', 'banned');
  if (!view.can(b.account, CAP.READ, b.channel, pos)) throw new UnauthorizedError('VOICE_SIGNAL.c', 'may not read this channel');
  return s;
};
