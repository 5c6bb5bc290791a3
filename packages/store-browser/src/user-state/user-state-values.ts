/**
 * The values a person's own state holds, how they are checked on the way in, and how they are
 * read back defensively (a Yjs document may hold anything another device of the account wrote,
 * even a buggy one, so a malformed entry is skipped, never trusted).
 */
import { fromHex, toHex } from '@parley/protocol';
import { type Cursor, checkBytes, checkChannel, checkCursor, checkRoom, InvalidArgumentError, KEY_BYTES } from '@parley/store';

/** Bounds on what a person's state holds; checked before anything is written. */
export const USER_STATE_VALUE_LIMITS = {
  roomNameChars: 100,
  hubs: 16,
  hubChars: 1024,
  settingKeyChars: 64,
  settingValueChars: 1024,
  draftChars: 4000,
  nicknameChars: 64,
} as const;

export interface JoinedRoom {
  /** The room id (32 bytes). */
  readonly room: Uint8Array;
  readonly name: string;
  /** Hub addresses from the invite (multiaddrs), for reconnecting on any device. */
  readonly hubs: readonly string[];
  /** When this person joined (ms since the epoch). */
  readonly joinedAt: number;
}

export type SettingValue = string | number | boolean | null;

/** What a room entry is stored as (keyed by the room's hex id). */
export interface RoomValue {
  readonly name: string;
  readonly hubs: readonly string[];
  readonly joinedAt: number;
}

/** What a read marker is stored as: a position in the channel's (lamport, id) order. */
export interface MarkerValue {
  readonly lamport: number;
  readonly id: string;
}

const text = (v: unknown, field: string, max: number, allowEmpty = false): string => {
  if (typeof v !== 'string' || (!allowEmpty && v.length === 0) || v.length > max) {
    throw new InvalidArgumentError(field, `expected a ${allowEmpty ? '' : 'non-empty '}string of at most ${max} characters`);
  }
  return v;
};

export const checkJoinedRoom = (r: JoinedRoom): RoomValue & { key: string } => {
  if (typeof r !== 'object' || r === null) throw new InvalidArgumentError('room', 'expected { room, name, hubs, joinedAt }');
  const key = toHex(checkRoom(r.room, 'room.room'));
  const name = text(r.name, 'room.name', USER_STATE_VALUE_LIMITS.roomNameChars);
  if (!Array.isArray(r.hubs) || r.hubs.length > USER_STATE_VALUE_LIMITS.hubs)
    throw new InvalidArgumentError('room.hubs', `expected at most ${USER_STATE_VALUE_LIMITS.hubs} addresses`);
  const hubs = r.hubs.map((h, i) => text(h, `room.hubs[${i}]`, USER_STATE_VALUE_LIMITS.hubChars));
  if (!Number.isSafeInteger(r.joinedAt) || r.joinedAt < 0) throw new InvalidArgumentError('room.joinedAt', 'expected ms since the epoch');
  return { key, name, hubs, joinedAt: r.joinedAt };
};

export const readRoom = (key: string, v: unknown): JoinedRoom | undefined => {
  const x = v as Partial<RoomValue> | null;
  if (typeof x !== 'object' || x === null || !/^[0-9a-f]{64}$/.test(key)) return undefined;
  if (typeof x.name !== 'string' || !Array.isArray(x.hubs) || !x.hubs.every((h) => typeof h === 'string') || !Number.isSafeInteger(x.joinedAt))
    return undefined;
  return { room: fromHex(key), name: x.name, hubs: [...x.hubs], joinedAt: x.joinedAt as number };
};

export const checkSettingKey = (key: string): string => text(key, 'key', USER_STATE_VALUE_LIMITS.settingKeyChars);

export const checkSettingValue = (v: SettingValue): SettingValue => {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') return text(v, 'value', USER_STATE_VALUE_LIMITS.settingValueChars, true);
  throw new InvalidArgumentError('value', 'expected a string, finite number, boolean or null');
};

export const readSetting = (v: unknown): SettingValue | undefined =>
  v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;

/** The key of a room entry. */
export const roomKey = (room: Uint8Array): string => toHex(checkRoom(room));

/** The key of a per-channel entry (drafts, read markers). */
export const channelKey = (room: Uint8Array, channel: Uint8Array): string => `${toHex(checkRoom(room))}:${toHex(checkChannel(channel))}`;

export const checkDraft = (t: string): string => text(t, 'text', USER_STATE_VALUE_LIMITS.draftChars, true);

export const checkMarker = (c: Cursor): MarkerValue => {
  const checked = checkCursor(c, 'cursor');
  return { lamport: checked.lamport, id: toHex(checked.id) };
};

export const readMarker = (v: unknown): MarkerValue | undefined => {
  const x = v as Partial<MarkerValue> | null;
  if (typeof x !== 'object' || x === null || !Number.isSafeInteger(x.lamport) || (x.lamport as number) < 0) return undefined;
  return typeof x.id === 'string' && /^[0-9a-f]{64}$/.test(x.id) ? { lamport: x.lamport as number, id: x.id } : undefined;
};

/** (lamport, id) order; ids are lowercase hex of equal length, so string order is byte order. */
export const compareMarkers = (a: MarkerValue, b: MarkerValue): number => a.lamport - b.lamport || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const accountKey = (account: Uint8Array): string => toHex(checkBytes(account, 'account', KEY_BYTES));

export const checkNickname = (name: string): string => text(name, 'name', USER_STATE_VALUE_LIMITS.nicknameChars);
