'use client';
/**
 * Step 2: open an invite someone sent, browse the public directory, or start a community (a name,
 * its first channels, and optionally public: listed in the directory with tags, open to anyone).
 */
import { type FormEvent, useState } from 'react';
import { publicListing } from '../../lib/directory/public-listing.ts';
import { joinErrorText } from '../../lib/parley/join-error.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { buttonClass, inputClass, labelClass, StepFrame } from './step-frame.tsx';

const channelNames = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/\s+/g, '-').replace(/^#/, ''))
    .filter((s) => s !== '')
    .slice(0, 10);

export const CommunityStep = ({
  onEntered,
  onDiscover,
  onBack,
}: {
  onEntered: (hex: string) => void;
  onDiscover: () => void;
  onBack: (() => void) | undefined;
}) => {
  const p = useParley();
  const [invite, setInvite] = useState('');
  const [name, setName] = useState('');
  const [channels, setChannels] = useState('general, random');
  const [listed, setListed] = useState(false);
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState<'join' | 'create' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const ready = p.phase === 'ready';

  const run = async (kind: 'join' | 'create', f: () => Promise<string>) => {
    setBusy(kind);
    setError(undefined);
    try {
      onEntered(await f());
    } catch (e) {
      setError(kind === 'join' ? joinErrorText(e) : (e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  const join = (e: FormEvent) => {
    e.preventDefault();
    void run('join', () => p.joinInvite(invite.trim()));
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim().slice(0, 64);
    const listing = listed ? publicListing(n, description.trim(), tags) : undefined;
    if (typeof listing === 'string') {
      setError(listing);
      return;
    }
    void run('create', () => p.createCommunity(n, channelNames(channels), listing));
  };

  return (
    <StepFrame step={2} title="Find your community">
      {!ready && (
        <p role="status" className="mb-3 text-sm text-[#b5bac1]">
          Connecting to the network…
        </p>
      )}
      <form onSubmit={join} className="space-y-2">
        <label htmlFor="invite-link" className={labelClass}>
          Invite link
        </label>
        <input id="invite-link" className={inputClass} value={invite} placeholder="https://…/join#…" onChange={(e) => setInvite(e.target.value)} />
        <button type="submit" className={`${buttonClass} w-full`} disabled={!ready || invite.trim() === '' || busy !== undefined}>
          {busy === 'join' ? 'Joining…' : 'Join'}
        </button>
      </form>
      <button
        type="button"
        className="mt-3 w-full rounded bg-[#4e5058] px-4 py-2 font-semibold text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white"
        onClick={onDiscover}
      >
        Browse public communities
      </button>
      <div className="my-5 flex items-center gap-3 text-xs uppercase text-[#b5bac1]">
        <span className="h-px flex-1 bg-[#3f4147]" />
        or
        <span className="h-px flex-1 bg-[#3f4147]" />
      </div>
      <form onSubmit={create} className="space-y-3">
        <h2 className="text-lg font-semibold text-white">Start a community</h2>
        <div>
          <label htmlFor="community-name" className={labelClass}>
            Community name
          </label>
          <input id="community-name" className={inputClass} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label htmlFor="first-channels" className={labelClass}>
            First channels (comma-separated)
          </label>
          <input id="first-channels" className={inputClass} value={channels} onChange={(e) => setChannels(e.target.value)} />
        </div>
        <div className="flex items-start gap-2">
          <input id="list-publicly" type="checkbox" className="mt-1 h-4 w-4 accent-[#5865f2]" checked={listed} onChange={(e) => setListed(e.target.checked)} />
          <label htmlFor="list-publicly" className="text-sm text-[#dbdee1]">
            Public: list it in the directory, and let anyone join from there
          </label>
        </div>
        {listed && (
          <>
            <div>
              <label htmlFor="community-tags" className={labelClass}>
                Tags (comma-separated, / for a sub-tag)
              </label>
              <input id="community-tags" className={inputClass} value={tags} placeholder="gaming/chess, social" onChange={(e) => setTags(e.target.value)} />
            </div>
            <div>
              <label htmlFor="community-description" className={labelClass}>
                Description
              </label>
              <textarea
                id="community-description"
                className={`${inputClass} min-h-16`}
                value={description}
                maxLength={1024}
                onChange={(e) => setDescription(e.target.value)}
              />
            </div>
          </>
        )}
        <button type="submit" className={`${buttonClass} w-full`} disabled={!ready || name.trim() === '' || busy !== undefined}>
          {busy === 'create' ? 'Creating…' : 'Start a community'}
        </button>
      </form>
      {error !== undefined && (
        <p role="alert" className="mt-3 text-sm text-red-300">
          {error}
        </p>
      )}
      {onBack !== undefined && (
        <button type="button" className="mt-4 text-sm text-[#b5bac1] underline" onClick={onBack}>
          Back to my rooms
        </button>
      )}
    </StepFrame>
  );
};
