'use client';
/**
 * A modal confirmation, on the platform's <dialog> opened with showModal(): the page behind is inert,
 * Tab and Shift+Tab wrap around the dialog's controls, Escape cancels, the title labels it, and focus returns to what opened it.
 * The action's error, if any, is shown inside and the dialog stays open.
 */
import { type ReactNode, useId, useState } from 'react';
import { useModal } from '../../lib/use-modal.ts';

export const ConfirmDialog = ({
  title,
  description,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  /** What will happen, read out with the title. */
  description: string;
  /** Options of the action (inputs), under the description. */
  children?: ReactNode;
  confirmLabel: string;
  /** Resolves when done (the dialog closes); a rejection is shown in the dialog. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) => {
  const { ref, wrap } = useModal();
  const titleId = useId();
  const bodyId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const confirm = () => {
    setBusy(true);
    setError(undefined);
    onConfirm().then(onClose, (e: unknown) => {
      setBusy(false);
      setError((e as Error).message);
    });
  };
  const button = 'rounded px-4 py-2 text-sm font-semibold focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-60';
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={wrap}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <div className="p-4">
        <h2 id={titleId} className="text-lg font-bold text-white">
          {title}
        </h2>
        <p id={bodyId} className="mt-2 text-sm text-[#dbdee1]">
          {description}
        </p>
        {children !== undefined && <div className="mt-3 space-y-3 text-sm">{children}</div>}
        {error !== undefined && (
          <p role="alert" className="mt-3 text-sm text-red-300">
            {error}
          </p>
        )}
      </div>
      <div className="flex justify-end gap-2 rounded-b-lg bg-[#2b2d31] p-4">
        <button type="button" onClick={onClose} disabled={busy} className={`${button} text-[#dbdee1] hover:underline`}>
          Cancel
        </button>
        <button type="button" onClick={confirm} disabled={busy} className={`${button} bg-[#da373c] text-white hover:bg-[#a12828]`}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
};
