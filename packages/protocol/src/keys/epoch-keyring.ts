/**
 * A device's epoch keys, keyed by (channel, epoch, key id): every key it can open is kept, so
 * messages sent under a losing concurrent rotation still decrypt. It also tracks, per (channel,
 * epoch), the lowest-id valid bundle seen: its key id is the canonical one senders must use.
 * Whatever order bundles arrive in, the canonical choice converges (minimum is order-free).
 *
 * Plus the rotation helpers: which epochs lack a bundle and may be published by this member
 * (`nextEpochToPublish`), publishing one (`rotateChannelKey`), and what to share with a new device.
 */

import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView } from '../authority/view.ts';
import { compare, toHex } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import type { CryptoPort, RandomSource } from '../crypto/port.ts';
import type { KeyPair } from '../identity/keys.ts';
import { createEpochBundle, type EpochBundle, openEpochBundle, RECIPIENTS_PER_BUNDLE } from './epoch-bundle.ts';
import type { EpochKey } from './key-share.ts';
import { EPOCH_KEY_BYTES, keyIdOf } from './seal.ts';

const slot = (channel: Uint8Array, epoch: number): string => `${toHex(channel)}/${epoch}`;

export class EpochKeyring {
  readonly #keys = new Map<string, Map<string, EpochKey>>();
  readonly #canonical = new Map<string, { bundleId: Uint8Array; keyId: Uint8Array }>();

  /** Adds a key (from a bundle, a share, or generated here). Returns false if it was already held. */
  add(k: EpochKey): boolean {
    const s = slot(k.channel, k.epoch);
    let m = this.#keys.get(s);
    if (m === undefined) this.#keys.set(s, (m = new Map()));
    const id = toHex(k.keyId);
    if (m.has(id)) return false;
    m.set(id, k);
    return true;
  }

  get(channel: Uint8Array, epoch: number, keyId: Uint8Array): Uint8Array | undefined {
    return this.#keys.get(slot(channel, epoch))?.get(toHex(keyId))?.key;
  }

  /** Every key held for (channel, epoch), sorted by key id. */
  keysFor(channel: Uint8Array, epoch: number): EpochKey[] {
    return [...(this.#keys.get(slot(channel, epoch))?.values() ?? [])].sort((x, y) => compare(x.keyId, y.keyId));
  }

  /** Every key held, sorted by (channel, epoch, key id). */
  all(): EpochKey[] {
    return [...this.#keys.values()]
      .flatMap((m) => [...m.values()])
      .sort((x, y) => compare(x.channel, y.channel) || x.epoch - y.epoch || compare(x.keyId, y.keyId));
  }

  /** Records a VALID bundle (validateEpochBundle passed) as a canonical candidate for its (channel, epoch). */
  noteBundle(bundle: Signed<EpochBundle>): void {
    const s = slot(bundle.body.channel, bundle.body.epoch);
    const cur = this.#canonical.get(s);
    if (cur === undefined || compare(bundle.id, cur.bundleId) < 0) this.#canonical.set(s, { bundleId: bundle.id, keyId: bundle.body.keyId });
  }

  /** Notes a valid bundle and keeps the key it seals to this device, if any. Returns that key. */
  ingestBundle(bundle: Signed<EpochBundle>, device: Uint8Array, box: KeyPair, crypto: CryptoPort): Uint8Array | undefined {
    this.noteBundle(bundle);
    const key = openEpochBundle(bundle.body, device, box, crypto);
    if (key !== undefined) this.add({ channel: bundle.body.channel, epoch: bundle.body.epoch, keyId: bundle.body.keyId, key });
    return key;
  }

  /** The canonical key id for (channel, epoch), once any valid bundle for it is known. */
  canonicalKeyId(channel: Uint8Array, epoch: number): Uint8Array | undefined {
    return this.#canonical.get(slot(channel, epoch))?.keyId;
  }

  /** The key to send under in (channel, epoch): the canonical one, if this device holds it. */
  sendingKey(channel: Uint8Array, epoch: number): EpochKey | undefined {
    const keyId = this.canonicalKeyId(channel, epoch);
    if (keyId === undefined) return undefined;
    return this.#keys.get(slot(channel, epoch))?.get(toHex(keyId));
  }

  /** Whether any key of `channel` for an epoch below `epoch` is held. */
  holdsEarlier(channel: Uint8Array, epoch: number): boolean {
    for (let e = epoch - 1; e >= 0; e--) if ((this.#keys.get(slot(channel, e))?.size ?? 0) > 0) return true;
    return false;
  }
}

export interface PendingEpoch {
  readonly channel: Uint8Array;
  readonly epoch: number;
  readonly trigger: Uint8Array;
  readonly triggerPosition: number;
}

/**
 * Current epochs with no valid bundle known, that `account` may publish now: it can READ the channel
 * at the trigger (or holds MANAGE_KEYS there) and holds a key of an earlier epoch (or the epoch is
 * 0). Concurrent publishers are harmless: the lowest-id bundle wins everywhere. Clients should wait a
 * short random delay first (so one member usually publishes) and re-check.
 */
export const nextEpochToPublish = (view: AuthorityView, keyring: EpochKeyring, account: Uint8Array): PendingEpoch[] => {
  const now = view.length - 1;
  const out: PendingEpoch[] = [];
  for (const ch of view.channels()) {
    const epoch = view.epochAt(ch.id, now);
    if (keyring.canonicalKeyId(ch.id, epoch) !== undefined) continue;
    const trig = view.epochTrigger(ch.id, epoch);
    if (trig === undefined) continue;
    const p = trig.position;
    if (!view.can(account, CAP.READ, ch.id, p) && !view.can(account, CAP.MANAGE_KEYS, ch.id, p)) continue;
    if (epoch > 0 && !keyring.holdsEarlier(ch.id, epoch)) continue;
    out.push({ channel: ch.id, epoch, trigger: trig.entryId, triggerPosition: p });
  }
  return out.sort((x, y) => compare(x.channel, y.channel));
};

/** Whether `channel`'s current epoch still lacks a known valid bundle. */
export const needsRotation = (view: AuthorityView, keyring: EpochKeyring, channel: Uint8Array): boolean =>
  keyring.canonicalKeyId(channel, view.epochAt(channel, view.length - 1)) === undefined;

export interface Rotation {
  readonly key: EpochKey;
  /** One bundle per RECIPIENTS_PER_BUNDLE readers, all with the same key. */
  readonly bundles: Signed<EpochBundle>[];
}

/**
 * Makes a fresh key for `pending` and seals it to every reader at the trigger. `random` supplies the
 * key and one ephemeral secret per bundle. The caller adds `key` to its keyring and publishes.
 */
export const rotateChannelKey = (
  view: AuthorityView,
  pending: PendingEpoch,
  publisher: { readonly account: Uint8Array; readonly device: KeyPair },
  random: RandomSource,
  crypto: CryptoPort,
): Rotation => {
  const epochKey = random(EPOCH_KEY_BYTES);
  const readers = view.readersAt(pending.channel, pending.triggerPosition);
  const bundles: Signed<EpochBundle>[] = [];
  for (let i = 0; i < readers.length; i += RECIPIENTS_PER_BUNDLE) {
    const esk = random(32);
    const ephemeral = { secret: esk, publicKey: crypto.x25519PublicKey(esk) };
    const draft = {
      account: publisher.account,
      room: view.roomId,
      channel: pending.channel,
      epoch: pending.epoch,
      trigger: pending.trigger,
      epochKey,
      recipients: readers.slice(i, i + RECIPIENTS_PER_BUNDLE),
    };
    bundles.push(createEpochBundle(draft, publisher.device, ephemeral, crypto));
  }
  return { key: { channel: pending.channel, epoch: pending.epoch, keyId: keyIdOf(epochKey, crypto), key: epochKey }, bundles };
};

/**
 * Keys a sender may share with `recipientDevice` now (what validateKeyShare accepts): for every
 * channel both accounts can READ, the current epoch's keys and, if history is visible, earlier ones.
 */
export const keysToShare = (view: AuthorityView, keyring: EpochKeyring, sender: Uint8Array, recipientDevice: Uint8Array): EpochKey[] => {
  const to = view.deviceInfo(recipientDevice);
  if (to === undefined || to.revoked) return [];
  const now = view.length - 1;
  const history = view.policy().historyVisible;
  return keyring.all().filter((k) => {
    if (view.channelAt(k.channel, now) === undefined) return false;
    if (!view.can(sender, CAP.READ, k.channel, now) || !view.can(to.account, CAP.READ, k.channel, now)) return false;
    const current = view.epochAt(k.channel, now);
    return k.epoch === current || (history && k.epoch < current);
  });
};
