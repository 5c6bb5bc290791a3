/**
 * The store metadata of a verified object, read off its decoded body. One mapping for every caller,
 * so a peer and a hub index the same object the same way.
 */
import {
  type AuthorityEntry,
  type DeviceCert,
  type Envelope,
  type EpochBundle,
  equals,
  type InviteToken,
  type KeyShare,
  type Listing,
  type Presence,
  type Profile,
  type Signed,
  type Vote,
} from '@parley/protocol';
import { InvalidArgumentError } from './errors.ts';
import { checkObject, type StoredObject } from './stored-object.ts';

type Meta = Omit<StoredObject, 'id' | 'type' | 'bytes' | 'receivedAt' | 'room'> & { room?: Uint8Array | undefined };

const metaOf = (s: Signed<unknown>): Meta => {
  switch (s.type) {
    case 'ENVELOPE': {
      const b = s.body as Envelope;
      return { room: b.room, channel: b.channel, device: b.device, seq: b.seq, lamport: b.lamport, account: b.account };
    }
    case 'AUTHORITY_ENTRY': {
      const b = s.body as AuthorityEntry;
      return { room: b.room, device: b.signer, seq: b.seq, lamport: b.lamport, account: b.account };
    }
    case 'EPOCH_BUNDLE': {
      const b = s.body as EpochBundle;
      return { room: b.room, channel: b.channel, device: b.publisher, account: b.account };
    }
    case 'KEY_SHARE': {
      const b = s.body as KeyShare;
      return { room: b.room, device: b.sender, account: b.account };
    }
    case 'INVITE_TOKEN': {
      const b = s.body as InviteToken;
      return { room: b.room, device: b.issuer, account: b.account };
    }
    case 'PROFILE': {
      const b = s.body as Profile;
      return { device: b.signer, account: b.account };
    }
    case 'DEVICE_CERT': {
      const b = s.body as DeviceCert;
      return { device: s.signer, account: b.account };
    }
    case 'LISTING': {
      const b = s.body as Listing;
      return { room: b.room, device: s.signer, account: b.account };
    }
    case 'PRESENCE':
      return { room: (s.body as Presence).room, device: s.signer };
    case 'VOTE':
      return { room: (s.body as Vote).room, device: s.signer };
    case 'VOICE_SIGNAL':
      // Voice signalling is acted on and forgotten (PROTOCOL 11.1).
      throw new InvalidArgumentError('type', 'a VOICE_SIGNAL is never stored');
  }
};

/**
 * StoredObject for a verified signed object. `room` is required for room-less types (PROFILE,
 * DEVICE_CERT: the room whose members need it) and must match the body's room otherwise.
 */
export const storedFromSigned = (signed: Signed<unknown>, receivedAt: number, room?: Uint8Array): StoredObject => {
  const meta = metaOf(signed);
  const own = meta.room;
  if (own !== undefined && room !== undefined && !equals(own, room)) throw new InvalidArgumentError('room', `does not match the ${signed.type}'s own room`);
  const where = own ?? room;
  if (where === undefined) throw new InvalidArgumentError('room', `a ${signed.type} names no room: pass the room it is stored for`);
  return checkObject({ ...meta, id: signed.id, type: signed.type, room: where, bytes: signed.bytes, receivedAt });
};
