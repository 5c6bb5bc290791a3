'use client';
import type { HistoryMessage } from '@parley/protocol';
import { toHex } from '@parley/protocol';
import { textColor } from '../../lib/parley/colors.ts';
import { Avatar } from './avatar.tsx';
import { useChat } from './chat-context.tsx';

const snippet = (m: HistoryMessage): string =>
  m.deleted !== undefined ? 'message deleted' : (m.text ?? m.file?.name ?? 'encrypted message').replace(/\s+/g, ' ').slice(0, 120);

/** The line above a reply: the original's author and the start of its text (a file's name when it has none; or that it is not loaded). */
export const ReplyQuote = ({ target }: { target: Uint8Array }) => {
  const chat = useChat();
  const original = chat.byId.get(toHex(target));
  if (original === undefined)
    return (
      <p data-testid="reply-quote" className="mb-0.5 flex items-center gap-1 text-xs text-[#949ba4]">
        <span aria-hidden="true">↱</span> <em>Replying to an earlier message</em>
      </p>
    );
  const s = chat.shown(original.author);
  return (
    <p data-testid="reply-quote" className="mb-0.5 flex min-w-0 items-center gap-1.5 text-xs text-[#b5bac1]">
      <span aria-hidden="true" className="text-[#949ba4]">
        ↱
      </span>
      <Avatar name={s.name} color={s.color} size={16} />
      <span className="sr-only">Reply to</span>
      <span className="shrink-0 font-medium" style={{ color: textColor(s.color) }}>
        {s.name}
      </span>
      <span className="truncate">{snippet(original)}</span>
    </p>
  );
};
