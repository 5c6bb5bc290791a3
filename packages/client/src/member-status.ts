/**
 * Member status (PROTOCOL 5.8): who is online, idle or offline in a room, from signed STATUS signals
 * on the room's status topic. Signing one for this device, the receiver's checks, and the book of
 * what each device last said. Nothing here touches the store: a status is shown, never kept.
 */
import { type CryptoPort, type MemberStatus, openStatus, STATUS_SKEW_MS, STATUS_TTL_MS, signStatus } from '@parley/protocol';
import type { Identity } from './identity.ts';
import type { RoomSession } from './room-session.ts';
import { signalSender } from './signal-sender.ts';

/** What this device tells others: its status, or nothing at all ('invisible': shown offline everywhere). */
export type OwnStatus = 'online' | 'idle' | 'invisible';

export const statusSignal = (room: Uint8Array, status: MemberStatus, identity: Identity, now: number, crypto: CryptoPort): Uint8Array =>
  signStatus({ room, device: identity.device.sign.publicKey, time: now, status }, identity.device.sign.secret, crypto);

export interface ReadStatus {
  readonly account: Uint8Array;
  readonly device: Uint8Array;
  readonly status: MemberStatus;
}

/**
 * Opens a signal from `room`'s status topic: what it says, undefined for one to drop quietly (from
 * `self`, or the room not open here), or a ProtocolError for a forged or foreign one. A hub, which
 * has no device in the room, passes `self` undefined to check signals it relays.
 */
export const readStatus = (
  bytes: Uint8Array,
  room: Uint8Array,
  s: RoomSession | undefined,
  self: Uint8Array | undefined,
  now: number,
  crypto: CryptoPort,
): ReadStatus | undefined => {
  const p = openStatus(bytes, crypto);
  const account = signalSender('status', p, room, s, self, now, STATUS_SKEW_MS);
  return account === undefined ? undefined : { account, device: p.device, status: p.status };
};

interface Heard {
  readonly status: MemberStatus;
  /** Receiver's clock when heard. */
  readonly at: number;
}

/**
 * What each device of each room last said, by the receiver's clock. An account is online when any
 * of its devices said 'online' within STATUS_TTL_MS, idle when its fresh ones all said 'idle', and
 * offline otherwise (silent, gone, or said 'offline').
 */
export class StatusBook {
  /** room hex -> account hex -> device hex -> last signal. */
  readonly #rooms = new Map<string, Map<string, Map<string, Heard>>>();
  readonly #ttlMs: number;

  constructor(ttlMs: number = STATUS_TTL_MS) {
    this.#ttlMs = ttlMs;
  }

  /**
   * Records a signal; returns the account's status before and after it, and whether the device was
   * silent before (a newcomer, who has not heard anyone yet).
   */
  record(room: string, account: string, device: string, status: MemberStatus, now: number): { before: MemberStatus; after: MemberStatus; newcomer: boolean } {
    let accounts = this.#rooms.get(room);
    if (accounts === undefined) this.#rooms.set(room, (accounts = new Map()));
    let devices = accounts.get(account);
    if (devices === undefined) accounts.set(account, (devices = new Map()));
    const before = this.#combine(devices, now);
    const prev = devices.get(device);
    const newcomer = prev === undefined || prev.status === 'offline' || now - prev.at > this.#ttlMs;
    devices.set(device, { status, at: now });
    return { before, after: this.#combine(devices, now), newcomer: newcomer && status !== 'offline' };
  }

  /** Every account of `room` that is online or idle now. */
  of(room: string, now: number): Map<string, MemberStatus> {
    const out = new Map<string, MemberStatus>();
    for (const [account, devices] of this.#rooms.get(room) ?? []) {
      const s = this.#combine(devices, now);
      if (s !== 'offline') out.set(account, s);
      // Forget devices silent for long: the book stays as small as the room's present members.
      for (const [d, h] of devices) if (now - h.at > 2 * this.#ttlMs) devices.delete(d);
    }
    return out;
  }

  forget(room: string): void {
    this.#rooms.delete(room);
  }

  #combine(devices: Map<string, Heard>, now: number): MemberStatus {
    let idle = false;
    for (const h of devices.values()) {
      if (now - h.at > this.#ttlMs || h.status === 'offline') continue;
      if (h.status === 'online') return 'online';
      idle = true;
    }
    return idle ? 'idle' : 'offline';
  }
}
