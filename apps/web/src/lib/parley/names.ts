/**
 * How a member is shown: by the name and colour of their signed profile in the room (what
 * @parley/client received), this device's own profile for itself, and a short handle from the
 * account key with a colour derived from it until a profile arrives. Names are labels, never
 * identifiers: a name that two members share is shown with each one's handle (THREATS 35).
 */
import type { Identity } from '@parley/client';
import { toHex } from '@parley/protocol';
import { colorForKey, shortHandle } from './colors.ts';

export interface Shown {
  readonly name: string;
  readonly color: number;
  readonly me: boolean;
  /** The short handle from the account key (shown beside a name that collides). */
  readonly handle: string;
}

export type ProfileOf = (account: Uint8Array) => { displayName: string; color: number } | undefined;

export const shownAs = (account: Uint8Array, me: Identity | undefined, profileOf?: ProfileOf): Shown => {
  const hex = toHex(account);
  const handle = shortHandle(hex);
  if (me !== undefined && toHex(me.account.publicKey) === hex) return { name: me.profile.body.displayName, color: me.profile.body.color, me: true, handle };
  const p = profileOf?.(account);
  if (p !== undefined) return { name: p.displayName, color: p.color, me: false, handle };
  return { name: handle, color: colorForKey(account), me: false, handle };
};

/** Names shared by more than one of these members (compared case- and space-insensitively). */
export const collidingNames = (shown: readonly Shown[]): Set<string> => {
  const key = (n: string) => n.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const count = new Map<string, number>();
  for (const s of shown) count.set(key(s.name), (count.get(key(s.name)) ?? 0) + 1);
  return new Set(shown.filter((s) => (count.get(key(s.name)) ?? 0) > 1).map((s) => s.name));
};
