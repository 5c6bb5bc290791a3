'use client';
/**
 * The communities this person may list (MANAGE_ROOM), whether each is in the public directory and
 * under which tags, with "Edit listing" opening the listing dialog.
 */
import { CAP, fromHex } from '@parley/protocol';
import { useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import { ListingDialog } from '../directory/listing-dialog.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

export const DirectorySection = () => {
  const p = useParley();
  const [editing, setEditing] = useState<KnownRoom | undefined>(undefined);
  const c = p.client;
  const me = p.identity?.account.publicKey;
  const rows = p.rooms.flatMap((r) => {
    if (c === undefined || me === undefined) return [];
    try {
      const st = c.state(fromHex(r.hex));
      if (st.length === 0 || !st.can(me, CAP.MANAGE_ROOM, undefined, st.length - 1)) return [];
      return [{ room: r, listing: st.discovery() }];
    } catch {
      return [];
    }
  });
  return (
    <section aria-labelledby="settings-directory" className={sectionClass}>
      <h2 id="settings-directory" className={sectionTitleClass}>
        Public directory
      </h2>
      <p className="mb-3 text-sm text-[#b5bac1]">A listed community shows on Discover with its tags and description, and anyone may join it from there.</p>
      {rows.length === 0 ? (
        <p className="text-sm text-[#dbdee1]">You manage no community here.</p>
      ) : (
        <ul className="space-y-2">
          {rows.map(({ room, listing }) => (
            <li key={room.hex} className="flex items-center gap-3 rounded bg-[#1e1f22] px-3 py-2">
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm text-[#f2f3f5]">{room.name}</span>
                <span className="block truncate text-xs text-[#b5bac1]">
                  {listing === undefined ? 'Not listed' : `Listed: ${listing.tags.map((t) => `#${t}`).join(' ')}`}
                </span>
              </span>
              <button
                type="button"
                onClick={() => setEditing(room)}
                className="rounded bg-[#4e5058] px-3 py-1 text-sm text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white"
              >
                Edit listing<span className="sr-only"> of {room.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {editing !== undefined && <ListingDialog room={editing} onClose={() => setEditing(undefined)} />}
    </section>
  );
};
