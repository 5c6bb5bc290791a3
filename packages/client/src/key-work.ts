/**
 * Channel key upkeep after the authority log changes: publish a missing epoch (a new channel, or a
 * BAN / REVOKE / ACL change that started a new epoch) and share keys with devices that joined.
 *
 * The flow, with no coordinator: every member who holds an earlier key may publish the next epoch;
 * the author of the triggering entry does it at once, others after a random delay and only if no
 * valid bundle has appeared meanwhile (concurrent bundles are harmless: the lowest id wins). Every
 * member who sees a JOIN by a device that has no KEY_SHARE yet shares its keys: the invite's issuer
 * (or the room creator) at once, others after a random delay, again only if nobody did it first.
 * Members who come online later see the JOIN and no share during catch-up and do the same.
 */
import {
  type CryptoPort,
  createKeyShare,
  type EpochKey,
  equals,
  type KeyPair,
  keysToShare,
  nextEpochToPublish,
  openInviteToken,
  type RandomSource,
  rotateChannelKey,
  toHex,
} from '@parley/protocol';
import type { Identity } from './identity.ts';
import type { RoomSession } from './room-session.ts';

export interface KeyWorkDeps {
  readonly identity: Identity;
  readonly crypto: CryptoPort;
  readonly random: RandomSource;
  /** Base of the random delay before a member who is not first in line acts (ms). */
  readonly delayMs: number;
  /** Ingests a frame authored here and publishes it on the room's authority topic. */
  readonly author: (s: RoomSession, bytes: Uint8Array) => Promise<void>;
  readonly schedule: (ms: number, fn: () => Promise<void>) => void;
}

const jitter = (random: RandomSource, base: number): number => base * (1 + (random(1)[0] as number) / 255);

export const keyWork = (d: KeyWorkDeps, s: RoomSession, inFlight: Set<string>): void => {
  if (!s.ready) return;
  const me = d.identity.account.publicKey;
  const myDevice = d.identity.device.sign.publicKey;
  const state = s.state;
  const now = state.length - 1;
  if (!state.isMember(me, now)) return;

  for (const p of nextEpochToPublish(state, s.keyring, me)) {
    const slot = `rot/${toHex(p.channel)}/${p.epoch}`;
    if (inFlight.has(slot)) continue;
    inFlight.add(slot);
    const trigger = state.entries[p.triggerPosition]?.entry;
    const first = trigger !== undefined && equals(trigger.body.signer, myDevice);
    d.schedule(first ? 0 : jitter(d.random, d.delayMs), async () => {
      try {
        const again = nextEpochToPublish(s.state, s.keyring, me).find((q) => equals(q.channel, p.channel) && q.epoch === p.epoch);
        if (again === undefined) return;
        const rot = rotateChannelKey(s.state, again, { account: me, device: d.identity.device.sign }, d.random, d.crypto);
        s.keyring.add(rot.key);
        for (const b of rot.bundles) await d.author(s, b.bytes);
      } finally {
        inFlight.delete(slot);
      }
    });
  }

  for (const m of state.members()) {
    for (const dev of m.devices) {
      const hex = toHex(dev.device);
      if (dev.revoked || equals(dev.device, myDevice)) continue;
      const slot = `share/${hex}`;
      if (inFlight.has(slot)) continue;
      // Keys nobody has shared with this device yet: a new device, or one of a member who came back
      // (unbanned, re-joined after a kick or a leave) and missed the epochs sealed while away.
      if (unshared(s, hex, keysToShare(state, s.keyring, me, dev.device)).length === 0) continue;
      inFlight.add(slot);
      // One's own new device (linked or recovered) hears from its other devices at once.
      const first = equals(state.creator, me) || equals(m.account, me) || invitedBy(s, m.account, me, d.crypto);
      d.schedule(first ? 0 : jitter(d.random, d.delayMs * 2), async () => {
        try {
          const keys = unshared(s, hex, keysToShare(s.state, s.keyring, me, dev.device));
          if (keys.length === 0) return;
          const esk = d.random(32);
          const ephemeral: KeyPair = { secret: esk, publicKey: d.crypto.x25519PublicKey(esk) };
          const share = createKeyShare({ account: me, room: s.id, recipient: dev, keys }, d.identity.device.sign, ephemeral, d.crypto);
          await d.author(s, share.bytes);
        } finally {
          inFlight.delete(slot);
        }
      });
    }
  }
};

/** The keys no KEY_SHARE has given `deviceHex` yet (by channel and epoch). */
const unshared = (s: RoomSession, deviceHex: string, keys: EpochKey[]): EpochKey[] =>
  keys.filter((k) => !s.sharedKeys.has(`${deviceHex}/${toHex(k.channel)}/${k.epoch}`));

/** Whether `account` joined with an invite issued by `issuer`. */
const invitedBy = (s: RoomSession, account: Uint8Array, issuer: Uint8Array, crypto: CryptoPort): boolean => {
  for (const e of s.state.validEntries()) {
    const a = e.body.action;
    if (a.kind !== 'join' || a.invite === undefined || !equals(e.body.account, account)) continue;
    try {
      if (equals(openInviteToken(a.invite, crypto).body.account, issuer)) return true;
    } catch {
      // an invalid token never made a valid JOIN
    }
  }
  return false;
};
