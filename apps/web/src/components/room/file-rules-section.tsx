'use client';
/**
 * The community's file rules (SET_POLICY `f`, PROTOCOL 12.5) in its settings: the largest file in
 * MB and the types members may share, picked from presets (Images, Video, Audio, PDF) or typed in
 * as the protocol takes them. "Apply file rules" signs one SET_POLICY (client.setFileRules); every
 * member's portal then refuses other files before encrypting them, and shows files already sent
 * that the rules now refuse as refused instead of fetching them. Without MANAGE_ROOM it is greyed.
 */
import type { FileRules } from '@parley/protocol';
import { fromHex } from '@parley/protocol';
import { useId, useState } from 'react';
import { MAX_ATTACHMENT_BYTES } from '../../lib/parley/attachments.ts';
import { describeRules, mbText, parseMaxMb, parseTypeRule, rulesOf, sameRules, TYPE_PRESETS } from '../../lib/parley/file-rules.ts';
import { useParley } from '../../lib/parley/provider.tsx';

export const FileRulesSection = ({ roomHex, rules, editable }: { roomHex: string; rules: FileRules | undefined; editable: boolean }) => {
  const { client } = useParley();
  const [mb, setMb] = useState(mbText(rules?.maxBytes));
  const [types, setTypes] = useState<readonly string[]>(rules?.types ?? []);
  const [draft, setDraft] = useState('');
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const sizeId = useId();
  const sizeHelpId = useId();
  const typeId = useId();
  const size = parseMaxMb(mb);
  const toggle = (rule: string, on: boolean) => setTypes((t) => (on ? [...t, rule] : t.filter((x) => x !== rule)));
  const presetRules = new Set(TYPE_PRESETS.flatMap((p) => p.types));
  const custom = types.filter((t) => !presetRules.has(t));
  const add = () => {
    const r = parseTypeRule(draft, types);
    if (!r.ok) {
      setSaid({ ok: false, text: r.error });
      return;
    }
    setTypes((t) => [...t, r.value]);
    setDraft('');
    setSaid(undefined);
  };
  const save = async () => {
    if (client === undefined) return;
    if (!size.ok) {
      setSaid({ ok: false, text: size.error });
      return;
    }
    const next = rulesOf(size.value, types);
    if (sameRules(next, rules)) {
      setSaid({ ok: true, text: 'Nothing changed.' });
      return;
    }
    setBusy(true);
    try {
      await client.setFileRules(fromHex(roomHex), next);
      setSaid({ ok: true, text: `File rules saved. ${describeRules(next)}` });
    } catch (e) {
      setSaid({ ok: false, text: `Not saved: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  const small = 'rounded px-2 py-0.5 text-xs focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-60';
  return (
    <fieldset disabled={!editable || busy} data-testid="file-rules">
      <legend className="mb-1 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Files</legend>
      <p data-testid="file-rules-now" className="mb-2 text-xs text-[#b5bac1]">
        {describeRules(rules)}
      </p>
      <div className="flex items-center gap-2 text-sm">
        <label htmlFor={sizeId}>Largest file</label>
        <input
          id={sizeId}
          inputMode="decimal"
          value={mb}
          placeholder="no limit"
          aria-describedby={sizeHelpId}
          aria-invalid={!size.ok}
          onChange={(e) => setMb(e.target.value)}
          onKeyDown={(e) => {
            // Enter here saves these rules, not the settings form around them.
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void save();
          }}
          className="w-24 rounded bg-[#1e1f22] px-2 py-1 text-sm text-[#dbdee1] placeholder:text-[#949ba4] outline-none focus:ring-2 focus:ring-[#5865f2] disabled:opacity-60"
        />
        MB
      </div>
      <p id={sizeHelpId} className="mt-0.5 text-xs text-[#b5bac1]">
        Empty: no limit of the community’s own. This portal sends files up to {MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB either way.
      </p>
      <fieldset className="mt-2">
        <legend className="text-sm">Types allowed (none ticked: every type)</legend>
        <div className="flex flex-wrap gap-x-4">
          {TYPE_PRESETS.map((p) => {
            const on = p.types.every((t) => types.includes(t));
            return (
              <label key={p.label} className="flex items-center gap-1.5 py-0.5 text-sm">
                <input
                  type="checkbox"
                  checked={on}
                  onChange={(e) => {
                    for (const t of p.types) toggle(t, e.target.checked);
                  }}
                  className="h-4 w-4"
                />
                {p.label} <span className="font-mono text-xs text-[#b5bac1]">{p.types.join(', ')}</span>
              </label>
            );
          })}
        </div>
        {custom.length > 0 && (
          <ul className="mt-1 flex flex-wrap gap-1">
            {custom.map((t) => (
              <li key={t} data-testid="file-type" className="flex items-center gap-1 rounded bg-[#2b2d31] px-2 py-0.5 font-mono text-xs">
                {t}
                <button type="button" onClick={() => toggle(t, false)} className={`${small} text-[#fa777c] hover:underline`}>
                  <span aria-hidden="true">✕</span>
                  <span className="sr-only">Remove type {t}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-1 flex gap-2">
          <label htmlFor={typeId} className="sr-only">
            Another type
          </label>
          <input
            id={typeId}
            value={draft}
            placeholder="Another type (text/plain, application/*)"
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
            className="min-w-0 flex-1 rounded bg-[#1e1f22] px-2 py-1 font-mono text-xs text-[#dbdee1] placeholder:text-[#949ba4] outline-none focus:ring-2 focus:ring-[#5865f2] disabled:opacity-60"
          />
          <button type="button" disabled={draft.trim() === ''} onClick={add} className={`${small} bg-[#4e5058] text-white hover:bg-[#6d6f78]`}>
            Add type
          </button>
        </div>
      </fieldset>
      <div className="mt-2 flex justify-end">
        <button
          type="button"
          onClick={() => void save()}
          title={editable ? undefined : 'You need the Manage the community capability'}
          className={`${small} bg-[#5865f2] py-1 text-sm font-semibold text-white hover:bg-[#4752c4]`}
        >
          Apply file rules
        </button>
      </div>
      {said !== undefined && (
        <p role={said.ok ? 'status' : 'alert'} className={`mt-1 text-xs ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
          {said.text}
        </p>
      )}
    </fieldset>
  );
};
