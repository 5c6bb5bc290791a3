'use client';
/**
 * Storage used: how much this browser keeps for shared files (their encrypted chunks, against the
 * file store's budget) and for messages and community data (against the object store's), and a
 * button that clears the chunks of files fetched from others (see file-cache.ts for what is kept).
 */
import type { ParleyClient } from '@parley/client';
import { useCallback, useEffect, useState } from 'react';
import { formatBytes } from '../../lib/parley/attachments.ts';
import type { Cleared, StorageReport } from '../../lib/parley/file-cache.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

// The client code's chunk (IndexedDB stores): loaded already once a client runs.
const cache = () => import('../../lib/parley/file-cache.ts');

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const UsageRow = ({ id, label, bytes, budget, detail }: { id: string; label: string; bytes: number; budget: number; detail: string }) => (
  <div data-testid={id}>
    <p className="flex justify-between gap-4 text-sm">
      <span id={`${id}-label`} className="font-medium text-[#f2f3f5]">
        {label}
      </span>
      <span data-testid={`${id}-used`} className="text-[#dbdee1]">
        {formatBytes(bytes)} of {formatBytes(budget)}
      </span>
    </p>
    <meter aria-labelledby={`${id}-label`} min={0} max={budget} value={bytes} className="mt-1 h-2 w-full" />
    <p className="text-xs text-[#b5bac1]">{detail}</p>
  </div>
);

const clearedWords = (c: Cleared): string => {
  const kept = c.kept === 0 ? '' : ` Kept ${plural(c.kept, 'file', 'files')} sent from this browser.`;
  return c.dropped === 0 ? `Nothing to clear.${kept}` : `Cleared ${plural(c.dropped, 'fetched file', 'fetched files')} (${formatBytes(c.bytes)}).${kept}`;
};

export const StorageSection = () => {
  const { client } = useParley();
  const [report, setReport] = useState<StorageReport | undefined>(undefined);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const measure = useCallback(async (c: ParleyClient) => setReport(await (await cache()).storageReport(c)), []);
  useEffect(() => {
    if (client !== undefined) measure(client).catch((e: unknown) => setSaid({ ok: false, text: `Could not measure: ${(e as Error).message}` }));
  }, [client, measure]);
  const clear = async () => {
    if (client === undefined) return;
    setBusy(true);
    try {
      setSaid({ ok: true, text: clearedWords(await (await cache()).clearFetchedFiles(client)) });
      await measure(client);
    } catch (e) {
      setSaid({ ok: false, text: `Not cleared: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="settings-storage" data-testid="storage" className={sectionClass}>
      <h2 id="settings-storage" className={sectionTitleClass}>
        Storage used
      </h2>
      {report === undefined ? (
        <p className="text-sm text-[#b5bac1]">Measuring…</p>
      ) : (
        <div className="space-y-3">
          <UsageRow
            id="storage-files"
            label="Shared files"
            bytes={report.files.bytes}
            budget={report.files.budget}
            detail={`${plural(report.files.files, 'file', 'files')}, encrypted. Beyond the limit, the files used longest ago make room.`}
          />
          {report.objects !== undefined && (
            <UsageRow
              id="storage-objects"
              label="Messages and community data"
              bytes={report.objects.bytes}
              budget={report.objects.budget}
              detail={`${plural(report.objects.count, 'item', 'items')}: messages, the communities’ logs and keys.`}
            />
          )}
        </div>
      )}
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
        <p id="storage-clear-help" className="min-w-0 flex-1 text-sm text-[#b5bac1]">
          Clearing drops the files this browser fetched from others; they are fetched again when you open them. Files you sent from this browser are kept: a hub
          may not hold them, and others could not fetch them without this browser.
        </p>
        <button
          type="button"
          disabled={busy || client === undefined}
          aria-describedby="storage-clear-help"
          onClick={() => void clear()}
          className="rounded bg-[#4e5058] px-3 py-1.5 text-sm font-medium text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-60"
        >
          Clear fetched files
        </button>
      </div>
      {said !== undefined && (
        <p role={said.ok ? 'status' : 'alert'} className={`mt-2 text-sm ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
          {said.text}
        </p>
      )}
    </section>
  );
};
