'use client';
/**
 * The composer's attachment parts: the + button that opens the file picker, the file waiting to be
 * sent (name, size, remove), and the progress of one being encrypted and sent (with Cancel).
 */
import { useRef } from 'react';
import { formatBytes } from '../../lib/parley/attachments.ts';
import { PaperclipIcon } from './icons.tsx';

export const AttachButton = ({ disabled, onPick }: { disabled: boolean; onPick: (f: File) => void }) => {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        disabled={disabled}
        onClick={() => input.current?.click()}
        className="m-2 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-[#b5bac1] text-lg font-bold leading-none text-[#383a40] hover:bg-white focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-60"
      >
        <span aria-hidden="true">+</span>
        <span className="sr-only">Attach a file</span>
      </button>
      <input
        ref={input}
        type="file"
        data-testid="attach-input"
        tabIndex={-1}
        aria-hidden="true"
        className="hidden"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f !== undefined) onPick(f);
        }}
      />
    </>
  );
};

export const AttachmentChip = ({ file, onRemove }: { file: File; onRemove: () => void }) => (
  <div data-testid="attachment-draft" className="flex items-center justify-between gap-2 rounded-t-lg bg-[#2b2d31] px-4 py-2 text-sm text-[#dbdee1]">
    <span className="flex min-w-0 items-center gap-2">
      <PaperclipIcon />
      <span className="truncate">{file.name}</span>
      <span className="shrink-0 text-[#b5bac1]">({formatBytes(file.size)})</span>
    </span>
    <button type="button" onClick={onRemove} className="rounded px-1 text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white">
      <span aria-hidden="true">✕</span>
      <span className="sr-only">Remove the attachment</span>
    </button>
  </div>
);

export const SendingProgress = ({ name, done, onCancel }: { name: string; done: number; onCancel: () => void }) => (
  <div role="status" className="mb-1 flex items-center gap-2 text-xs text-[#b5bac1]">
    <span className="min-w-0 truncate">Encrypting and sending {name}…</span>
    <progress aria-label={`Sending ${name}`} max={1} value={done} className="h-1.5 w-40 shrink-0 accent-[#5865f2]" />
    <button type="button" onClick={onCancel} className="rounded px-1 hover:text-white focus:outline-none focus:ring-2 focus:ring-white">
      Cancel
    </button>
  </div>
);
