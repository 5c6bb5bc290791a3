'use client';
/**
 * Discover: the public directory as the portal's indexer serves it. Search words, a tag filter (the
 * indexer's known tags, or a tag clicked on a card), an order, cards, "Show more" for the next page,
 * and Join on a card, which joins the room like an invite without a token (lib/directory/listing-invite.ts).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { type DirectoryRoom, type DirectorySort, postVote } from '../../lib/directory/indexer-api.ts';
import { listingInviteUrl } from '../../lib/directory/listing-invite.ts';
import { useDirectory } from '../../lib/directory/use-directory.ts';
import { solveVote } from '../../lib/directory/vote.ts';
import { joinErrorText } from '../../lib/parley/join-error.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { NetworkBrowsePanel } from './network-browse-panel.tsx';
import { RoomCard } from './room-card.tsx';

const SORTS: readonly { value: DirectorySort; label: string }[] = [
  { value: 'activity', label: 'Most active' },
  { value: 'votes', label: 'Best voted' },
  { value: 'age', label: 'Newest' },
  { value: 'relevance', label: 'Best match' },
];

const field = 'h-10 rounded bg-[#1e1f22] px-3 py-2 text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]';

export const DiscoverScreen = ({ onEntered, onClose }: { onEntered: (hex: string) => void; onClose: () => void }) => {
  const p = useParley();
  const d = useDirectory(p.config.indexer);
  const [q, setQ] = useState('');
  const [joining, setJoining] = useState<string | undefined>(undefined);
  const [joinError, setJoinError] = useState<string | undefined>(undefined);
  const [votes, setVotes] = useState<ReadonlyMap<string, 1 | -1>>(new Map());
  const [voting, setVoting] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && joining === undefined) onClose();
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [onClose, joining]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    d.run({ ...d.search, q });
  };
  const join = (hex: string, name: string) => {
    setJoining(hex);
    setJoinError(undefined);
    p.joinInvite(listingInviteUrl(hex, name, globalThis.location.origin)).then(onEntered, (e: unknown) => {
      setJoinError(`${name}: ${joinErrorText(e)}`);
      setJoining(undefined);
    });
  };
  // A vote costs a proof of work (PROTOCOL 8.6), solved here in slices, then goes to the indexer; the scores are then read again.
  const vote = (hex: string, name: string, value: 1 | -1) => {
    const origin = p.config.indexer;
    if (origin === undefined || p.identity === undefined) return;
    setVoting(hex);
    setNotice(undefined);
    solveVote(p.identity, hex, value, Date.now())
      .then((frame) => postVote(origin, frame))
      .then(
        () => {
          setVotes((m) => new Map(m).set(hex, value));
          setNotice(`Your vote on ${name} is counted.`);
          d.run(d.search);
        },
        (e: unknown) => setNotice(`${name}: ${(e as Error).message}`),
      )
      .finally(() => setVoting(undefined));
  };
  // `indexed`: from the indexer, with its activity and votes; otherwise read straight from the network.
  const cardFor = (r: DirectoryRoom, indexed: boolean) => (
    <RoomCard
      key={r.room}
      room={r}
      now={now}
      joined={p.rooms.some((k) => k.hex === r.room)}
      joining={joining === r.room}
      busy={joining !== undefined || p.phase !== 'ready'}
      onJoin={() => join(r.room, r.name)}
      onOpen={() => onEntered(r.room)}
      onTag={(tag) => d.run({ ...d.search, q, tag })}
      myVote={votes.get(r.room)}
      voting={voting !== undefined}
      onVote={indexed ? (v) => vote(r.room, r.name, v) : undefined}
    />
  );
  const tagChoices = d.tags.some((t) => t.path === d.search.tag) || d.search.tag === '' ? d.tags : [{ path: d.search.tag, rooms: 0 }, ...d.tags];

  return (
    <main className="h-full overflow-y-auto bg-[#313338]">
      <div className="mx-auto max-w-5xl px-4 py-6 sm:px-8">
        <header className="mb-4 flex flex-wrap items-center justify-between gap-3">
          <div>
            <h1 className="text-2xl font-bold text-white">Discover communities</h1>
            <p className="text-sm text-[#b5bac1]">Public communities listed in the directory. Anyone may join them; their members see your profile.</p>
          </div>
          <button
            type="button"
            onClick={onClose}
            className="flex items-center gap-2 rounded-full border border-[#b5bac1] px-3 py-1 text-sm text-[#dbdee1] hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white"
          >
            <span aria-hidden="true">✕</span> Close
          </button>
        </header>
        {joinError !== undefined && (
          <p role="alert" className="mb-3 text-sm text-red-300">
            {joinError}
          </p>
        )}
        {p.config.indexer === undefined ? (
          <NetworkBrowsePanel why="This portal names no directory indexer (PARLEY_INDEXER)." card={(r) => cardFor(r, false)} />
        ) : (
          <>
            <search>
              <form onSubmit={submit} className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end">
                <div className="flex-1">
                  <label htmlFor="directory-q" className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
                    Search communities
                  </label>
                  <input id="directory-q" type="search" className={`${field} w-full`} value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
                </div>
                <div>
                  <label htmlFor="directory-tag" className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
                    Tag
                  </label>
                  <select
                    id="directory-tag"
                    className={`${field} w-full sm:w-48`}
                    value={d.search.tag}
                    onChange={(e) => d.run({ ...d.search, q, tag: e.target.value })}
                  >
                    <option value="">All tags</option>
                    {tagChoices.map((t) => (
                      <option key={t.path} value={t.path}>
                        {t.path}
                        {t.rooms > 0 ? ` (${t.rooms})` : ''}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor="directory-sort" className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
                    Sort by
                  </label>
                  <select
                    id="directory-sort"
                    className={`${field} w-full sm:w-40`}
                    value={d.search.sort}
                    onChange={(e) => d.run({ ...d.search, q, sort: e.target.value as DirectorySort })}
                  >
                    {SORTS.map((s) => (
                      <option key={s.value} value={s.value}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </div>
                <button
                  type="submit"
                  className="rounded bg-[#5865f2] px-4 py-2 font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white"
                >
                  Search
                </button>
              </form>
            </search>
            <p role="status" className="mb-3 min-h-5 text-sm text-[#b5bac1]">
              {d.loading
                ? 'Searching…'
                : d.error === undefined
                  ? `${d.rooms.length}${d.hasMore ? '+' : ''} ${d.rooms.length === 1 ? 'community' : 'communities'}${d.search.tag === '' ? '' : ` tagged ${d.search.tag}`}`
                  : ''}
            </p>
            {d.error !== undefined && (
              <p role="alert" className="mb-3 text-sm text-red-300">
                {d.error}
              </p>
            )}
            {notice !== undefined && (
              <p role="status" className="mb-3 text-sm text-[#dbdee1]">
                {notice}
              </p>
            )}
            {!d.loading && d.error === undefined && d.rooms.length === 0 && (
              <p className="rounded-lg bg-[#2b2d31] p-4 text-[#dbdee1]">
                No public community matches yet. New rooms appear within a minute or two of being listed; search again in a moment.
              </p>
            )}
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">{d.rooms.map((r) => cardFor(r, true))}</div>
            {d.hasMore && (
              <div className="mt-4 flex justify-center">
                <button
                  type="button"
                  onClick={d.more}
                  disabled={d.loading}
                  className="rounded bg-[#4e5058] px-4 py-2 text-sm font-semibold text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50"
                >
                  Show more
                </button>
              </div>
            )}
            {d.errorKind === 'unreachable' && (
              <div className="mt-4">
                <NetworkBrowsePanel why="The directory indexer cannot be reached." card={(r) => cardFor(r, false)} />
              </div>
            )}
          </>
        )}
      </div>
    </main>
  );
};
