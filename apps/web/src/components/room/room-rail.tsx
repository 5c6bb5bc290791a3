'use client';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import { CompassIcon } from './icons.tsx';

/** The left rail: one icon per community, "+" to join or start another, and the compass to discover public ones. */
export const RoomRail = ({
  rooms,
  current,
  onSelect,
  onAdd,
  onDiscover,
}: {
  rooms: readonly KnownRoom[];
  current: string;
  onSelect: (hex: string) => void;
  onAdd: () => void;
  onDiscover: () => void;
}) => (
  <nav aria-label="Communities" className="flex w-[72px] shrink-0 flex-col items-center gap-2 overflow-y-auto bg-[#1e1f22] py-3">
    {rooms.map((r) => (
      <button
        key={r.hex}
        type="button"
        title={r.name}
        aria-current={r.hex === current ? 'page' : undefined}
        onClick={() => onSelect(r.hex)}
        className={`flex h-12 w-12 items-center justify-center font-semibold text-white transition-all focus:outline-none focus:ring-2 focus:ring-white ${
          r.hex === current ? 'rounded-2xl bg-[#5865f2]' : 'rounded-3xl bg-[#313338] hover:rounded-2xl hover:bg-[#5865f2]'
        }`}
      >
        <span aria-hidden="true">{r.name.slice(0, 2)}</span>
        <span className="sr-only">{r.name}</span>
      </button>
    ))}
    <button
      type="button"
      title="Join or start a community"
      onClick={onAdd}
      className="flex h-12 w-12 items-center justify-center rounded-3xl bg-[#313338] text-2xl text-[#23a55a] hover:rounded-2xl hover:bg-[#23a55a] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
    >
      <span aria-hidden="true">+</span>
      <span className="sr-only">Join or start a community</span>
    </button>
    <button
      type="button"
      title="Discover public communities"
      onClick={onDiscover}
      className="flex h-12 w-12 items-center justify-center rounded-3xl bg-[#313338] text-xl text-[#23a55a] hover:rounded-2xl hover:bg-[#23a55a] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
    >
      <CompassIcon />
      <span className="sr-only">Discover public communities</span>
    </button>
  </nav>
);
