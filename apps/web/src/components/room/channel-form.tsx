'use client';
/** A one-field form in the channel list: a new channel's name, or a channel's new name. Escape cancels. */
import { type FormEvent, useState } from 'react';

/** Channel names as people type them: lowercase, spaces to dashes, at most 32 characters. */
export const channelName = (raw: string): string =>
  raw
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_-]/gu, '')
    .slice(0, 32);

export const ChannelForm = ({
  label,
  initial = '',
  submitText,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial?: string;
  submitText: string;
  onSubmit: (name: string) => Promise<void>;
  onCancel: () => void;
}) => {
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const name = channelName(value);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name === '' || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(name);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-1 rounded bg-[#1e1f22] p-2">
      <label className="block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
        {label}
        <input
          // biome-ignore lint/a11y/noAutofocus: opened by the person's click, and this is where they type
          autoFocus
          value={value}
          maxLength={40}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onCancel();
          }}
          className="mt-1 block w-full rounded bg-[#2b2d31] px-2 py-1 text-sm font-normal normal-case tracking-normal text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]"
        />
      </label>
      {error !== undefined && (
        <p role="alert" className="text-xs text-red-300">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded px-2 py-1 text-xs text-[#dbdee1] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={name === '' || busy}
          className="rounded bg-[#5865f2] px-2 py-1 text-xs font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50"
        >
          {submitText}
        </button>
      </div>
    </form>
  );
};
