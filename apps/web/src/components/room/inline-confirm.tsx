'use client';
/**
 * An action asked about in place (no browser dialog): the question (its legend, for screen readers,
 * and shown, or `shown` in its place, unless `quiet`), a red confirm button and Cancel. `stacked` puts the question on its own
 * line above the buttons. `field` (an input the action takes) sits before the buttons; anything
 * passed as children (an error line) follows them.
 */
import type { ReactNode } from 'react';

export const InlineConfirm = ({
  question,
  shown,
  confirmLabel,
  onConfirm,
  onCancel,
  className,
  quiet = false,
  stacked = false,
  field,
  children,
}: {
  question: string;
  /** The words on screen when they say more than the legend. */
  shown?: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  className: string;
  quiet?: boolean;
  stacked?: boolean;
  field?: ReactNode;
  children?: ReactNode;
}) => (
  <fieldset className={`flex items-center ${stacked ? 'flex-wrap' : ''} ${className}`}>
    <legend className="sr-only">{question}</legend>
    {!quiet && (
      <span aria-hidden="true" className={`text-[#dbdee1] ${stacked ? 'basis-full' : ''}`}>
        {shown ?? question}
      </span>
    )}
    {field}
    <button
      type="button"
      onClick={onConfirm}
      className="rounded bg-[#da373c] px-2 py-0.5 font-semibold text-white hover:bg-[#a12828] focus:outline-none focus:ring-2 focus:ring-white"
    >
      {confirmLabel}
    </button>
    <button type="button" onClick={onCancel} className="rounded px-2 py-0.5 text-[#dbdee1] hover:underline focus:outline-none focus:ring-2 focus:ring-white">
      Cancel
    </button>
    {children}
  </fieldset>
);
