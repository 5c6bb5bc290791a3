/**
 * STATUS: an ephemeral signal that a member's device is here (online), away from the keyboard
 * (idle), or leaving (offline). Never stored, synced or acknowledged; it travels only on the room's
 * status gossip topic. A canonical CBOR map
 *
 *   { v: 1, r: room id (32), d: signing device key (32), t: time (ms), p: status (0 online, 1 idle, 2 offline), s: signature (64) }
 *
 * where s is the device's Ed25519 signature over "parley/v1/STATUS" 0x00 || the canonical CBOR of
 * the map without s. `openStatus` decodes and checks the signature; whether the device speaks for
 * a member, and whether t is within STATUS_SKEW_MS of the receiver's clock, are the receiver's checks.
 */
import { concat, utf8 } from '../bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { onlyKeys, reqBytes, reqUint } from '../codec/fields.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError, SignatureError } from '../errors.ts';

/** A status frame is about 150 bytes; anything above this is refused before decoding. */
export const STATUS_MAX_BYTES = 256;
/** How far a signal's time may be from the receiver's clock (ms). */
export const STATUS_SKEW_MS = 30_000;
/** Senders repeat their status this often (ms) while the page is open. */
export const STATUS_REPEAT_MS = 30_000;
/** A receiver counts a device as present this long after its last signal (ms): two missed repeats and a margin. */
export const STATUS_TTL_MS = 75_000;

export const MEMBER_STATUSES = ['online', 'idle', 'offline'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface StatusSignal {
  readonly room: Uint8Array;
  readonly device: Uint8Array;
  /** Sender's clock (ms). */
  readonly time: number;
  readonly status: MemberStatus;
}

const DOMAIN = utf8('parley/v1/STATUS\u0000');

const body = (p: StatusSignal): CborMap => ({ v: 1, r: p.room, d: p.device, t: p.time, p: MEMBER_STATUSES.indexOf(p.status) });

/** Encodes and signs a status signal with the device's secret key. */
export const signStatus = (p: StatusSignal, deviceSecret: Uint8Array, crypto: CryptoPort): Uint8Array => {
  if (!MEMBER_STATUSES.includes(p.status)) throw new InvalidFieldError('status.p', 'unknown status');
  const unsigned = encodeCbor(body(p));
  const s = crypto.ed25519Sign(deviceSecret, concat(DOMAIN, unsigned));
  const bytes = encodeCbor({ ...body(p), s });
  openStatus(bytes, crypto);
  return bytes;
};

/** Decodes a status signal and verifies its signature; throws LimitError, DecodeError, NonCanonicalError, InvalidFieldError or SignatureError. */
export const openStatus = (bytes: Uint8Array, crypto: CryptoPort): StatusSignal => {
  if (bytes.length > STATUS_MAX_BYTES) throw new LimitError('status', STATUS_MAX_BYTES, bytes.length);
  const m = decodeCanonicalMap(bytes, 'status');
  onlyKeys(m, ['v', 'r', 'd', 't', 'p', 's'], 'status');
  if (reqUint(m, 'v', 'status') !== 1) throw new InvalidFieldError('status.v', 'unknown version');
  const code = reqUint(m, 'p', 'status');
  const status = MEMBER_STATUSES[code];
  if (status === undefined) throw new InvalidFieldError('status.p', `unknown status ${code}`);
  const p: StatusSignal = {
    room: reqBytes(m, 'r', 'status', 32),
    device: reqBytes(m, 'd', 'status', 32),
    time: reqUint(m, 't', 'status'),
    status,
  };
  const s = reqBytes(m, 's', 'status', 64);
  let ok = false;
  try {
    ok = crypto.ed25519Verify(p.device, concat(DOMAIN, encodeCbor(body(p))), s);
  } catch {
    // A device field that is not a curve point: the signature cannot verify.
  }
  if (!ok) throw new SignatureError('status.s');
  return p;
};
