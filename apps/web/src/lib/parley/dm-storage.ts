/**
 * The portal's DirectStore (PROTOCOL 13.6): direct-message sessions and conversations in
 * localStorage, beside the identity's keys (identity-storage.ts), so that a reload keeps both. One
 * tab leads (tab-lock.ts), so one writer. The sessions are secret like the identity: whoever reads
 * this origin's storage reads the conversations; clearing site data ends them on this device.
 */
import type { DirectMessage, DirectStore } from '@parley/client';
import { fromHex, toHex } from '@parley/protocol';

const SESSIONS = 'parley.dm.sessions.';
const MESSAGES = 'parley.dm.messages.';

interface StoredMessage {
  id: string;
  room: string;
  with: string;
  from: string;
  text: string;
  sentAt: number;
  outgoing: boolean;
}

const read = <T>(key: string, fallback: T): T => {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return raw === null || raw === undefined ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
};

const toMessage = (m: StoredMessage): DirectMessage => ({
  id: m.id,
  room: fromHex(m.room),
  with: fromHex(m.with),
  from: fromHex(m.from),
  text: m.text,
  sentAt: m.sentAt,
  outgoing: m.outgoing,
});

export class LocalDirectStore implements DirectStore {
  async sessions(peer: string): Promise<Uint8Array[]> {
    return read<string[]>(SESSIONS + peer, []).map((h) => fromHex(h));
  }

  async saveSessions(peer: string, sessions: readonly Uint8Array[]): Promise<void> {
    localStorage.setItem(SESSIONS + peer, JSON.stringify(sessions.map(toHex)));
  }

  async messages(account: string): Promise<DirectMessage[]> {
    return read<StoredMessage[]>(MESSAGES + account, []).map(toMessage);
  }

  async addMessage(account: string, m: DirectMessage): Promise<boolean> {
    const list = read<StoredMessage[]>(MESSAGES + account, []);
    if (list.some((x) => x.id === m.id)) return false;
    list.push({ id: m.id, room: toHex(m.room), with: toHex(m.with), from: toHex(m.from), text: m.text, sentAt: m.sentAt, outgoing: m.outgoing });
    localStorage.setItem(MESSAGES + account, JSON.stringify(list));
    return true;
  }

  async conversations(): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(MESSAGES)) out.push(k.slice(MESSAGES.length));
    }
    return out;
  }
}
