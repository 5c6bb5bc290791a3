/**
 * Sets the storage quota of one origin in a running Chromium (DevTools' Storage.overrideQuotaForOrigin),
 * so a suite can make IndexedDB itself refuse writes after a few MiB. Quotas are per origin: give a
 * quota test its own origin (its own static server), or every other test's data counts against it.
 */
import type { CDPSession, Page } from '@playwright/test';

// The override lasts only while its DevTools session is attached: keep one session per page.
const sessions = new WeakMap<Page, Promise<CDPSession>>();

/** Sets `origin`'s quota to `bytes`, or back to the browser's own when `bytes` is undefined. */
export const overrideOriginQuota = async (page: Page, origin: string, bytes: number | undefined): Promise<void> => {
  let session = sessions.get(page);
  if (session === undefined) sessions.set(page, (session = page.context().newCDPSession(page)));
  await (await session).send('Storage.overrideQuotaForOrigin', bytes === undefined ? { origin } : { origin, quotaSize: bytes });
};
