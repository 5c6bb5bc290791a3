'use client';
import type { SyncProgress } from '../../lib/parley/use-sync-progress.ts';

/** A thin bar under the channel header while history arrives: "Catching up: 340 of 1,000 messages". */
export const SyncBar = ({ progress }: { progress: SyncProgress }) => {
  const pct = Math.round((progress.done / progress.total) * 100);
  const words = `Catching up: ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} messages`;
  return (
    <div data-testid="sync-progress" className="shrink-0 border-b border-black/30 bg-[#2b2d31] px-4 py-1">
      <div className="flex items-center justify-between text-xs text-[#dbdee1]">
        <span>{words}</span>
        <span aria-hidden="true">{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="History arriving"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
        aria-valuetext={words}
        className="mt-1 h-1 overflow-hidden rounded bg-[#1e1f22]"
      >
        <div className="h-full bg-[#5865f2] transition-[width]" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
};
