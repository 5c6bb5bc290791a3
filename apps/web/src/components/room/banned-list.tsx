'use client';
/** Who is banned from the room, for those who may ban, each with Unban (they may then come back with an invite). */
import { fromHex, toHex } from '@parley/protocol';
import { useState } from 'react';
import { shownAs } from '../../lib/parley/names.ts';
import { useParley } from '../../lib/parley/provider.tsx';

export const BannedList = ({ roomHex, banned, unban }: { roomHex: string; banned: readonly Uint8Array[]; unban: (account: Uint8Array) => Promise<void> }) => {
  const { identity, client } = useParley();
  const [error, setError] = useState<string | undefined>(undefined);
  if (banned.length === 0) return null;
  const room = fromHex(roomHex);
  return (
    <section aria-label="Banned" className="mt-4">
      <h2 className="px-2 pb-2 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Banned — {banned.length}</h2>
      <ul data-testid="banned-members" className="space-y-1">
        {banned.map((a) => {
          const name = shownAs(a, identity, (x) => client?.profile(room, x)).name;
          return (
            <li key={toHex(a)} className="flex items-center justify-between gap-2 rounded px-2 py-1 text-sm text-[#b5bac1]">
              <span className="truncate">{name}</span>
              <button
                type="button"
                onClick={() => {
                  setError(undefined);
                  unban(a).catch((e: unknown) => setError((e as Error).message));
                }}
                className="rounded px-2 py-0.5 text-xs font-semibold text-[#dbdee1] hover:bg-[#404249] focus:outline-none focus:ring-2 focus:ring-white"
              >
                Unban<span className="sr-only"> {name}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {error !== undefined && (
        <p role="alert" className="px-2 text-xs text-red-300">
          {error}
        </p>
      )}
    </section>
  );
};
