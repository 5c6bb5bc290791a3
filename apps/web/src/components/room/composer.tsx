'use client';
/**
 * The message box: Enter sends, Shift+Enter breaks the line. A send resolves once the message is in
 * the durable outbox. It carries the reply being written (shown above the box, Escape drops it) and
 * completes `@` mentions from the room's members. A file (the + button, dropped on the box or pasted)
 * waits above the box and goes with the next send, the text as its caption; one over the portal's
 * limit or refused by the room's file rules is refused at once, in words.
 */
import type { ChannelInfo, HistoryMessage } from '@parley/protocol';
import { fromHex, TYPING_REPEAT_MS } from '@parley/protocol';
import { type KeyboardEvent, useRef, useState } from 'react';
import { attachmentName, attachmentProblem, attachmentType } from '../../lib/parley/attachments.ts';
import { pickedFileProblem } from '../../lib/parley/file-rules.ts';
import { completeMention, type Mentionable, matchMembers, mentionedAccounts, mentionQuery } from '../../lib/parley/mentions.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { makeThumbnail } from '../../lib/parley/thumbnail.ts';
import { AttachButton, AttachmentChip, SendingProgress } from './attachment-draft.tsx';
import { BannedNotice } from './banned-notice.tsx';
import { useChat } from './chat-context.tsx';
import { MentionSuggestions } from './mention-suggestions.tsx';
import { TypingLine } from './typing-line.tsx';

const MAX_CHARS = 4000;

export const Composer = ({
  roomHex,
  channel,
  canSend,
  replyTo,
  onCancelReply,
  typing,
  banned,
  muted,
  pending,
}: {
  roomHex: string;
  channel: ChannelInfo;
  canSend: boolean;
  replyTo: HistoryMessage | undefined;
  onCancelReply: () => void;
  /** Accounts typing in this channel now. */
  typing: readonly Uint8Array[];
  /** The room's name when this person was banned from it: nothing can be sent, and the box says why. */
  banned?: string | undefined;
  /** The room's name when this person is muted there: they read, and the box says why they cannot send. */
  muted?: string | undefined;
  /** The room's name while this person waits for a moderator to approve them. */
  pending?: string | undefined;
}) => {
  const p = useParley();
  const chat = useChat();
  const box = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const lastTyping = useRef(0);
  const [attached, setAttached] = useState<File | undefined>(undefined);
  const [sending, setSending] = useState<{ name: string; done: number; abort: AbortController } | undefined>(undefined);
  const attach = (f: File) => {
    // The portal's own limit, then the room's rules (PROTOCOL 12.5), before anything is encrypted.
    const problem = attachmentProblem(f) ?? pickedFileProblem(openRoomState(p.client, roomHex)?.policy().files, f);
    setError(problem);
    if (problem === undefined) setAttached(f);
    box.current?.focus();
  };
  // Others see "is typing" while this person writes: one signal every few seconds, not per key.
  const signalTyping = (value: string) => {
    const now = Date.now();
    if (value.trim() === '' || p.client === undefined || now - lastTyping.current < TYPING_REPEAT_MS) return;
    lastTyping.current = now;
    p.client.typing(fromHex(roomHex), channel.id).catch(() => undefined);
  };
  const q = mentionQuery(text, caret);
  const options = q === undefined ? [] : matchMembers(chat.mentionables, q.query);
  const suggesting = options.length > 0;

  const send = async () => {
    const t = text.trim();
    const file = attached;
    // Text goes out while a file is still sending; a second file waits for the first.
    if ((t === '' && file === undefined) || p.client === undefined || (file !== undefined && sending !== undefined)) return;
    const reply = replyTo;
    lastTyping.current = 0;
    setText('');
    setError(undefined);
    setAttached(undefined);
    onCancelReply();
    const abort = new AbortController();
    try {
      const mentions = mentionedAccounts(t, chat.mentionables);
      const o = { ...(reply === undefined ? {} : { replyTo: reply.id }), ...(mentions.length === 0 ? {} : { mentions }) };
      if (file === undefined) await p.client.send(fromHex(roomHex), channel.id, t, o);
      else {
        const name = attachmentName(file.name);
        setSending({ name, done: 0, abort });
        const thumbnail = await makeThumbnail(file);
        await p.client.sendFile(fromHex(roomHex), channel.id, file, {
          ...o,
          name,
          type: attachmentType(file.type),
          ...(thumbnail === undefined ? {} : { thumbnail }),
          ...(t === '' ? {} : { caption: t }),
          signal: abort.signal,
          onProgress: (x) => setSending({ name, done: x.done / x.chunks, abort }),
        });
      }
    } catch (e) {
      setText(t);
      setAttached(file);
      setError(abort.signal.aborted ? 'cancelled' : (e as Error).message);
    } finally {
      if (file !== undefined) setSending(undefined);
    }
  };
  const pick = (m: Mentionable) => {
    if (q === undefined) return;
    const next = completeMention(text, q, caret, m.name);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => box.current?.setSelectionRange(next.caret, next.caret));
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggesting && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
      return;
    }
    if (suggesting && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      e.preventDefault();
      const m = options[Math.min(active, options.length - 1)];
      if (m !== undefined) pick(m);
      return;
    }
    if (e.key === 'Escape' && replyTo !== undefined) {
      e.preventDefault();
      onCancelReply();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  const replyName = replyTo === undefined ? undefined : chat.shown(replyTo.author).name;
  return (
    <div className="shrink-0 px-4 pb-1">
      {banned !== undefined && <BannedNotice roomName={banned} />}
      {muted !== undefined && banned === undefined && (
        <p role="status" data-testid="muted" className="mb-1 text-sm text-[#f0b232]">
          A moderator muted you in {muted}: you can read, but not send, until they unmute you.
        </p>
      )}
      {pending !== undefined && banned === undefined && (
        <p role="status" data-testid="pending" className="mb-1 text-sm text-[#b5bac1]">
          {pending} lets people in after a moderator approves them. You can read and write once someone does.
        </p>
      )}
      {!canSend && banned === undefined && muted === undefined && pending === undefined && (
        <p role="status" className="mb-1 text-xs text-[#b5bac1]">
          Waiting for this channel’s key from another member…
        </p>
      )}
      {error !== undefined && (
        <p role="alert" className="mb-1 text-xs text-red-300">
          Not sent: {error}
        </p>
      )}
      {sending !== undefined && <SendingProgress name={sending.name} done={sending.done} onCancel={() => sending.abort.abort()} />}
      {suggesting && <MentionSuggestions id="mention-options" options={options} active={Math.min(active, options.length - 1)} onPick={pick} />}
      {replyName !== undefined && (
        <div data-testid="replying-to" className="flex items-center justify-between rounded-t-lg bg-[#2b2d31] px-4 py-2 text-sm text-[#b5bac1]">
          <span>
            Replying to <strong className="text-[#dbdee1]">{replyName}</strong>
          </span>
          <button type="button" onClick={onCancelReply} className="rounded px-1 hover:text-white focus:outline-none focus:ring-2 focus:ring-white">
            <span aria-hidden="true">✕</span>
            <span className="sr-only">Cancel the reply</span>
          </button>
        </div>
      )}
      {attached !== undefined && <AttachmentChip file={attached} onRemove={() => setAttached(undefined)} />}
      <label htmlFor="composer" className="sr-only">
        Message #{channel.name}
      </label>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping a file on the box is a shortcut for the + button */}
      <div
        className={`flex items-start bg-[#383a40] focus-within:ring-2 focus-within:ring-[#5865f2] ${replyName === undefined && attached === undefined ? 'rounded-lg' : 'rounded-b-lg'}`}
        onDragOver={(e) => {
          if (canSend && e.dataTransfer.types.includes('Files')) e.preventDefault();
        }}
        onDrop={(e) => {
          const f = e.dataTransfer.files[0];
          if (!canSend || f === undefined) return;
          e.preventDefault();
          attach(f);
        }}
      >
        <AttachButton disabled={!canSend || sending !== undefined} onPick={attach} />
        <textarea
          id="composer"
          ref={box}
          rows={1}
          value={text}
          maxLength={MAX_CHARS}
          disabled={!canSend || banned !== undefined || muted !== undefined}
          placeholder={
            banned !== undefined || muted !== undefined
              ? 'You cannot send messages here'
              : replyName === undefined
                ? `Message #${channel.name}`
                : `Reply to ${replyName}`
          }
          aria-controls={suggesting ? 'mention-options' : undefined}
          aria-autocomplete="list"
          aria-activedescendant={suggesting ? `mention-options-${Math.min(active, options.length - 1)}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            signalTyping(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKey}
          onPaste={(e) => {
            const f = e.clipboardData.files[0];
            if (f === undefined) return;
            e.preventDefault();
            attach(f);
          }}
          className="block max-h-48 w-full resize-none bg-transparent py-3 pr-4 pl-1 text-[#dbdee1] placeholder-[#949ba4] outline-none disabled:opacity-60"
        />
      </div>
      <TypingLine accounts={typing} />
    </div>
  );
};
