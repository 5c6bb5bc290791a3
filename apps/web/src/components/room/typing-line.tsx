'use client';
import { useChat } from './chat-context.tsx';

/** The line under the composer: who is typing in this channel (polite live region; empty keeps its height). */
export const TypingLine = ({ accounts }: { accounts: readonly Uint8Array[] }) => {
  const chat = useChat();
  const names = accounts.map((a) => chat.shown(a).name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`
          : 'Several people are typing…';
  return (
    <p data-testid="typing" aria-live="polite" className="h-5 truncate pt-1 text-xs text-[#dbdee1]">
      {text !== '' && (
        <>
          <span aria-hidden="true" className="mr-1 inline-flex gap-0.5 align-middle">
            <span className="h-1 w-1 animate-bounce rounded-full bg-[#dbdee1]" />
            <span className="h-1 w-1 animate-bounce rounded-full bg-[#dbdee1] [animation-delay:150ms]" />
            <span className="h-1 w-1 animate-bounce rounded-full bg-[#dbdee1] [animation-delay:300ms]" />
          </span>
          <strong className="font-semibold">{text}</strong>
        </>
      )}
    </p>
  );
};
