'use client';
import type { HistoryMessage } from '@parley/protocol';
import { toHex } from '@parley/protocol';
import { useChat } from './chat-context.tsx';

/** The reactions under a message: one chip per emoji with its count; pressing a chip adds or takes back mine. */
export const Reactions = ({ message: m }: { message: HistoryMessage }) => {
  const chat = useChat();
  if (m.reactions.length === 0) return null;
  return (
    <ul aria-label="Reactions" className="mt-1 flex flex-wrap gap-1">
      {m.reactions.map((r) => {
        const mine = r.accounts.some((a) => toHex(a) === chat.meHex);
        const who = r.accounts.map((a) => chat.shown(a).name).join(', ');
        return (
          <li key={r.emoji}>
            <button
              type="button"
              data-testid="reaction"
              aria-pressed={mine}
              aria-label={`${r.emoji} ${r.accounts.length}: ${who}`}
              title={who}
              onClick={() => void chat.react(m, r.emoji, !mine)}
              className={`flex items-center gap-1 rounded-md border px-1.5 py-0.5 text-sm focus:outline-none focus:ring-2 focus:ring-white ${
                mine ? 'border-[#5865f2] bg-[#5865f2]/25 text-white' : 'border-transparent bg-[#2b2d31] text-[#dbdee1] hover:border-[#4e5058]'
              }`}
            >
              <span aria-hidden="true">{r.emoji}</span>
              <span aria-hidden="true" className="text-xs font-semibold">
                {r.accounts.length}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
};
