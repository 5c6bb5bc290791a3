/**
 * This account's devices as the open rooms' logs know them (every valid certificate in a GENESIS,
 * JOIN or ADD_DEVICE of the account), and the REVOKE_DEVICE entries that remove one: cut off, per
 * room, at the highest authority seq this replay knows and the highest contiguous seq this device's
 * store holds of it in each channel; the rooms' members then rotate every channel's key.
 */
import { type CryptoPort, type CutoffRow, cutoffRows, equals, fromHex, openDeviceCert, toHex } from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import type { Identity } from '../identity.ts';
import type { RoomSession } from '../room-session.ts';

export interface AccountDevice {
  readonly device: Uint8Array;
  readonly label?: string | undefined;
  /** When the account certified it (ms, from its certificate). */
  readonly createdAt: number;
  readonly thisDevice: boolean;
  /** Revoked in any open room (a revocation is published in every room at once). */
  readonly revoked: boolean;
  /** Open rooms whose log certifies it. */
  readonly rooms: number;
}

export const accountDevices = (sessions: Iterable<RoomSession>, id: Identity, crypto: CryptoPort): AccountDevice[] => {
  const me = id.account.publicKey;
  const found = new Map<string, { device: Uint8Array; label?: string | undefined; createdAt: number; revoked: boolean; rooms: number }>();
  const note = (device: Uint8Array, label: string | undefined, createdAt: number) => {
    const h = toHex(device);
    if (!found.has(h)) found.set(h, { device, label, createdAt, revoked: false, rooms: 0 });
    return found.get(h) as { revoked: boolean; rooms: number };
  };
  note(id.device.sign.publicKey, id.cert.body.label, id.cert.body.createdAt);
  for (const s of sessions) {
    if (!s.ready) continue;
    const st = s.state;
    for (const e of st.validEntries()) {
      if (!equals(e.body.account, me)) continue;
      const a = e.body.action;
      const cert = a.kind === 'genesis' || a.kind === 'join' || a.kind === 'add_device' ? a.cert : undefined;
      if (cert === undefined) continue;
      try {
        const c = openDeviceCert(cert, crypto).body;
        note(c.device, c.label, c.createdAt);
      } catch {
        // a valid entry's certificate opened at replay; nothing to list otherwise
      }
    }
    for (const r of st.devicesOf(me)) {
      const x = found.get(toHex(r.device));
      if (x === undefined) continue;
      x.rooms++;
      if (r.revokedAt !== undefined) x.revoked = true;
    }
  }
  const mine = toHex(id.device.sign.publicKey);
  return [...found.entries()]
    .map(([h, x]) => ({ ...x, thisDevice: h === mine }))
    .sort((a, b) => a.createdAt - b.createdAt || toHex(a.device).localeCompare(toHex(b.device)));
};

/** The cut-off rows of a REVOKE_DEVICE for `device` of `account` in this room. */
export const deviceCutoffs = async (store: ObjectStore, s: RoomSession, account: Uint8Array, device: Uint8Array): Promise<CutoffRow[]> => {
  const hex = toHex(device);
  const rows: CutoffRow[] = [];
  for (const ch of s.state.channels()) {
    const seq = (await store.haveVector(s.id, ch.id))[hex];
    if (seq !== undefined && seq > 0) rows.push({ device: fromHex(hex), stream: ch.id, seq });
  }
  return cutoffRows(s.state, account, rows).filter((r) => equals(r.device, device));
};

/** Open rooms where `device` is a certified, unrevoked device of `account`. */
export const roomsWithDevice = (sessions: Iterable<RoomSession>, account: Uint8Array, device: Uint8Array): RoomSession[] =>
  [...sessions].filter((s) => {
    if (!s.ready) return false;
    const d = s.state.deviceInfo(device);
    return d !== undefined && !d.revoked && equals(d.account, account);
  });
