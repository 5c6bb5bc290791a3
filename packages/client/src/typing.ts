/**
 * Typing signals (PROTOCOL 5.7): signing one for this device, and the receiver's checks on the
 * room's typing topic. Nothing here touches the store: a signal is shown, never kept.
 */
import { type CryptoPort, openTyping, signTyping, TYPING_SKEW_MS, toHex, UnauthorizedError } from '@parley/protocol';
import type { TypingEvent } from './events.ts';
import type { Identity } from './identity.ts';
import type { RoomSession } from './room-session.ts';
import { signalSender } from './signal-sender.ts';

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
  const account = signalSender('typing', t, room, s, self, now, TYPING_SKEW_MS);
  if (account === undefined || s === undefined) return undefined;
  const st = s.state;
  const pos = st.length - 1;
  if (st.channelAt(t.channel, pos) === undefined || !st.readableChannels(account, pos).includes(toHex(t.channel)))
    throw new UnauthorizedError('typing.c', 'not a channel this member reads');
  return { room: s.id, channel: t.channel, account };
};
