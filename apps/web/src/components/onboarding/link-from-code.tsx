'use client';
/**
 * `/link#…` (or a pasted code): makes this browser another device of the account whose device shows
 * the code (PROTOCOL 2.1). A browser new to Parley gets its device keys first (no profile to fill
 * in: the account's comes with the link); then the other device certifies it and its communities
 * open here.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import { buttonClass, inputClass, labelClass, StepFrame } from './step-frame.tsx';

const reasonText: Record<string, string> = {
  'invalid-code': 'That is not a link code. Copy the whole code (it starts with https:// and contains /link#) from Settings › Devices on your other device.',
  expired: 'That code has expired or was cancelled. Make a new one on your other device (Settings › Devices › Link a device).',
  used: 'That code was already used: a code links one device. Make a new one on your other device.',
  unknown: 'Your other device does not know that code (was its page reloaded?). Make a new one there.',
  'wrong-secret': 'That code does not match (it may be cut short or changed). Copy it again.',
  unreachable: 'Your other device could not be reached. Keep Parley open on it, then try again.',
  'bad-grant': 'The other device’s answer did not verify. Make a new code and try again.',
  'device-in-use': 'This browser is already in communities: link a browser that is new to Parley.',
  failed: 'Your other device could not add this one. Try again with a new code.',
};

const explain = (e: unknown): string => {
  const reason = (e as { reason?: unknown })?.reason;
  if (typeof reason === 'string' && reason in reasonText) return reasonText[reason] as string;
  return (e as Error)?.message ?? String(e);
};

export const LinkFromCode = ({ initial, onLinked, onCancel }: { initial: string; onLinked: (hex: string | undefined) => void; onCancel: () => void }) => {
  const p = useParley();
  const [code, setCode] = useState(initial);
  const [wanted, setWanted] = useState(initial !== '' ? 0 : -1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const tried = useRef(-1);

  useEffect(() => {
    if (wanted < 0 || tried.current === wanted) return;
    // A browser new to Parley: device keys first (the account's name and colour come with the link).
    if (p.phase === 'profile') {
      p.createProfile('New device', 0x5865f2);
      return;
    }
    if (p.phase !== 'ready') return;
    tried.current = wanted;
    setBusy(true);
    setError(undefined);
    p.linkDevice(code.trim()).then(
      () => {
        setBusy(false);
        onLinked(undefined);
      },
      (e: unknown) => {
        setBusy(false);
        setError(explain(e));
      },
    );
  }, [p, wanted, code, onLinked]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.trim() !== '') setWanted((w) => w + 1);
  };
  const working = busy || (wanted >= 0 && tried.current !== wanted && error === undefined);
  return (
    <StepFrame step={1} title="Link this browser">
      <p className="mb-4 text-sm text-[#b5bac1]">
        Use Parley here as the same person as on your other device. On that device open Settings › Devices › Link a device, then open or paste the code here.
        Your account key stays on that device.
      </p>
      <form onSubmit={submit} className="space-y-3">
        <div>
          <label htmlFor="link-code" className={labelClass}>
            Link code
          </label>
          <input
            id="link-code"
            className={`${inputClass} font-mono text-xs`}
            value={code}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setCode(e.target.value);
              setError(undefined);
            }}
          />
        </div>
        {working && (
          <p role="status" className="text-[#b5bac1]">
            {p.phase !== 'ready' ? 'Connecting to the network…' : 'Reaching your other device…'}
          </p>
        )}
        {error !== undefined && (
          <p role="alert" className="text-red-300">
            {error}
          </p>
        )}
        <div className="flex gap-2">
          <button type="submit" className={buttonClass} disabled={code.trim() === '' || working}>
            Link this browser
          </button>
          <button type="button" className="rounded px-4 py-2 text-[#b5bac1] underline" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </StepFrame>
  );
};
