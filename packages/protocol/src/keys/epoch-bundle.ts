/**
 * EPOCH_BUNDLE (type 0x30): one channel epoch key sealed to every reading device. Payload:
 *
 *   { a: publisher device (signer), u: publisher account, r: room id, c: channel id (16), e: epoch,
 *     t: trigger entry id (32), k: key id (8), w: ephemeral X25519 public key (32),
 *     s: [[device key (32), sealed key (48)], ...] strictly ascending by device key, at least one }
 *
 * Valid iff (against the replayed log, at the trigger's position tp):
 *   r == room id; a is u or a device certified for u; t == epochTrigger(c, e).entryId (unknown
 *   trigger: hold and retry); a is not a revoked device; u can READ c at tp or holds MANAGE_KEYS at
 *   tp; every recipient is in
 *   readersAt(c, tp) (one non-reader rejects the whole bundle, THREATS 16).
 * Among valid bundles for (c, e), the one with the lowest id is canonical: its key id names the key
 * senders must use. A publisher may split recipients over several bundles with the same key (and key
 * id); every valid bundle sealing the canonical key id to a device gives it the canonical key.
 */

import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView, DeviceInfo } from '../authority/view.ts';
import { compare, equals } from '../bytes.ts';
import type { CborMap } from '../codec/cbor.ts';
import { asArray, asBytes, onlyKeys, reqArray, reqBytes, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecryptError, InvalidFieldError, UnauthorizedError, UnknownReferenceError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';
import { LIMITS } from '../limits.ts';
import { assertDeviceOf } from '../message/validate-envelope.ts';
import { KEY_ID_BYTES, keyIdOf, openSealedKey, SEALED_KEY_BYTES, sealContext, sealKey } from './seal.ts';

export interface SealedFor {
  readonly device: Uint8Array;
  readonly sealed: Uint8Array;
}

export interface EpochBundle {
  readonly publisher: Uint8Array;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly trigger: Uint8Array;
  readonly keyId: Uint8Array;
  readonly ephemeral: Uint8Array;
  readonly recipients: readonly SealedFor[];
}

/** Recipients per frame that keep a bundle under LIMITS.maxFrameBytes (about 86 bytes each). */
export const RECIPIENTS_PER_BUNDLE = LIMITS.maxBundleRecipients;

const readRecipients = (m: CborMap, f: string): SealedFor[] => {
  const rows = reqArray(m, 's', f, LIMITS.maxBundleRecipients);
  if (rows.length === 0) throw new InvalidFieldError(`${f}.s`, 'at least one recipient is required');
  const out: SealedFor[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const field = `${f}.s[${i}]`;
    const row = asArray(rows[i] as CborMap, field, 2);
    if (row.length !== 2) throw new InvalidFieldError(field, 'expected [device, sealed key]');
    const device = asBytes(row[0] as CborMap, `${field}[0]`, 32);
    if (i > 0 && compare((out[i - 1] as SealedFor).device, device) >= 0)
      throw new InvalidFieldError(`${f}.s`, 'recipients must be strictly ascending by device key');
    out[i] = { device, sealed: asBytes(row[1] as CborMap, `${field}[1]`, SEALED_KEY_BYTES) };
  }
  return out;
};

export const epochBundleCodec: BodyCodec<EpochBundle> = {
  type: 'EPOCH_BUNDLE',
  maxPayload: LIMITS.maxFrameBytes - 64 - 8,
  write: (b) => ({
    a: b.publisher,
    u: b.account,
    r: b.room,
    c: b.channel,
    e: b.epoch,
    t: b.trigger,
    k: b.keyId,
    w: b.ephemeral,
    s: b.recipients.map((x) => [x.device, x.sealed]),
  }),
  read: (m: CborMap, f: string): EpochBundle => {
    onlyKeys(m, ['a', 'u', 'r', 'c', 'e', 't', 'k', 'w', 's'], f);
    return {
      publisher: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      channel: reqBytes(m, 'c', f, 16),
      epoch: reqUint(m, 'e', f),
      trigger: reqBytes(m, 't', f, 32),
      keyId: reqBytes(m, 'k', f, KEY_ID_BYTES),
      ephemeral: reqBytes(m, 'w', f, 32),
      recipients: readRecipients(m, f),
    };
  },
  signer: (b) => b.publisher,
};

export interface BundleDraft {
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly trigger: Uint8Array;
  readonly epochKey: Uint8Array;
  /** Recipients' device keys and X25519 box keys (e.g. view.readersAt(c, triggerPos)). */
  readonly recipients: readonly Pick<DeviceInfo, 'device' | 'boxKey'>[];
}

/**
 * Seals `draft.epochKey` to every recipient under one ephemeral keypair and signs with `publisher`.
 * Recipients whose box key is low-order (unusable) are skipped.
 */
export const createEpochBundle = (draft: BundleDraft, publisher: KeyPair, ephemeral: KeyPair, crypto: CryptoPort): Signed<EpochBundle> => {
  const keyId = keyIdOf(draft.epochKey, crypto);
  const sorted = [...draft.recipients].sort((x, y) => compare(x.device, y.device));
  const recipients: SealedFor[] = [];
  for (const r of sorted) {
    try {
      recipients.push({
        device: r.device,
        sealed: sealKey(draft.epochKey, ephemeral, r.boxKey, sealContext(draft.room, draft.channel, draft.epoch, keyId, r.device), crypto),
      });
    } catch (e) {
      // A low-order box key can never open a seal; leaving it out keeps one bad certificate from
      // blocking every rotation.
      if (!(e instanceof DecryptError)) throw e;
    }
  }
  const body: EpochBundle = {
    publisher: publisher.publicKey,
    account: draft.account,
    room: draft.room,
    channel: draft.channel,
    epoch: draft.epoch,
    trigger: draft.trigger,
    keyId,
    ephemeral: ephemeral.publicKey,
    recipients,
  };
  return sign(epochBundleCodec, body, publisher.secret, crypto);
};

export const openEpochBundleFrame = (bytes: Uint8Array, crypto: CryptoPort): Signed<EpochBundle> => open(epochBundleCodec, bytes, crypto);

const findRecipient = (recipients: readonly SealedFor[], device: Uint8Array): SealedFor | undefined => {
  let lo = 0;
  let hi = recipients.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = recipients[mid] as SealedFor;
    const d = compare(r.device, device);
    if (d === 0) return r;
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
};

/**
 * The epoch key this bundle seals to `device` (its Ed25519 key) with box keypair `box`, or undefined
 * if the device is not a recipient. Throws DecryptError if the seal does not open or the key does not
 * match the bundle's key id.
 */
export const openEpochBundle = (bundle: EpochBundle, device: Uint8Array, box: KeyPair, crypto: CryptoPort): Uint8Array | undefined => {
  const mine = findRecipient(bundle.recipients, device);
  if (mine === undefined) return undefined;
  const ctx = sealContext(bundle.room, bundle.channel, bundle.epoch, bundle.keyId, device);
  return openSealedKey(mine.sealed, bundle.ephemeral, box, ctx, crypto, bundle.keyId);
};

/** Authority checks for an opened bundle (see the file header). Returns the trigger's position. */
export const validateEpochBundle = (bundle: Signed<EpochBundle>, view: AuthorityView): { position: number } => {
  const b = bundle.body;
  if (!equals(b.room, view.roomId)) throw new InvalidFieldError('bundle.r', 'not this room');
  let trig = view.epochTrigger(b.channel, b.epoch);
  if (trig === undefined) {
    throw new UnknownReferenceError('bundle.e', `epoch ${b.epoch} of this channel has not started (yet)`);
  }
  if (!equals(trig.entryId, b.trigger)) {
    const at = view.positionOf(b.trigger);
    if (at === undefined) throw new UnknownReferenceError('bundle.t', 'trigger entry not known (yet)');
    // Published before a concurrent rotation renumbered the epochs: valid if `t` started an epoch
    // and its own ancestors count `e` (PROTOCOL 6.1); its readers are then checked at `t`.
    const own = view.epochAt(b.channel, at);
    const started = view.epochTrigger(b.channel, own);
    if (started === undefined || !equals(started.entryId, b.trigger) || view.causalEpoch(b.channel, [b.trigger]) !== b.epoch) {
      throw new InvalidFieldError('bundle.t', 'not the entry that started this epoch');
    }
    trig = started;
  }
  const tp = trig.position;
  assertDeviceOf(view, b.publisher, b.account, 'bundle.a');
  // Whoever publishes knows the key: a revoked (possibly stolen) device must not pick it.
  if (view.deviceInfo(b.publisher)?.revoked === true) throw new UnauthorizedError('bundle.a', 'publisher device is revoked');
  if (!view.can(b.account, CAP.READ, b.channel, tp) && !view.can(b.account, CAP.MANAGE_KEYS, b.channel, tp)) {
    throw new UnauthorizedError('bundle.publisher', 'publisher may neither read the channel nor manage keys at the trigger');
  }
  // Both lists are sorted by device key: one merge walk.
  const readers = view.readersAt(b.channel, tp);
  let j = 0;
  for (let i = 0; i < b.recipients.length; i++) {
    const d = (b.recipients[i] as SealedFor).device;
    while (j < readers.length && compare((readers[j] as DeviceInfo).device, d) < 0) j++;
    if (j >= readers.length || !equals((readers[j] as DeviceInfo).device, d)) {
      throw new UnauthorizedError('bundle.s', `recipient ${i} is not a reader of the channel at the trigger`);
    }
  }
  return { position: tp };
};

/** decode -> verify -> authorize for bundle frames off the wire. */
export const verifyEpochBundle = (bytes: Uint8Array, view: AuthorityView, crypto: CryptoPort): Signed<EpochBundle> => {
  const b = openEpochBundleFrame(bytes, crypto);
  validateEpochBundle(b, view);
  return b;
};

/** The canonical bundle among VALID bundles for (channel, epoch): lowest id. */
export const canonicalBundle = (valid: Iterable<Signed<EpochBundle>>, channel: Uint8Array, epoch: number): Signed<EpochBundle> | undefined => {
  let best: Signed<EpochBundle> | undefined;
  for (const b of valid) {
    if (b.body.epoch !== epoch || !equals(b.body.channel, channel)) continue;
    if (best === undefined || compare(b.id, best.id) < 0) best = b;
  }
  return best;
};
