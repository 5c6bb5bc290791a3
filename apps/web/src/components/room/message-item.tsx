'use client';
import type { HistoryMessage } from '@parley/protocol';
import { toHex } from '@parley/protocol';
import { useState } from 'react';
import { renderMarkdown } from '../../lib/markdown.tsx';
import { textColor } from '../../lib/parley/colors.ts';
import { Attachment } from './attachment.tsx';
import { Avatar } from './avatar.tsx';
import { useChat } from './chat-context.tsx';
import { PinIcon } from './icons.tsx';
import { MessageActions } from './message-actions.tsx';
import { MessageEditor } from './message-editor.tsx';
import { MessageTime } from './message-time.tsx';
import { Reactions } from './reactions.tsx';
import { ReplyQuote } from './reply-quote.tsx';

/** "message removed by Alice under DELETE_MESSAGES: off-topic": who, the capability, and the reason when one was given. */
const Removal = ({ chat, message: m }: { chat: ReturnType<typeof useChat>; message: HistoryMessage }) => {
  const r = chat.removal(m);
  const by = m.deleted === undefined ? '' : chat.shown(m.deleted.by).name;
  return (
    <>
      message removed by {by}
      {r?.capability !== undefined && (
        <>
          {' under '}
          <span className="rounded bg-[#1e1f22] px-1 font-mono text-xs not-italic text-[#b5bac1]">{r.capability}</span>
        </>
      )}
      {r?.reason !== undefined && `: ${r.reason}`}
    </>
  );
};

const sameAuthor = (a: HistoryMessage | undefined, b: HistoryMessage) => a !== undefined && toHex(a.author) === toHex(b.author);

/**
 * One message: avatar, coloured name and time on the first of a run by one author (and on every
 * reply, under its quote); text rendered as safe markdown with mentions; reactions; the hover
 * toolbar. A message that mentions me is highlighted.
 */
export const MessageItem = ({
  message: m,
  previous,
  queued,
  time,
}: {
  message: HistoryMessage;
  previous: HistoryMessage | undefined;
  queued: boolean;
  time: number | undefined;
}) => {
  const chat = useChat();
  const [editing, setEditing] = useState(false);
  const s = chat.shown(m.author);
  const mine = toHex(m.author) === chat.meHex;
  const mentionsMe = m.mentions.some((a) => toHex(a) === chat.meHex);
  const head = !sameAuthor(previous, m) || m.replyTo !== undefined;
  const mentionNames = m.mentions.map((a) => chat.shown(a).name);
  const body =
    m.deleted !== undefined ? (
      <em data-testid="tombstone" className="text-[#949ba4]">
        {m.deleted.reason === 'author' ? 'message deleted' : <Removal chat={chat} message={m} />}
      </em>
    ) : m.text === undefined && m.file !== undefined ? null : m.text === undefined ? (
      <em data-testid="sealed" className="text-[#949ba4]">
        {chat.banned ? 'locked message (sealed to the members after your ban)' : 'encrypted message (waiting for the channel key)'}
      </em>
    ) : (
      renderMarkdown(m.text, mentionNames)
    );
  return (
    <li
      data-testid="message"
      data-id={toHex(m.id)}
      data-mentions-me={mentionsMe}
      className={`group relative flex gap-4 px-4 py-0.5 ${head ? 'mt-3' : ''} ${
        mentionsMe ? 'border-l-2 border-[#f0b232] bg-[#f0b232]/10 pl-[14px] hover:bg-[#f0b232]/15' : 'hover:bg-black/10'
      }`}
    >
      <div className="w-10 shrink-0">{head && <Avatar name={s.name} color={s.color} />}</div>
      <div className="min-w-0 flex-1">
        {m.replyTo !== undefined && m.deleted === undefined && <ReplyQuote target={m.replyTo} />}
        {head && (
          <p className="flex items-baseline gap-2">
            <span data-testid="author" className="font-medium" style={{ color: textColor(s.color) }}>
              {s.name}
            </span>
            {time !== undefined && <MessageTime at={time} />}
          </p>
        )}
        {m.pinned && m.deleted === undefined && (
          <p data-testid="pinned" className="flex items-center gap-1 text-xs text-[#b5bac1]">
            <PinIcon />
            Pinned
          </p>
        )}
        {editing ? (
          <MessageEditor message={m} onDone={() => setEditing(false)} />
        ) : (
          <div data-testid="message-text" className="break-words text-[#dbdee1]">
            {body}
            {m.edited && m.deleted === undefined && <span className="ml-1 text-xs text-[#949ba4]">(edited)</span>}
            {queued && (
              <span data-testid="queued" className="ml-2 rounded bg-[#3d3113] px-1.5 text-xs text-[#f0b232]">
                queued
              </span>
            )}
          </div>
        )}
        {m.file !== undefined && <Attachment roomHex={chat.roomHex} messageHex={toHex(m.id)} file={m.file} />}
        <Reactions message={m} />
      </div>
      {!editing && <MessageActions message={m} mine={mine} onEdit={() => setEditing(true)} />}
    </li>
  );
};
