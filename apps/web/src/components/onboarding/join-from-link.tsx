'use client';
/** `/join#…`: joins the room in the link as soon as the client is up, showing where it is in that. */
import { useEffect, useRef, useState } from 'react';
import { joinErrorText } from '../../lib/parley/join-error.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useSyncProgress } from '../../lib/parley/use-sync-progress.ts';
import { SyncBar } from '../room/sync-bar.tsx';
import { buttonClass, StepFrame } from './step-frame.tsx';

export const JoinFromLink = ({ url, onJoined, onCancel }: { url: string; onJoined: (hex: string) => void; onCancel: () => void }) => {
  const p = useParley();
  const [error, setError] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const tried = useRef(-1);
  const syncing = useSyncProgress(p.client, undefined);
  useEffect(() => {
    if (p.phase !== 'ready' || tried.current === attempt) return;
    tried.current = attempt;
    setError(undefined);
    p.joinInvite(url).then(onJoined, (e: unknown) => setError(joinErrorText(e)));
  }, [p, url, attempt, onJoined]);
  return (
    <StepFrame step={2} title="Joining the community">
      {error === undefined ? (
        <>
          <p role="status" className="text-[#b5bac1]">
            {p.phase !== 'ready' ? 'Connecting to the network…' : syncing === undefined ? 'Finding the community’s peers…' : 'Fetching the history…'}
          </p>
          {syncing !== undefined && <SyncBar progress={syncing} />}
        </>
      ) : (
        <div className="space-y-3">
          <p role="alert" className="text-red-300">
            {error}
          </p>
          <div className="flex gap-2">
            <button type="button" className={buttonClass} onClick={() => setAttempt((a) => a + 1)}>
              Try again
            </button>
            <button type="button" className="rounded px-4 py-2 text-[#b5bac1] underline" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </StepFrame>
  );
};
