'use client';
/**
 * The hubs pinned to the community (SET_POLICY `hubs`): members push the room's ciphertext to them and,
 * under "Confirmed by a hub", count a message as sent once one stored it. Listed by peer id, each with
 * Unpin; a hub is added by its peer id, or with one click from the hubs this portal connects through.
 * Each change is one signed SET_POLICY (client.pinHub / unpinHub); without MANAGE_ROOM it is greyed.
 */
import { fromHex } from '@parley/protocol';
import { useId, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';

/** libp2p peer ids as text: Ed25519 identity multihashes (12D3KooW…) or SHA-256 ones (Qm…), base58btc. */
const PEER_ID = /^(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]{30,60}$/;

const peerOf = (addr: string): string | undefined => addr.split('/p2p/')[1]?.split('/')[0];

export const PinnedHubs = ({ roomHex, hubs, editable }: { roomHex: string; hubs: readonly string[]; editable: boolean }) => {
  const { client, config } = useParley();
  const [draft, setDraft] = useState('');
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const known = [...new Set(config.bootstrap.map(peerOf).filter((p): p is string => p !== undefined && !hubs.includes(p)))];
  const change = async (hub: string, pinned: boolean) => {
    if (client === undefined) return;
    setBusy(true);
    try {
      await client.pinHub(fromHex(roomHex), hub, pinned);
      setSaid({ ok: true, text: pinned ? 'Hub pinned.' : 'Hub unpinned.' });
      if (pinned) setDraft('');
    } catch (e) {
      setSaid({ ok: false, text: `Not saved: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  const valid = PEER_ID.test(draft.trim());
  const small = 'rounded px-2 py-0.5 text-xs focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-60';
  return (
    <fieldset disabled={!editable || busy} data-testid="pinned-hubs">
      <legend className="mb-1 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Pinned hubs</legend>
      {hubs.length === 0 ? (
        <p className="text-sm text-[#b5bac1]">No hub is pinned: history lives on members’ devices only.</p>
      ) : (
        <ul className="space-y-1">
          {hubs.map((h) => (
            <li key={h} data-testid="pinned-hub" className="flex items-center gap-2 rounded bg-[#2b2d31] px-2 py-1">
              <span className="min-w-0 flex-1 truncate font-mono text-xs" title={h}>
                {h}
              </span>
              <button
                type="button"
                onClick={() => void change(h, false)}
                className={`${small} text-[#fa777c] hover:underline disabled:text-[#949ba4] disabled:no-underline disabled:opacity-100`}
              >
                Unpin<span className="sr-only"> hub {h}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-2 flex gap-2">
        <label htmlFor={inputId} className="sr-only">
          Hub peer id
        </label>
        <input
          id={inputId}
          value={draft}
          placeholder="Hub peer id (12D3KooW…)"
          onChange={(e) => setDraft(e.target.value)}
          className="min-w-0 flex-1 rounded bg-[#1e1f22] px-2 py-1 font-mono text-xs text-[#dbdee1] placeholder:text-[#949ba4] outline-none focus:ring-2 focus:ring-[#5865f2]"
        />
        <button
          type="button"
          disabled={!valid}
          onClick={() => void change(draft.trim(), true)}
          className={`${small} bg-[#4e5058] text-white hover:bg-[#6d6f78]`}
        >
          Pin hub
        </button>
      </div>
      {known.length > 0 && (
        <p className="mt-1 flex flex-wrap items-center gap-1 text-xs text-[#b5bac1]">
          This portal’s hubs:
          {known.map((p) => (
            <button key={p} type="button" onClick={() => void change(p, true)} className={`${small} text-[#00a8fc] hover:underline`}>
              Pin {p.slice(0, 12)}…<span className="sr-only"> (hub {p})</span>
            </button>
          ))}
        </p>
      )}
      {said !== undefined && (
        <p role={said.ok ? 'status' : 'alert'} className={`mt-1 text-xs ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
          {said.text}
        </p>
      )}
    </fieldset>
  );
};
