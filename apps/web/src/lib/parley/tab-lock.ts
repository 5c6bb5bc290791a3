/**
 * One tab per browser leads: tabs share one device key, and two clients authoring would both number
 * envelopes as that device (equivocation, which peers resolve by dropping one). The tab holding the
 * Web Lock runs Parley; the others follow it over a BroadcastChannel (tab-bus.ts) and wait in the
 * lock's queue, so when the leader closes or reloads, the first of them gets the lock and leads.
 */
const LOCK = 'parley-device-leader';

export interface Lead {
  /** Whether this tab leads now. */
  readonly leads: boolean;
  /** Resolves once this tab holds the lock (at once if `leads`); it keeps it until the tab closes. */
  readonly granted: Promise<void>;
}

/** A reload of this tab: its previous page, maybe the leader, may still be letting go of the lock. */
const reloaded = (): boolean => {
  const nav = globalThis.performance?.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === 'reload';
};

/**
 * Asks for the lock and waits for it: as long as it takes when no tab holds it (a busy page may be
 * slow to get even a free lock), up to 1.5 s after a reload (the previous page of this same tab,
 * maybe the leader, may not have let go yet), else briefly. Past that, another tab leads; the request
 * stays queued (`granted`), so this tab follows and leads once the lock comes.
 */
export const leadThisTab = async (): Promise<Lead> => {
  const locks = globalThis.navigator?.locks;
  // Without Web Locks (very old browsers) there is no way to tell; run.
  if (locks === undefined) return { leads: true, granted: Promise.resolve() };
  const held = await locks
    .query()
    .then((s) => (s.held ?? []).some((l) => l.name === LOCK))
    .catch(() => true);
  const waitMs = !held ? 10_000 : reloaded() ? 1_500 : 100;
  const granted = new Promise<void>((resolve) => {
    void locks.request(LOCK, () => {
      resolve();
      // Holding the lock means never settling this callback's promise while the tab lives.
      return new Promise<never>(() => undefined);
    });
  });
  let leads = false;
  await Promise.race([granted.then(() => (leads = true)), new Promise((r) => setTimeout(r, waitMs))]);
  return { leads, granted };
};
