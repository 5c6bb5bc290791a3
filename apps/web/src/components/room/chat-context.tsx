'use client';
/**
 * What every message in the open channel needs from the room: who is who, the messages by id (for
 * reply quotes), and the calls that author edits, deletes and reactions. The pane provides it.
 */
import type { HistoryMessage } from '@parley/protocol';
import { createContext, useContext } from 'react';
import type { Mentionable } from '../../lib/parley/mentions.ts';
import type { Shown } from '../../lib/parley/names.ts';

export interface Chat {
  readonly meHex: string;
  /** The room's id (hex), for fetching a message's file. */
  readonly roomHex: string;
  /** This person was banned: messages without a key are ones sealed after the ban, not keys still on their way. */
  readonly banned: boolean;
  /** Hex id -> message, for the messages loaded in the pane. */
  readonly byId: ReadonlyMap<string, HistoryMessage>;
  readonly mentionables: readonly Mentionable[];
  shown(account: Uint8Array): Shown;
  reply(m: HistoryMessage): void;
  react(m: HistoryMessage, emoji: string, on: boolean): Promise<void>;
  edit(m: HistoryMessage, text: string): Promise<void>;
  remove(m: HistoryMessage): Promise<void>;
  /** What this person may do to a message that is not theirs (the log decides; see moderation.ts). */
  rights(m: HistoryMessage): { readonly delete: boolean; readonly pin: boolean };
  /** A moderator's DELETE_MESSAGE entry, with an optional reason: the message becomes a tombstone for everyone. */
  moderate(m: HistoryMessage, reason?: string): Promise<void>;
  /** For a removed message: the capability it was removed under (none for the author's own) and the remover's reason. */
  removal(m: HistoryMessage): { readonly capability: string | undefined; readonly reason: string | undefined } | undefined;
  pin(m: HistoryMessage, on: boolean): Promise<void>;
}

const Ctx = createContext<Chat | undefined>(undefined);

export const ChatProvider = Ctx.Provider;

export const useChat = (): Chat => {
  const c = useContext(Ctx);
  if (c === undefined) throw new Error('useChat outside the message pane');
  return c;
};
