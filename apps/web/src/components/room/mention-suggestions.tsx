'use client';
import type { Mentionable } from '../../lib/parley/mentions.ts';

/** The members an `@` being typed may mean, as a listbox tied to the composer (arrow keys move, Enter or Tab picks). */
export const MentionSuggestions = ({
  id,
  options,
  active,
  onPick,
}: {
  id: string;
  options: readonly Mentionable[];
  active: number;
  onPick: (m: Mentionable) => void;
}) => (
  <div id={id} role="listbox" aria-label="Mention a member" className="mb-1 overflow-hidden rounded-lg bg-[#2b2d31] py-1 shadow-lg ring-1 ring-black/40">
    {options.map((m, i) => (
      <div
        key={m.name}
        tabIndex={-1}
        id={`${id}-${i}`}
        role="option"
        aria-selected={i === active}
        // A mouse pick must not blur the textarea first.
        onMouseDown={(e) => {
          e.preventDefault();
          onPick(m);
        }}
        className={`cursor-pointer px-3 py-1.5 text-sm ${i === active ? 'bg-[#404249] text-white' : 'text-[#dbdee1]'}`}
      >
        @{m.name}
      </div>
    ))}
  </div>
);
