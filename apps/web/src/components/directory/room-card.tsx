'use client';
/** One public community in the directory: icon, name, description, tags, signals, votes, and Join (or Open when already in it). */
import type { DirectoryRoom } from '../../lib/directory/indexer-api.ts';
import { cssColor } from '../../lib/parley/colors.ts';

/** Black or white, whichever contrasts more with the room's icon colour (WCAG relative luminance). */
const inkOn = (rgb: number): string => {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((rgb >> 16) & 0xff) + 0.7152 * lin((rgb >> 8) & 0xff) + 0.0722 * lin(rgb & 0xff);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
};

const ago = (ms: number, now: number): string => {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
};

export const RoomCard = ({
  room,
  now,
  joined,
  joining,
  busy,
  onJoin,
  onOpen,
  onTag,
  myVote,
  voting,
  onVote,
}: {
  room: DirectoryRoom;
  now: number;
  joined: boolean;
  joining: boolean;
  busy: boolean;
  onJoin: () => void;
  onOpen: () => void;
  onTag: (tag: string) => void;
  /** This person's vote on the room, cast from this page. */
  myVote: 1 | -1 | undefined;
  voting: boolean;
  /** Absent for a listing read straight from the network: no indexer counts votes or activity for it. */
  onVote: ((value: 1 | -1) => void) | undefined;
}) => {
  const titleId = `room-${room.room.slice(0, 16)}`;
  return (
    <article aria-labelledby={titleId} data-testid="directory-card" data-room={room.room} className="flex flex-col rounded-lg bg-[#2b2d31] p-4 shadow">
      <div className="mb-2 flex items-center gap-3">
        <span
          aria-hidden="true"
          className="flex h-12 w-12 shrink-0 items-center justify-center rounded-2xl text-lg font-bold"
          style={{ backgroundColor: cssColor(room.color), color: inkOn(room.color) }}
        >
          {room.name.slice(0, 2)}
        </span>
        <div className="min-w-0">
          <h2 id={titleId} className="truncate text-lg font-semibold text-white">
            {room.name}
          </h2>
          <p className="text-xs text-[#b5bac1]">
            {onVote !== undefined && (
              <>
                <span data-testid="activity">{room.activity} active today</span>
                <span aria-hidden="true"> · </span>
                <span>
                  {room.votes.score > 0 ? '+' : ''}
                  {room.votes.score} votes
                </span>
                <span aria-hidden="true"> · </span>
              </>
            )}
            <span>
              {onVote === undefined ? 'published' : 'listed'} {ago(room.firstSeen, now)}
            </span>
          </p>
        </div>
      </div>
      {room.description !== '' && <p className="mb-3 line-clamp-3 text-sm whitespace-pre-line text-[#dbdee1]">{room.description}</p>}
      <ul aria-label={`Tags of ${room.name}`} className="mb-3 flex flex-wrap gap-1.5">
        {room.tags.map((t) => (
          <li key={t}>
            <button
              type="button"
              onClick={() => onTag(t)}
              className="rounded-full bg-[#1e1f22] px-2 py-0.5 text-xs text-[#dbdee1] hover:bg-[#404249] focus:outline-none focus:ring-2 focus:ring-white"
            >
              <span className="sr-only">Show communities tagged </span>#{t}
            </button>
          </li>
        ))}
      </ul>
      <div className="mt-auto flex items-center justify-between gap-2">
        <div className="flex gap-1">
          {(onVote === undefined ? [] : ([1, -1] as const)).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={myVote === v}
              disabled={voting}
              onClick={() => onVote?.(v)}
              className={`flex h-8 w-8 items-center justify-center rounded hover:bg-[#404249] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50 ${
                myVote === v ? 'bg-[#404249] text-white' : 'text-[#b5bac1]'
              }`}
            >
              <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" fill="currentColor">
                <path d={v === 1 ? 'M12 5l8 10H4z' : 'M12 19L4 9h16z'} />
              </svg>
              <span className="sr-only">
                {v === 1 ? 'Upvote' : 'Downvote'} {room.name}
              </span>
            </button>
          ))}
        </div>
        {joined ? (
          <button
            type="button"
            onClick={onOpen}
            aria-label={`Open ${room.name}`}
            className="rounded bg-[#4e5058] px-4 py-1.5 text-sm font-semibold text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white"
          >
            Open
          </button>
        ) : (
          <button
            type="button"
            onClick={onJoin}
            disabled={busy}
            aria-label={`Join ${room.name}`}
            className="rounded bg-[#248046] px-4 py-1.5 text-sm font-semibold text-white hover:bg-[#1a6334] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50"
          >
            {joining ? 'Joining…' : 'Join'}
          </button>
        )}
      </div>
    </article>
  );
};
