'use client';
/**
 * The toolbar over a message (shown on hover and whenever focus is inside the message): react, reply,
 * for one's own messages edit and delete, for a moderator delete (someone else's, outranked) and pin.
 * Delete asks first, inline (no browser dialog), saying whose message goes; a moderator may give a
 * reason, which the tombstone shows to everyone.
 */
import type { HistoryMessage } from '@parley/protocol';
import { useState } from 'react';
import { useChat } from './chat-context.tsx';
import { PencilIcon, PinIcon, ReplyIcon, SmileIcon, TrashIcon } from './icons.tsx';
import { InlineConfirm } from './inline-confirm.tsx';

export const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'] as const;

const iconButton =
  'flex h-8 w-8 items-center justify-center rounded text-[#b5bac1] hover:bg-[#404249] hover:text-white focus:outline-none focus:ring-2 focus:ring-white';

export const MessageActions = ({ message: m, mine, onEdit }: { message: HistoryMessage; mine: boolean; onEdit: () => void }) => {
  const chat = useChat();
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  if (m.deleted !== undefined) return null;
  const may = mine ? { delete: true, pin: chat.rights(m).pin } : chat.rights(m);
  const question = mine ? 'Delete this message?' : `Delete ${chat.shown(m.author).name}’s message for everyone?`;
  if (confirming)
    return (
      <InlineConfirm
        question={question}
        confirmLabel="Delete"
        onConfirm={() => {
          setConfirming(false);
          void (mine ? chat.remove(m) : chat.moderate(m, reason));
        }}
        onCancel={() => setConfirming(false)}
        className="absolute -top-4 right-4 z-10 gap-2 rounded-md bg-[#2b2d31] px-2 py-1 text-sm shadow-lg ring-1 ring-black/40"
        field={
          mine ? undefined : (
            <input
              aria-label="Reason (optional, shown to everyone)"
              placeholder="Reason (optional)"
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  setConfirming(false);
                  void chat.moderate(m, reason);
                }
              }}
              className="w-44 rounded bg-[#1e1f22] px-2 py-0.5 text-sm text-[#dbdee1] placeholder:text-[#949ba4] outline-none focus:ring-2 focus:ring-[#5865f2]"
            />
          )
        }
      />
    );
  return (
    <div
      role="toolbar"
      aria-label="Message actions"
      className={`absolute -top-4 right-4 z-10 flex items-center rounded-md bg-[#2b2d31] shadow-lg ring-1 ring-black/40 ${
        picking ? 'opacity-100' : 'opacity-0 group-hover:opacity-100 group-focus-within:opacity-100'
      }`}
    >
      {picking && (
        <ul aria-label="Pick a reaction" className="flex border-r border-black/30 px-1">
          {QUICK_EMOJI.map((e) => (
            <li key={e}>
              <button
                type="button"
                aria-label={`React with ${e}`}
                onClick={() => {
                  setPicking(false);
                  void chat.react(m, e, true);
                }}
                className={`${iconButton} text-lg`}
              >
                {e}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" aria-label="Add reaction" aria-expanded={picking} title="Add reaction" onClick={() => setPicking((p) => !p)} className={iconButton}>
        <SmileIcon />
      </button>
      <button type="button" aria-label="Reply" title="Reply" onClick={() => chat.reply(m)} className={iconButton}>
        <ReplyIcon />
      </button>
      {mine && m.text !== undefined && (
        <button type="button" aria-label="Edit" title="Edit" onClick={onEdit} className={iconButton}>
          <PencilIcon />
        </button>
      )}
      {may.pin && (
        <button
          type="button"
          aria-label={m.pinned ? 'Unpin' : 'Pin'}
          title={m.pinned ? 'Unpin' : 'Pin'}
          onClick={() => void chat.pin(m, !m.pinned)}
          className={iconButton}
        >
          <PinIcon />
        </button>
      )}
      {may.delete && (
        <button
          type="button"
          aria-label="Delete"
          title="Delete"
          onClick={() => {
            setReason('');
            setConfirming(true);
          }}
          className={`${iconButton} hover:text-[#f23f43]`}
        >
          <TrashIcon />
        </button>
      )}
    </div>
  );
};
