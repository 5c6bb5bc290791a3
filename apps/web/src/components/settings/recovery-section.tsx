'use client';
/**
 * The recovery phrase: shown only when asked for, with what it means (it is the account; nobody can
 * reset it), and importing one to take this browser over with another account.
 */
import { holdsAccountKey, recoveryPhrase } from '@parley/client';
import { type FormEvent, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

const button = 'rounded px-4 py-2 text-sm font-semibold focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50';

export const RecoverySection = () => {
  const p = useParley();
  const [shown, setShown] = useState(false);
  const [importing, setImporting] = useState(false);
  const [phrase, setPhrase] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  // A linked browser holds no account key, so it has no phrase to show (PROTOCOL 2.1).
  const holder = p.identity !== undefined && holdsAccountKey(p.identity);
  const words = shown && holder && p.identity !== undefined ? recoveryPhrase(p.identity).split(' ') : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      p.importRecovery(phrase);
    } catch {
      setError('That is not a valid recovery phrase: it needs all 24 words, in order, spelled as shown when it was written down.');
    }
  };
  return (
    <section aria-labelledby="settings-recovery" className={sectionClass}>
      <h2 id="settings-recovery" className={sectionTitleClass}>
        Recovery phrase
      </h2>
      <div role="note" className="mb-3 rounded border-l-4 border-[#f0b232] bg-[#f0b232]/10 p-3 text-sm text-[#dbdee1]">
        <p className="font-semibold text-white">Your account lives only on your devices.</p>
        <p>
          There is no server that can reset it. If you lose this browser’s data and this phrase, the account is gone for good: nobody, not even Parley, can get
          it back. Anyone who reads the phrase can act as you, so write it on paper and keep it private.
        </p>
      </div>
      {!holder ? (
        <p className="text-sm text-[#dbdee1]">
          This browser was linked to your account from another device and does not hold the account key, so it has no recovery phrase to show: see it on the
          device that created or recovered the account.
        </p>
      ) : !shown ? (
        <button type="button" onClick={() => setShown(true)} className={`${button} bg-[#4e5058] text-white hover:bg-[#6d6f78]`}>
          Show recovery phrase
        </button>
      ) : (
        <div>
          <ol data-testid="recovery-words" aria-label="Recovery phrase, 24 words" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            {words.map((w, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a word's place in the phrase is its identity (words may repeat)
              <li key={i} className="rounded bg-[#1e1f22] px-2 py-1 font-mono text-sm text-[#f2f3f5]">
                <span className="mr-1 text-[#949ba4]">{i + 1}.</span>
                {w}
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setShown(false)} className={`${button} mt-3 bg-[#4e5058] text-white hover:bg-[#6d6f78]`}>
            Hide recovery phrase
          </button>
        </div>
      )}
      <div className="mt-5 border-t border-black/20 pt-4">
        {!importing ? (
          <button
            type="button"
            onClick={() => setImporting(true)}
            className="text-sm text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
          >
            Use a recovery phrase on this browser…
          </button>
        ) : (
          <form onSubmit={submit} className="space-y-2">
            <p className="text-sm text-[#dbdee1]">
              This browser becomes a new device of the account the phrase holds. The communities this browser is in now are forgotten here; rejoin the account’s
              communities from their invite links, and this device adds itself to each. To keep the account key on one device only, link this browser from a
              device you already use instead (Settings › Devices › Link a device there, then open the code here).
            </p>
            <label className="block text-sm text-[#dbdee1]">
              Recovery phrase (24 words)
              <textarea
                value={phrase}
                rows={3}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => {
                  setPhrase(e.target.value);
                  setError(undefined);
                }}
                className="mt-1 block w-full rounded bg-[#1e1f22] px-3 py-2 font-mono text-sm text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]"
              />
            </label>
            {error !== undefined && (
              <p role="alert" className="text-sm text-red-300">
                {error}
              </p>
            )}
            <div className="flex gap-2">
              <button type="submit" disabled={phrase.trim() === ''} className={`${button} bg-[#da373c] text-white hover:bg-[#a12828]`}>
                Replace this browser’s account
              </button>
              <button type="button" onClick={() => setImporting(false)} className={`${button} text-[#dbdee1] hover:underline`}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
};
