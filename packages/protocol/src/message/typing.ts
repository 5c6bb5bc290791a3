/**
 * TYPING: an ephemeral signal that a member is writing in a channel. Never stored, synced or sent
 * to hubs; it travels only on the room's typing gossip topic. A canonical CBOR map
 *
 *   { v: 1, r: room id (32), c: channel id (16), d: signing device key (32), t: time (ms), s: signature (64) }
 *
 * where s is the device's Ed25519 signature over "parley/v1/TYPING" 0x00 || the canonical CBOR of the
 * map without s. `openTyping` decodes and checks the signature; whether the device speaks for a
 * member, and whether t is within TYPING_SKEW_MS of the receiver's clock, are the receiver's checks.
 */
import { concat, utf8 } from '../bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { onlyKeys, reqBytes, reqUint } from '../codec/fields.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError, SignatureError } from '../errors.ts';

/** A typing frame is about 170 bytes; anything above this is refused before decoding. */
export const TYPING_MAX_BYTES = 256;
/** How far a signal's time may be from the receiver's clock (ms). */
export const TYPING_SKEW_MS = 30_000;
/** How long a receiver shows "is typing" after a signal (ms); senders repeat every TYPING_REPEAT_MS while typing. */
export const TYPING_TTL_MS = 6_000;
export const TYPING_REPEAT_MS = 3_000;

export interface Typing {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly device: Uint8Array;
  /** Sender's clock (ms). */
  readonly time: number;
}

const DOMAIN = utf8('parley/v1/TYPING\u0000');

const body = (t: Typing): CborMap => ({ v: 1, r: t.room, c: t.channel, d: t.device, t: t.time });

/** Encodes and signs a typing signal with the device's secret key. */
export const signTyping = (t: Typing, deviceSecret: Uint8Array, crypto: CryptoPort): Uint8Array => {
  const unsigned = encodeCbor(body(t));
  const s = crypto.ed25519Sign(deviceSecret, concat(DOMAIN, unsigned));
  const bytes = encodeCbor({ ...body(t), s });
  openTyping(bytes, crypto);
  return bytes;
};

/** Decodes a typing signal and verifies its signature; throws LimitError, DecodeError, NonCanonicalError, InvalidFieldError or SignatureError. */
export const openTyping = (bytes: Uint8Array, crypto: CryptoPort): Typing => {
  if (bytes.length > TYPING_MAX_BYTES) throw new LimitError('typing', TYPING_MAX_BYTES, bytes.length);
  const m = decodeCanonicalMap(bytes, 'typing');
  onlyKeys(m, ['v', 'r', 'c', 'd', 't', 's'], 'typing');
  if (reqUint(m, 'v', 'typing') !== 1) throw new InvalidFieldError('typing.v', 'unknown version');
  const t: Typing = {
    room: reqBytes(m, 'r', 'typing', 32),
    channel: reqBytes(m, 'c', 'typing', 16),
    device: reqBytes(m, 'd', 'typing', 32),
    time: reqUint(m, 't', 'typing'),
  };
  const s = reqBytes(m, 's', 'typing', 64);
  let ok = false;
  try {
    ok = crypto.ed25519Verify(t.device, concat(DOMAIN, encodeCbor(body(t))), s);
  } catch {
    // A device field that is not a curve point: the signature cannot verify.
  }
  if (!ok) throw new SignatureError('typing.s');
  return t;
};
