/**
 * The ratchet sessions this device holds with one other device (PROTOCOL 13.1): at most
 * MAX_SESSIONS; it sends on the one with the bytewise-lowest session id that has a sending chain, so
 * two devices that started sessions with each other at once settle on the same one.
 */
import { type CryptoPort, compare, decodeRatchetState, encodeRatchetState, equals, type RatchetState } from '@parley/protocol';
import type { DirectStore } from './direct-store.ts';

export const MAX_SESSIONS = 4;

export const sendingSession = (states: readonly RatchetState[]): RatchetState | undefined =>
  states.filter((s) => s.sendChain !== undefined).sort((a, b) => compare(a.session, b.session))[0];

/** `states` with `next` in place of the session of the same id (or added, the oldest dropped beyond MAX_SESSIONS). */
export const withSession = (states: readonly RatchetState[], next: RatchetState): RatchetState[] => {
  const i = states.findIndex((s) => equals(s.session, next.session));
  if (i >= 0) return states.map((s, j) => (j === i ? next : s));
  return [...states, next].slice(-MAX_SESSIONS);
};

export const loadSessions = async (store: DirectStore, peerHex: string, crypto: CryptoPort): Promise<RatchetState[]> => {
  const out: RatchetState[] = [];
  for (const b of await store.sessions(peerHex)) {
    try {
      out.push(decodeRatchetState(b, crypto));
    } catch {
      // A damaged session is dropped: the next message starts a new one.
    }
  }
  return out;
};

export const saveSessions = (store: DirectStore, peerHex: string, states: readonly RatchetState[]): Promise<void> =>
  store.saveSessions(peerHex, states.map(encodeRatchetState));
