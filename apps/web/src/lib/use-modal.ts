'use client';
/**
 * What every modal <dialog> here does: opens with showModal() when mounted (the page behind becomes
 * inert), closes when unmounted and gives focus back to what opened it, and keeps Tab and Shift+Tab
 * inside (wrapTab). Escape is the dialog's `cancel` event, which each dialog handles itself.
 */
import { type KeyboardEvent, type RefObject, useEffect, useRef } from 'react';
import { wrapTab } from './focus-wrap.ts';

export const useModal = (): { ref: RefObject<HTMLDialogElement | null>; wrap: (e: KeyboardEvent<HTMLElement>) => void } => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    if (d !== null && !d.open) d.showModal();
    return () => {
      d?.close();
      opener?.focus();
    };
  }, []);
  return { ref, wrap: (e) => wrapTab(e, ref.current) };
};
