'use client';
/**
 * The pin in the channel header (Discord's): opens the channel's pinned messages, newest first, read
 * from the whole channel (not only the page on screen), each with Unpin for holders of PIN; for the
 * rest Unpin is greyed, saying why. Unpinning signs a PIN entry with `pinned: false`.
 */
import type { ChannelInfo, HistoryMessage } from '@parley/protocol';
import { CAP, fromHex, toHex } from '@parley/protocol';
import { useEffect, useId, useState } from 'react';
import { renderMarkdown } from '../../lib/markdown.tsx';
import { textColor } from '../../lib/parley/colors.ts';
import { shownAs } from '../../lib/parley/names.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { Avatar } from './avatar.tsx';
import { PinIcon } from './icons.tsx';

const headerButton =
  'flex h-8 w-8 items-center justify-center rounded text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white aria-expanded:text-white';

export const PinnedMessages = ({ roomHex, channel }: { roomHex: string; channel: ChannelInfo }) => {
  const { client, identity, version } = useParley();
  const [open, setOpen] = useState(false);
  const [pins, setPins] = useState<HistoryMessage[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const panelId = useId();
  const room = fromHex(roomHex);
  const st = openRoomState(client, roomHex);
  const mayPin = st !== undefined && identity !== undefined && st.can(identity.account.publicKey, CAP.PIN, undefined, st.length - 1);
  const channelHex = toHex(channel.id);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger: the client changed, so read again
  useEffect(() => {
    if (!open || client === undefined) return;
    let live = true;
    client
      .history(fromHex(roomHex), fromHex(channelHex), { limit: 10_000 })
      .then((all) => {
        if (live) setPins(all.filter((m) => m.pinned && m.deleted === undefined).reverse());
      })
      .catch((e: unknown) => live && setError((e as Error).message));
    return () => {
      live = false;
    };
  }, [open, client, roomHex, channelHex, version]);
  const unpin = async (m: HistoryMessage) => {
    setError(undefined);
    try {
      await client?.pin(room, channel.id, m.id, false);
    } catch (e) {
      setError(`Not unpinned: ${(e as Error).message}`);
    }
  };
  return (
    <div className="relative">
      <button
        type="button"
        aria-label="Pinned messages"
        title="Pinned messages"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className={headerButton}
      >
        <PinIcon />
      </button>
      {open && (
        <section
          id={panelId}
          aria-label={`Pinned messages in #${channel.name}`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
          className="absolute top-10 right-0 z-30 flex max-h-[70vh] w-96 flex-col rounded-md bg-[#2b2d31] shadow-2xl ring-1 ring-black/40"
        >
          <h3 className="border-b border-black/30 px-4 py-3 font-semibold text-white">Pinned messages</h3>
          <div className="overflow-y-auto p-2">
            {pins === undefined ? (
              <p className="p-2 text-sm text-[#b5bac1]">Loading…</p>
            ) : pins.length === 0 ? (
              <p className="p-2 text-sm text-[#b5bac1]">No pinned messages in #{channel.name} yet.</p>
            ) : (
              <ul className="space-y-2">
                {pins.map((m) => {
                  const s = shownAs(m.author, identity, (a) => client?.profile(room, a));
                  return (
                    <li key={toHex(m.id)} data-testid="pinned-message" className="flex gap-3 rounded bg-[#313338] p-2">
                      <Avatar name={s.name} color={s.color} size={32} />
                      <div className="min-w-0 flex-1">
                        <p className="text-sm font-medium" style={{ color: textColor(s.color) }}>
                          {s.name}
                        </p>
                        <div className="break-words text-sm text-[#dbdee1]">
                          {m.text === undefined ? <em className="text-[#949ba4]">{m.file?.name ?? 'encrypted message'}</em> : renderMarkdown(m.text, [])}
                        </div>
                      </div>
                      <button
                        type="button"
                        disabled={!mayPin}
                        title={mayPin ? undefined : 'You need the Pin messages capability'}
                        onClick={() => void unpin(m)}
                        className="self-start rounded px-2 py-0.5 text-xs text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:text-[#949ba4] disabled:no-underline"
                      >
                        Unpin<span className="sr-only"> {s.name}’s message</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
            {error !== undefined && (
              <p role="alert" className="p-2 text-xs text-red-300">
                {error}
              </p>
            )}
          </div>
        </section>
      )}
    </div>
  );
};
