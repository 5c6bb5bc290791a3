/**
 * The invite links this browser made, per room, in localStorage: an invite lives only in its URL until
 * someone joins with it, so the room's invite list shows these (with every link the log saw used).
 * The newest 50 per room are kept.
 */
const KEY = 'parley.invites.v1';
const KEEP = 50;

const load = (): Record<string, string[]> => {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string[]>) : {};
  } catch {
    return {};
  }
};

export const madeInvites = (roomHex: string): string[] => {
  const v = load()[roomHex];
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : [];
};

export const rememberInvite = (roomHex: string, url: string): void => {
  const all = load();
  all[roomHex] = [url, ...madeInvites(roomHex).filter((u) => u !== url)].slice(0, KEEP);
  globalThis.localStorage?.setItem(KEY, JSON.stringify(all));
};
