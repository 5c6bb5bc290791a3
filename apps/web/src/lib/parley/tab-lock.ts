/**
 * One tab per browser runs the client: tabs share one device key, and two clients would both
 * number envelopes as that device (equivocation, which peers resolve by dropping one). The tab that
 * gets the Web Lock runs Parley; another tab is told so. (Following the leading tab over a
 * BroadcastChannel is a later step.)
 */
const LOCK = 'parley-device-leader';

const tryOnce = (locks: LockManager): Promise<boolean> =>
  new Promise((resolve) => {
    void locks.request(LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Holding the lock means never settling this callback's promise while we lead.
      return lock === null ? undefined : new Promise<never>(() => undefined);
    });
  });

/**
 * Resolves true once this tab holds the lock (kept until the tab closes), false if another tab
 * holds it. A few tries: on reload the previous page of this same tab may not have let go yet.
 */
export const leadThisTab = async (tries = 5, gapMs = 400): Promise<boolean> => {
  const locks = globalThis.navigator?.locks;
  // Without Web Locks (very old browsers) there is no way to tell; run.
  if (locks === undefined) return true;
  for (let i = 0; i < tries; i++) {
    if (await tryOnce(locks)) return true;
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return false;
};
