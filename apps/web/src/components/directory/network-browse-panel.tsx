'use client';
/**
 * Discover without an indexer (none configured, or it cannot be reached): one tag read straight
 * from the DHT by this browser's node, with a plain warning that no indexer checked the listings.
 */
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import type { DirectoryRoom } from '../../lib/directory/indexer-api.ts';
import { browseTagFromNetwork, tagOrUndefined } from '../../lib/directory/network-browse.ts';
import { useParley } from '../../lib/parley/provider.tsx';

const field = 'h-10 rounded bg-[#1e1f22] px-3 py-2 text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]';

export const NetworkBrowsePanel = ({ why, card }: { why: string; card: (room: DirectoryRoom) => ReactNode }) => {
  const p = useParley();
  const [typed, setTyped] = useState('');
  const [rooms, setRooms] = useState<readonly DirectoryRoom[] | undefined>(undefined);
  const [shownTag, setShownTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const current = useRef<AbortController | undefined>(undefined);

  const browse = (e: FormEvent) => {
    e.preventDefault();
    const tag = tagOrUndefined(typed);
    if (tag === undefined) {
      setError('That is not a tag: letters, digits and hyphens, with / for a sub-tag (gaming/chess).');
      return;
    }
    if (p.client === undefined) {
      setError('Still connecting; try again in a moment.');
      return;
    }
    current.current?.abort();
    const ctl = new AbortController();
    current.current = ctl;
    setBusy(true);
    setError(undefined);
    browseTagFromNetwork(p.client, tag, AbortSignal.any([ctl.signal, AbortSignal.timeout(30_000)]))
      .then(
        (r) => {
          if (ctl.signal.aborted) return;
          setRooms(r);
          setShownTag(tag);
        },
        (x: unknown) => {
          if (!ctl.signal.aborted) setError(`The network did not answer for ${tag}: ${(x as Error).message}`);
        },
      )
      .finally(() => {
        if (!ctl.signal.aborted) setBusy(false);
      });
  };

  return (
    <section aria-labelledby="network-browse" className="rounded-lg bg-[#2b2d31] p-4">
      <h2 id="network-browse" className="mb-1 text-lg font-semibold text-white">
        Browse a tag from the network
      </h2>
      <p className="mb-3 text-sm text-[#b5bac1]">
        {why} Listings read straight from the network are signed and carry proof of work, but no indexer checked that whoever published them belongs to the
        community.
      </p>
      <form onSubmit={browse} className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex-1">
          <label htmlFor="network-tag" className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
            Tag to browse
          </label>
          <input id="network-tag" className={`${field} w-full`} value={typed} placeholder="gaming" maxLength={256} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <button
          type="submit"
          disabled={busy}
          className="h-10 rounded bg-[#5865f2] px-4 font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50"
        >
          {busy ? 'Reading…' : 'Browse'}
        </button>
      </form>
      {error !== undefined && (
        <p role="alert" className="mb-3 text-sm text-red-300">
          {error}
        </p>
      )}
      {rooms !== undefined && (
        <p role="status" className="mb-3 text-sm text-[#b5bac1]">
          {rooms.length} {rooms.length === 1 ? 'community' : 'communities'} under {shownTag} on the network
        </p>
      )}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">{rooms?.map(card)}</div>
    </section>
  );
};
