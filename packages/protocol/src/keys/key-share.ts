/**
 * KEY_SHARE (type 0x31): epoch keys handed by one member's device to one other device (a newly
 * joined or newly added device, or a reader a bundle missed). Payload:
 *
 *   { a: sender device (signer), u: sender account, r: room id, d: recipient device key (32),
 *     w: ephemeral X25519 public key (32),
 *     ks: [[channel (16), epoch, key id (8), sealed key (48)], ...] strictly ascending by
 *         (channel, epoch, key id), 1..LIMITS.maxSharedKeys }
 *
 * Each key is sealed like a bundle entry (seal.ts) with context r || c || u64be(e) || k || d.
 * Valid iff, at the current position now = view.length - 1: r == room id; a is u or a non-revoked
 * device certified for u; d is a known, non-revoked device; for every row: channel c exists now, u can
 * READ c now, d's account can READ c now, e <= epochAt(c, now), and e == epochAt(c, now) unless the
 * room policy has historyVisible.
 */

import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView, DeviceInfo } from '../authority/view.ts';
import { compare, equals } from '../bytes.ts';
import type { CborMap } from '../codec/cbor.ts';
import { asArray, asBytes, asUint, onlyKeys, reqArray, reqBytes } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, UnauthorizedError, UnknownReferenceError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';
import { LIMITS } from '../limits.ts';
import { assertDeviceOf } from '../message/validate-envelope.ts';
import { KEY_ID_BYTES, keyIdOf, openSealedKey, SEALED_KEY_BYTES, sealContext, sealKey } from './seal.ts';

export interface SharedKeyRow {
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly keyId: Uint8Array;
  readonly sealed: Uint8Array;
}

export interface KeyShare {
  readonly sender: Uint8Array;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly recipient: Uint8Array;
  readonly ephemeral: Uint8Array;
  readonly keys: readonly SharedKeyRow[];
}

/** An epoch key in the clear, as a keyring holds it. */
export interface EpochKey {
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly keyId: Uint8Array;
  readonly key: Uint8Array;
}

const rowOrder = (x: Pick<SharedKeyRow, 'channel' | 'epoch' | 'keyId'>, y: Pick<SharedKeyRow, 'channel' | 'epoch' | 'keyId'>): number =>
  compare(x.channel, y.channel) || x.epoch - y.epoch || compare(x.keyId, y.keyId);

const readRows = (m: CborMap, f: string): SharedKeyRow[] => {
  const rows = reqArray(m, 'ks', f, LIMITS.maxSharedKeys);
  if (rows.length === 0) throw new InvalidFieldError(`${f}.ks`, 'at least one key is required');
  const out: SharedKeyRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const field = `${f}.ks[${i}]`;
    const row = asArray(rows[i] as CborMap, field, 4);
    if (row.length !== 4) throw new InvalidFieldError(field, 'expected [channel, epoch, key id, sealed key]');
    const r: SharedKeyRow = {
      channel: asBytes(row[0] as CborMap, `${field}[0]`, 16),
      epoch: asUint(row[1] as CborMap, `${field}[1]`),
      keyId: asBytes(row[2] as CborMap, `${field}[2]`, KEY_ID_BYTES),
      sealed: asBytes(row[3] as CborMap, `${field}[3]`, SEALED_KEY_BYTES),
    };
    if (i > 0 && rowOrder(out[i - 1] as SharedKeyRow, r) >= 0)
      throw new InvalidFieldError(`${f}.ks`, 'rows must be strictly ascending by (channel, epoch, key id)');
    out.push(r);
  }
  return out;
};

export const keyShareCodec: BodyCodec<KeyShare> = {
  type: 'KEY_SHARE',
  maxPayload: LIMITS.maxFrameBytes - 64 - 8,
  write: (s) => ({
    a: s.sender,
    u: s.account,
    r: s.room,
    d: s.recipient,
    w: s.ephemeral,
    ks: s.keys.map((k) => [k.channel, k.epoch, k.keyId, k.sealed]),
  }),
  read: (m: CborMap, f: string): KeyShare => {
    onlyKeys(m, ['a', 'u', 'r', 'd', 'w', 'ks'], f);
    return {
      sender: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      recipient: reqBytes(m, 'd', f, 32),
      ephemeral: reqBytes(m, 'w', f, 32),
      keys: readRows(m, f),
    };
  },
  signer: (s) => s.sender,
};

export interface ShareDraft {
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly recipient: Pick<DeviceInfo, 'device' | 'boxKey'>;
  readonly keys: readonly Pick<EpochKey, 'channel' | 'epoch' | 'key'>[];
}

/** Seals every key in `draft.keys` to the recipient device under one ephemeral and signs with `sender`. */
export const createKeyShare = (draft: ShareDraft, sender: KeyPair, ephemeral: KeyPair, crypto: CryptoPort): Signed<KeyShare> => {
  const d = draft.recipient.device;
  const rows = draft.keys
    .map((k) => {
      const keyId = keyIdOf(k.key, crypto);
      return { channel: k.channel, epoch: k.epoch, keyId, key: k.key };
    })
    .sort(rowOrder)
    .filter((r, i, a) => i === 0 || rowOrder(a[i - 1] as typeof r, r) !== 0)
    .map((r) => ({
      channel: r.channel,
      epoch: r.epoch,
      keyId: r.keyId,
      sealed: sealKey(r.key, ephemeral, draft.recipient.boxKey, sealContext(draft.room, r.channel, r.epoch, r.keyId, d), crypto),
    }));
  const body: KeyShare = { sender: sender.publicKey, account: draft.account, room: draft.room, recipient: d, ephemeral: ephemeral.publicKey, keys: rows };
  return sign(keyShareCodec, body, sender.secret, crypto);
};

export const openKeyShareFrame = (bytes: Uint8Array, crypto: CryptoPort): Signed<KeyShare> => open(keyShareCodec, bytes, crypto);

/** Opens every key of a share addressed to this device. Throws DecryptError if any row fails. */
export const openKeyShare = (share: KeyShare, box: KeyPair, crypto: CryptoPort): EpochKey[] =>
  share.keys.map((r) => ({
    channel: r.channel,
    epoch: r.epoch,
    keyId: r.keyId,
    key: openSealedKey(r.sealed, share.ephemeral, box, sealContext(share.room, r.channel, r.epoch, r.keyId, share.recipient), crypto, r.keyId),
  }));

/** Authority checks for an opened share, at the view's current position (see the file header). */
export const validateKeyShare = (share: Signed<KeyShare>, view: AuthorityView): void => {
  const s = share.body;
  if (!equals(s.room, view.roomId)) throw new InvalidFieldError('share.r', 'not this room');
  assertDeviceOf(view, s.sender, s.account, 'share.a');
  if (view.deviceInfo(s.sender)?.revoked === true) throw new UnauthorizedError('share.a', 'sender device is revoked');
  const to = view.deviceInfo(s.recipient);
  if (to === undefined) throw new UnknownReferenceError('share.d', 'recipient device not known (yet)');
  if (to.revoked) throw new UnauthorizedError('share.d', 'recipient device is revoked');
  const now = view.length - 1;
  const history = view.policy().historyVisible;
  for (let i = 0; i < s.keys.length; i++) {
    const r = s.keys[i] as SharedKeyRow;
    const f = `share.ks[${i}]`;
    if (view.channelAt(r.channel, now) === undefined) throw new InvalidFieldError(`${f}[0]`, 'no such channel');
    if (!view.can(s.account, CAP.READ, r.channel, now)) throw new UnauthorizedError(`${f}.sender`, 'sender may not read this channel');
    if (!view.can(to.account, CAP.READ, r.channel, now)) throw new UnauthorizedError(`${f}.recipient`, 'recipient may not read this channel');
    const current = view.epochAt(r.channel, now);
    if (r.epoch > current) throw new InvalidFieldError(`${f}[1]`, `epoch ${r.epoch} has not started`);
    if (r.epoch < current && !history) throw new UnauthorizedError(`${f}[1]`, 'past epochs may not be shared: history is not visible to new members');
  }
};

/** decode -> verify -> authorize for share frames off the wire. */
export const verifyKeyShare = (bytes: Uint8Array, view: AuthorityView, crypto: CryptoPort): Signed<KeyShare> => {
  const s = openKeyShareFrame(bytes, crypto);
  validateKeyShare(s, view);
  return s;
};
