/**
 * Tab and Shift+Tab wrap around a modal dialog's controls: showModal() makes the page behind inert,
 * but Tab past the last control would leave for the browser's own UI.
 */
import type { KeyboardEvent } from 'react';

const FOCUSABLE = 'input, button, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

export const wrapTab = (e: KeyboardEvent<HTMLElement>, container: HTMLElement | null): void => {
  if (e.key !== 'Tab' || container === null) return;
  const all = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('disabled'));
  const first = all[0];
  const last = all.at(-1);
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last?.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first?.focus();
  }
};
