/**
 * When this browser last showed each channel (ms, this device's clock), in localStorage: a channel
 * with a newer message from someone else is unread, and the pane draws a "new messages" line above
 * the first message that arrived after the mark.
 */
const KEY = 'parley.read.v1';

const load = (): Record<string, number> => {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
};

const slot = (roomHex: string, channelHex: string) => `${roomHex}:${channelHex}`;

export const readMark = (roomHex: string, channelHex: string): number | undefined => {
  const v = load()[slot(roomHex, channelHex)];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

export const markRead = (roomHex: string, channelHex: string, at: number): void => {
  const all = load();
  const k = slot(roomHex, channelHex);
  if ((all[k] ?? 0) >= at) return;
  all[k] = at;
  globalThis.localStorage?.setItem(KEY, JSON.stringify(all));
};
