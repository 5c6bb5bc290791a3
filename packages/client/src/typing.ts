/**
 * Typing signals (PROTOCOL 5.7): signing one for this device, and the receiver's checks on the
 * room's typing topic. Nothing here touches the store: a signal is shown, never kept.
 */
import { type CryptoPort, equals, openTyping, signTyping, TYPING_SKEW_MS, toHex, UnauthorizedError } from '@parley/protocol';
import type { TypingEvent } from './events.ts';
import type { Identity } from './identity.ts';
import type { RoomSession } from './room-session.ts';

export const typingSignal = (s: RoomSession, channel: Uint8Array, identity: Identity, now: number, crypto: CryptoPort): Uint8Array =>
  signTyping({ room: s.id, channel, device: identity.device.sign.publicKey, time: now }, identity.device.sign.secret, crypto);

/**
 * Opens a signal from `room`'s typing topic: the event to emit, undefined for one to drop quietly
 * (from `self`, this device, or the room not open here), or a ProtocolError for a forged or foreign
 * one. A hub, which has no device in the room, passes `self` undefined to check signals it relays.
 */
export const readTyping = (
  bytes: Uint8Array,
  room: Uint8Array,
  s: RoomSession | undefined,
  self: Uint8Array | undefined,
  now: number,
  crypto: CryptoPort,
): TypingEvent | undefined => {
  const t = openTyping(bytes, crypto);
  if (!equals(t.room, room)) throw new UnauthorizedError('typing.r', 'not the room of this topic');
  if (s === undefined || !s.ready) return undefined;
  if (self !== undefined && equals(t.device, self)) return undefined;
  if (Math.abs(now - t.time) > TYPING_SKEW_MS) throw new UnauthorizedError('typing.t', 'too far from this clock');
  const st = s.state;
  const pos = st.length - 1;
  const dev = st.deviceInfo(t.device);
  if (dev === undefined || dev.revoked) throw new UnauthorizedError('typing.d', 'not a certified device of the room');
  if (!st.isMember(dev.account, pos)) throw new UnauthorizedError('typing.d', 'not a member');
  if (st.channelAt(t.channel, pos) === undefined || !st.readableChannels(dev.account, pos).includes(toHex(t.channel)))
    throw new UnauthorizedError('typing.c', 'not a channel this member reads');
  return { room: s.id, channel: t.channel, account: dev.account };
};
