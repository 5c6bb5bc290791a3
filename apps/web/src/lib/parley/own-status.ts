'use client';
/**
 * This browser's status as the rooms' members see it (PROTOCOL 5.8): online while the page is in
 * use, idle after IDLE_AFTER_MS hidden, offline as the page goes away, or never shown at all when the
 * person chose to appear offline (kept in localStorage, like relay-only).
 */
import type { ParleyClient } from '@parley/client';
import { useCallback, useEffect, useState } from 'react';

const KEY = 'parley.invisible.v1';
/** Hidden this long (another tab, minimised) counts as idle, as in Discord. */
export const IDLE_AFTER_MS = 5 * 60_000;

export const loadInvisible = (): boolean => globalThis.localStorage?.getItem(KEY) === '1';

const saveInvisible = (on: boolean): void => {
  if (on) localStorage.setItem(KEY, '1');
  else localStorage.removeItem(KEY);
};

/** Follows the page's visibility into the client's status; returns the appear-offline choice and its setter. */
export const useOwnStatus = (client: ParleyClient | undefined): [boolean, (on: boolean) => void] => {
  const [invisible, setInvisibleState] = useState(false);
  useEffect(() => setInvisibleState(loadInvisible()), []);

  useEffect(() => {
    if (client === undefined || invisible) return;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const follow = () => {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;
      if (document.visibilityState === 'visible') client.setStatus('online');
      else idleTimer = setTimeout(() => client.setStatus('idle'), IDLE_AFTER_MS);
    };
    // Going away: say offline now rather than leave the others waiting out the time-to-live.
    const leaving = () => client.setStatus('invisible');
    const back = (e: PageTransitionEvent) => {
      if (e.persisted) follow();
    };
    follow();
    document.addEventListener('visibilitychange', follow);
    window.addEventListener('pagehide', leaving);
    window.addEventListener('pageshow', back);
    return () => {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      document.removeEventListener('visibilitychange', follow);
      window.removeEventListener('pagehide', leaving);
      window.removeEventListener('pageshow', back);
    };
  }, [client, invisible]);

  const setInvisible = useCallback(
    (on: boolean) => {
      saveInvisible(on);
      setInvisibleState(on);
      if (on) client?.setStatus('invisible');
    },
    [client],
  );
  return [invisible, setInvisible];
};
