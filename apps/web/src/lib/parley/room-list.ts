/** The rooms this browser has joined or created (hex id and the name shown in the rail), in localStorage. */
export interface KnownRoom {
  readonly hex: string;
  readonly name: string;
}

const KEY = 'parley.rooms.v1';

const isKnownRoom = (v: unknown): v is KnownRoom =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as KnownRoom).hex === 'string' &&
  /^[0-9a-f]{64}$/.test((v as KnownRoom).hex) &&
  typeof (v as KnownRoom).name === 'string';

export const loadRooms = (): KnownRoom[] => {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isKnownRoom) : [];
  } catch {
    return [];
  }
};

export const saveRoom = (room: KnownRoom): KnownRoom[] => {
  const rooms = loadRooms().filter((r) => r.hex !== room.hex);
  rooms.push(room);
  localStorage.setItem(KEY, JSON.stringify(rooms));
  return rooms;
};

export const forgetRoom = (hex: string): KnownRoom[] => {
  const rooms = loadRooms().filter((r) => r.hex !== hex);
  localStorage.setItem(KEY, JSON.stringify(rooms));
  return rooms;
};

/** Forgets every room (a different identity took over this browser). */
export const forgetRooms = (): void => {
  localStorage.removeItem(KEY);
};
