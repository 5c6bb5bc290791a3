'use client';
/**
 * The owner's "Directory listing" for a community that exists: list it (tags, description; its join
 * mode becomes open, as a directory card carries no invite), change the listing, or take it out.
 * Listed rooms are then published by every member online and by the pinned hubs (PROTOCOL 8.5).
 */
import { fromHex } from '@parley/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { publicListing } from '../../lib/directory/public-listing.ts';
import { wrapTab } from '../../lib/focus-wrap.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import { buttonClass, inputClass, labelClass } from '../onboarding/step-frame.tsx';

export const ListingDialog = ({ room, onClose }: { room: KnownRoom; onClose: () => void }) => {
  const p = useParley();
  const current = p.client?.state(fromHex(room.hex)).discovery();
  const [listed, setListed] = useState(current !== undefined);
  const [tags, setTags] = useState(current?.tags.join(', ') ?? '');
  const [description, setDescription] = useState(current?.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const first = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    first.current?.focus();
    // Captured first and stopped, so Escape closes this dialog and not the settings screen under it.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    };
    globalThis.addEventListener('keydown', onKey, true);
    return () => globalThis.removeEventListener('keydown', onKey, true);
  }, [onClose]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const name = current?.name ?? room.name;
    const listing = listed ? publicListing(name, description.trim(), tags) : undefined;
    if (typeof listing === 'string') {
      setError(listing);
      return;
    }
    setBusy(true);
    setError(undefined);
    p.setListing(room.hex, name, listing).then(onClose, (x: unknown) => {
      setError((x as Error).message);
      setBusy(false);
    });
  };

  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/60 p-4">
      <section
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby="listing-title"
        onKeyDown={(e) => wrapTab(e, box.current)}
        className="w-full max-w-md rounded-lg bg-[#2b2d31] p-6 shadow-xl"
      >
        <h2 id="listing-title" className="mb-3 text-xl font-bold text-white">
          Directory listing
        </h2>
        <form onSubmit={save} className="space-y-3">
          <div className="flex items-start gap-2">
            <input
              ref={first}
              id="listing-public"
              type="checkbox"
              className="mt-1 h-4 w-4 accent-[#5865f2]"
              checked={listed}
              onChange={(e) => setListed(e.target.checked)}
            />
            <label htmlFor="listing-public" className="text-sm text-[#dbdee1]">
              List {room.name} in the public directory, and let anyone join from there
            </label>
          </div>
          {listed && (
            <>
              <div>
                <label htmlFor="listing-tags" className={labelClass}>
                  Tags (comma-separated, / for a sub-tag)
                </label>
                <input id="listing-tags" className={inputClass} value={tags} placeholder="gaming/chess, social" onChange={(e) => setTags(e.target.value)} />
              </div>
              <div>
                <label htmlFor="listing-description" className={labelClass}>
                  Description
                </label>
                <textarea
                  id="listing-description"
                  className={`${inputClass} min-h-16`}
                  value={description}
                  maxLength={1024}
                  onChange={(e) => setDescription(e.target.value)}
                />
              </div>
            </>
          )}
          {error !== undefined && (
            <p role="alert" className="text-sm text-red-300">
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" onClick={onClose} className="rounded px-4 py-2 text-[#dbdee1] underline focus:outline-none focus:ring-2 focus:ring-white">
              Cancel
            </button>
            <button type="submit" disabled={busy} className={buttonClass}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
};
