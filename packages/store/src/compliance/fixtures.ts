/**
 * Synthetic objects for the compliance suite. The store does not verify signatures, so frames are a
 * correct two-byte header plus seeded random bytes, and ids are random: fast, reproducible, and
 * runnable anywhere (no Node APIs).
 */
import { OBJECT_TYPES, type ObjectTypeName, toHex } from '@parley/protocol';
import type { Cursor } from '../cursor.ts';
import type { StoredObject } from '../stored-object.ts';

/** mulberry32: a tiny seeded PRNG, so a failing case reproduces from its seed. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export class Fixtures {
  readonly rand: () => number;
  constructor(seed: number) {
    this.rand = prng(seed);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.rand() * 256);
    return out;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.rand() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  room = (): Uint8Array => this.bytes(32);
  channel = (): Uint8Array => this.bytes(16);
  key = (): Uint8Array => this.bytes(32);
  id = (): Uint8Array => this.bytes(32);

  frame(type: ObjectTypeName, size = 100): Uint8Array {
    const b = this.bytes(size);
    b[0] = 0x01;
    b[1] = OBJECT_TYPES[type];
    return b;
  }

  envelope(o: {
    room: Uint8Array;
    channel: Uint8Array;
    device: Uint8Array;
    seq: number;
    lamport: number;
    account?: Uint8Array;
    receivedAt?: number;
    size?: number;
  }): StoredObject {
    return {
      id: this.id(),
      type: 'ENVELOPE',
      room: o.room,
      channel: o.channel,
      device: o.device,
      seq: o.seq,
      lamport: o.lamport,
      account: o.account ?? this.key(),
      bytes: this.frame('ENVELOPE', o.size ?? 100),
      receivedAt: o.receivedAt ?? 1_700_000_000_000,
    };
  }

  entry(o: { room: Uint8Array; device: Uint8Array; seq: number; lamport: number; account?: Uint8Array; receivedAt?: number }): StoredObject {
    return {
      id: this.id(),
      type: 'AUTHORITY_ENTRY',
      room: o.room,
      device: o.device,
      seq: o.seq,
      lamport: o.lamport,
      account: o.account ?? this.key(),
      bytes: this.frame('AUTHORITY_ENTRY', 80),
      receivedAt: o.receivedAt ?? 1_700_000_000_000,
    };
  }

  /** A room-level object without seq or lamport (bundle, share, invite, profile, cert). */
  other(type: ObjectTypeName, room: Uint8Array, extra: Partial<StoredObject> = {}): StoredObject {
    return { id: this.id(), type, room, device: this.key(), account: this.key(), bytes: this.frame(type, 60), receivedAt: 1_700_000_000_000, ...extra };
  }

  /** `n` envelopes of one channel from `devices` devices, seqs 1.. per device, lamports with ties. */
  history(room: Uint8Array, channel: Uint8Array, n: number, devices = 3): StoredObject[] {
    const keys = Array.from({ length: devices }, () => this.key());
    const seqs = keys.map(() => 0);
    return Array.from({ length: n }, (_, i) => {
      const d = i % devices;
      seqs[d] = (seqs[d] as number) + 1;
      return this.envelope({
        room,
        channel,
        device: keys[d] as Uint8Array,
        seq: seqs[d] as number,
        lamport: 1 + Math.floor(i / 2),
        receivedAt: 1_700_000_000_000 + i,
      });
    });
  }
}

export const cursorOf = (o: StoredObject): Cursor => ({ lamport: o.lamport as number, id: o.id });

/** A readable, comparable form of an object: hex strings, every optional key present. */
export const norm = (o: StoredObject | undefined) =>
  o === undefined
    ? undefined
    : {
        id: toHex(o.id),
        type: o.type,
        room: toHex(o.room),
        channel: o.channel === undefined ? undefined : toHex(o.channel),
        device: o.device === undefined ? undefined : toHex(o.device),
        seq: o.seq,
        lamport: o.lamport,
        account: o.account === undefined ? undefined : toHex(o.account),
        bytes: toHex(o.bytes),
        receivedAt: o.receivedAt,
      };

export const ids = (os: readonly { id: Uint8Array }[]): string[] => os.map((o) => toHex(o.id));

/** Sort objects as history is ordered: (lamport, id). */
export const historyOrder = (os: readonly StoredObject[]): StoredObject[] =>
  [...os].sort((a, b) => (a.lamport as number) - (b.lamport as number) || (toHex(a.id) < toHex(b.id) ? -1 : toHex(a.id) > toHex(b.id) ? 1 : 0));
