/**
 * Where a device keeps its direct-message state (PROTOCOL 13.6): the ratchet sessions it holds with
 * each other device (secret: encoded with encodeRatchetState) and the decrypted conversations. The
 * object store keeps only the envelopes (ciphertext); the plaintext and the keys live here, on this
 * device. A plain key-value interface so that each platform backs it with what it has (IndexedDB,
 * a file, a Postgres row); `MemoryDirectStore` is the reference and the default.
 */

/** One message of a conversation, as this device knows it. */
export interface DirectMessage {
  /** The direct envelope's id (hex): the same message through any room or peer is one entry. */
  readonly id: string;
  /** The room that carried it. */
  readonly room: Uint8Array;
  /** The other account of the conversation. */
  readonly with: Uint8Array;
  /** The author's account (this account for sent messages). */
  readonly from: Uint8Array;
  readonly text: string;
  /** The author's clock when sending (ms). */
  readonly sentAt: number;
  /** Sent from this account (by this device or another of its devices). */
  readonly outgoing: boolean;
}

export interface DirectStore {
  /** Encoded ratchet sessions of this device with the device `peer` (hex). */
  sessions(peer: string): Promise<Uint8Array[]>;
  /** Replaces them (one write: a session's old keys are gone when this resolves). */
  saveSessions(peer: string, sessions: readonly Uint8Array[]): Promise<void>;
  /** The conversation with `account` (hex), in the order added. */
  messages(account: string): Promise<DirectMessage[]>;
  /** Adds a message unless one with its id is held; true when added. */
  addMessage(account: string, m: DirectMessage): Promise<boolean>;
  /** Accounts (hex) with at least one message. */
  conversations(): Promise<string[]>;
}

export class MemoryDirectStore implements DirectStore {
  readonly #sessions = new Map<string, Uint8Array[]>();
  readonly #messages = new Map<string, DirectMessage[]>();

  async sessions(peer: string): Promise<Uint8Array[]> {
    return [...(this.#sessions.get(peer) ?? [])];
  }

  async saveSessions(peer: string, sessions: readonly Uint8Array[]): Promise<void> {
    this.#sessions.set(
      peer,
      sessions.map((s) => s.slice()),
    );
  }

  async messages(account: string): Promise<DirectMessage[]> {
    return [...(this.#messages.get(account) ?? [])];
  }

  async addMessage(account: string, m: DirectMessage): Promise<boolean> {
    const list = this.#messages.get(account) ?? [];
    if (list.some((x) => x.id === m.id)) return false;
    list.push(m);
    this.#messages.set(account, list);
    return true;
  }

  async conversations(): Promise<string[]> {
    return [...this.#messages.keys()];
  }
}
