'use client';
/** Editing one's own message in place: Enter saves, Escape cancels, Shift+Enter breaks the line. */
import { type HistoryMessage, toHex } from '@parley/protocol';
import { type KeyboardEvent, useState } from 'react';
import { useChat } from './chat-context.tsx';

export const MessageEditor = ({ message: m, onDone }: { message: HistoryMessage; onDone: () => void }) => {
  const chat = useChat();
  const [text, setText] = useState(m.text ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const save = async () => {
    const t = text.trim();
    if (t === '' || t === m.text) return onDone();
    try {
      await chat.edit(m, t);
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onDone();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  };
  return (
    <div className="py-1">
      <label className="sr-only" htmlFor={`edit-${toHex(m.id).slice(0, 16)}`}>
        Edit message
      </label>
      <textarea
        id={`edit-${toHex(m.id).slice(0, 16)}`}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to edit this message; the box is where they type
        autoFocus
        rows={Math.min(8, text.split('\n').length)}
        value={text}
        maxLength={4000}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
        className="block w-full resize-none rounded-lg bg-[#383a40] px-3 py-2 text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]"
      />
      <p className="mt-1 text-xs text-[#b5bac1]">
        Escape to{' '}
        <button type="button" onClick={onDone} className="text-[#00a8fc] hover:underline">
          cancel
        </button>{' '}
        · Enter to{' '}
        <button type="button" onClick={() => void save()} className="text-[#00a8fc] hover:underline">
          save
        </button>
      </p>
      {error !== undefined && (
        <p role="alert" className="text-xs text-red-300">
          Not saved: {error}
        </p>
      )}
    </div>
  );
};
