/**
 * A ratchet session as bytes, so a client can persist it (PROTOCOL 13.5). Canonical DAG-CBOR:
 *
 *   { v: 1, i: session (32), a: self device (32), b: peer device (32), r: root key (32),
 *     s: sending secret (32), q: sending public (32), p?: receiving public (32),
 *     c?: sending chain key (32), d?: receiving chain key (32), ns, nr, pn: uints,
 *     k: [[dh (32), n, message key (32)], ...] (<= MAX_SKIPPED_KEYS) }
 *
 * Size is checked before decoding; every field is checked and named in errors. A version other than
 * 1 is refused (a future layout gets its own number and reader here). These bytes are secret.
 */
import type { CborMap } from '../codec/cbor.ts';
import { decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { asArray, asBytes, asUint, compact, onlyKeys, optBytes, reqArray, reqBytes, reqUint } from '../codec/fields.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecodeError, InvalidFieldError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { MAX_SKIPPED_KEYS, type RatchetState, type SkippedKey } from './ratchet.ts';

export const RATCHET_STATE_VERSION = 1;
const KEYS = ['v', 'i', 'a', 'b', 'r', 's', 'q', 'p', 'c', 'd', 'ns', 'nr', 'pn', 'k'];

export const encodeRatchetState = (s: RatchetState): Uint8Array =>
  encodeCbor(
    compact({
      v: RATCHET_STATE_VERSION,
      i: s.session,
      a: s.self,
      b: s.peer,
      r: s.rootKey,
      s: s.sendSecret,
      q: s.sendPublic,
      p: s.recvPublic,
      c: s.sendChain,
      d: s.recvChain,
      ns: s.sendCount,
      nr: s.recvCount,
      pn: s.prevCount,
      k: s.skipped.map((k) => [k.dh, k.n, k.key]),
    }),
  );

/**
 * Reads a persisted session. With `crypto`, also checks that the sending public key belongs to the
 * sending secret (a store that mixed up two states is caught here, not by a failed decryption later).
 */
export const decodeRatchetState = (bytes: Uint8Array, crypto?: CryptoPort): RatchetState => {
  const f = 'ratchetState';
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(f, 'expected bytes');
  if (bytes.length > LIMITS.maxRatchetStateBytes) throw new LimitError(f, LIMITS.maxRatchetStateBytes, bytes.length);
  const m: CborMap = decodeCanonicalMap(bytes, f);
  const v = reqUint(m, 'v', f);
  if (v !== RATCHET_STATE_VERSION) throw new InvalidFieldError(`${f}.v`, `unsupported version ${v}`);
  onlyKeys(m, KEYS, f);
  const skipped: SkippedKey[] = reqArray(m, 'k', f, MAX_SKIPPED_KEYS).map((e, i) => {
    const t = asArray(e, `${f}.k[${i}]`, 3);
    const [dh, n, key] = t;
    if (dh === undefined || n === undefined || key === undefined) throw new InvalidFieldError(`${f}.k[${i}]`, 'expected [dh, n, key]');
    return { dh: asBytes(dh, `${f}.k[${i}][0]`, 32), n: asUint(n, `${f}.k[${i}][1]`), key: asBytes(key, `${f}.k[${i}][2]`, 32) };
  });
  const s: RatchetState = {
    session: reqBytes(m, 'i', f, 32),
    self: reqBytes(m, 'a', f, 32),
    peer: reqBytes(m, 'b', f, 32),
    rootKey: reqBytes(m, 'r', f, 32),
    sendSecret: reqBytes(m, 's', f, 32),
    sendPublic: reqBytes(m, 'q', f, 32),
    recvPublic: optBytes(m, 'p', f, 32),
    sendChain: optBytes(m, 'c', f, 32),
    recvChain: optBytes(m, 'd', f, 32),
    sendCount: reqUint(m, 'ns', f),
    recvCount: reqUint(m, 'nr', f),
    prevCount: reqUint(m, 'pn', f),
    skipped,
  };
  if (s.recvChain !== undefined && s.recvPublic === undefined) throw new InvalidFieldError(`${f}.d`, 'a receiving chain needs the receiving public key');
  if (crypto !== undefined) {
    const pub = crypto.x25519PublicKey(s.sendSecret);
    if (!pub.every((b, i) => b === s.sendPublic[i])) throw new InvalidFieldError(`${f}.q`, 'not the public key of the sending secret');
  }
  return s;
};
