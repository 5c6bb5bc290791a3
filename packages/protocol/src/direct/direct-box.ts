/**
 * What a direct envelope's `x` carries (PROTOCOL 13.3): one ratchet ciphertext per recipient device,
 * as canonical DAG-CBOR, and the plaintext each one encrypts.
 *
 *   box       = { r: [{ d: recipient device (32), h: ratchet header (80), x: ciphertext }, ...] }
 *               1..maxDirectDevices entries, strictly ascending by d
 *   header    = session (32) || ratchet public key (32) || u64be(pn) || u64be(n)
 *   plaintext = { t: text (<= maxDirectTextBytes, newlines allowed), w: addressee account (32), z: sent at (ms) }
 *
 * `w` names the account the message is to, so that a copy in the sender's own inbox (for the
 * sender's other devices) says which conversation it belongs to; it is inside the ciphertext.
 */
import { compare } from '../bytes.ts';
import { decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { asMap, onlyKeys, reqArray, reqBytes, reqText, reqUint } from '../codec/fields.ts';
import { DecodeError, InvalidFieldError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { headerBytes, RATCHET_HEADER_BYTES, type RatchetHeader } from './ratchet.ts';

export interface DirectRecipient {
  readonly device: Uint8Array;
  readonly header: RatchetHeader;
  readonly ciphertext: Uint8Array;
}

export interface DirectBox {
  readonly recipients: readonly DirectRecipient[];
}

export interface DirectContent {
  readonly text: string;
  /** The account the message is addressed to. */
  readonly to: Uint8Array;
  readonly sentAt: number;
}

const readU64 = (b: Uint8Array, off: number, field: string): number => {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 4; i++) hi = hi * 256 + (b[off + i] as number);
  for (let i = 4; i < 8; i++) lo = lo * 256 + (b[off + i] as number);
  const n = hi * 0x1_0000_0000 + lo;
  if (!Number.isSafeInteger(n)) throw new InvalidFieldError(field, 'counter above 2^53 - 1');
  return n;
};

export const parseHeader = (b: Uint8Array, field: string): RatchetHeader => {
  if (b.length !== RATCHET_HEADER_BYTES) throw new InvalidFieldError(field, `expected ${RATCHET_HEADER_BYTES} bytes, got ${b.length}`);
  return { session: b.slice(0, 32), dh: b.slice(32, 64), pn: readU64(b, 64, `${field}.pn`), n: readU64(b, 72, `${field}.n`) };
};

export const encodeDirectBox = (box: DirectBox): Uint8Array => {
  const sorted = [...box.recipients].sort((a, b) => compare(a.device, b.device));
  return encodeCbor({ r: sorted.map((r) => ({ d: r.device, h: headerBytes(r.header), x: r.ciphertext })) });
};

/** Decodes a box: size first, then shape, counts, lengths and order, each error naming its field. */
export const decodeDirectBox = (bytes: Uint8Array, field = 'dm.box'): DirectBox => {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(field, 'expected bytes');
  if (bytes.length > LIMITS.maxCiphertextBytes) throw new LimitError(field, LIMITS.maxCiphertextBytes, bytes.length);
  const m = decodeCanonicalMap(bytes, field);
  onlyKeys(m, ['r'], field);
  const list = reqArray(m, 'r', field, LIMITS.maxDirectDevices);
  if (list.length === 0) throw new InvalidFieldError(`${field}.r`, 'at least one recipient device is required');
  const recipients = list.map((v, i): DirectRecipient => {
    const f = `${field}.r[${i}]`;
    const e = asMap(v, f);
    onlyKeys(e, ['d', 'h', 'x'], f);
    return {
      device: reqBytes(e, 'd', f, 32),
      header: parseHeader(reqBytes(e, 'h', f, RATCHET_HEADER_BYTES), `${f}.h`),
      ciphertext: reqBytes(e, 'x', f, undefined, LIMITS.maxDirectCiphertextBytes),
    };
  });
  for (let i = 1; i < recipients.length; i++) {
    if (compare((recipients[i - 1] as DirectRecipient).device, (recipients[i] as DirectRecipient).device) >= 0) {
      throw new InvalidFieldError(`${field}.r`, 'devices must be strictly ascending');
    }
  }
  return { recipients };
};

export const encodeDirectContent = (c: DirectContent): Uint8Array => encodeCbor({ t: c.text, w: c.to, z: c.sentAt });

export const decodeDirectContent = (bytes: Uint8Array, field = 'dm.content'): DirectContent => {
  if (bytes.length > LIMITS.maxDirectCiphertextBytes) throw new LimitError(field, LIMITS.maxDirectCiphertextBytes, bytes.length);
  const m = decodeCanonicalMap(bytes, field);
  onlyKeys(m, ['t', 'w', 'z'], field);
  return { text: reqText(m, 't', field, LIMITS.maxDirectTextBytes, false), to: reqBytes(m, 'w', field, 32), sentAt: reqUint(m, 'z', field) };
};
