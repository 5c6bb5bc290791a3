/**
 * Where this browser keeps the person's identity: the client's serialized identity (seeds and
 * signed certificate) in localStorage, so a reload keeps the same keys. Secrets in localStorage are
 * readable by any script on the origin; non-extractable WebCrypto keys are a later step.
 */
import { createIdentity, type Identity, loadIdentity, recoverIdentity, serializeIdentity } from '@parley/client';
import { deviceLabel } from './device-label.ts';
import { IDENTITY_KEY as KEY } from './identity-slot.ts';

export const loadStoredIdentity = (): Identity | undefined => {
  const raw = globalThis.localStorage?.getItem(KEY);
  if (raw === null || raw === undefined) return undefined;
  try {
    return loadIdentity(raw);
  } catch {
    // A corrupt entry is not an identity; onboarding starts again rather than crashing the page.
    return undefined;
  }
};

export const createStoredIdentity = (displayName: string, color: number): Identity => {
  const identity = createIdentity({ displayName, color, deviceLabel: deviceLabel() });
  localStorage.setItem(KEY, serializeIdentity(identity));
  return identity;
};

/** Keeps `identity` (a changed profile, a recovered account) as this browser's. */
export const saveStoredIdentity = (identity: Identity): void => {
  localStorage.setItem(KEY, serializeIdentity(identity));
};

/**
 * Replaces this browser's identity with the account a recovery phrase holds, on a new device key,
 * keeping the current name and colour. Throws InvalidFieldError for a phrase that is not valid.
 */
export const importStoredIdentity = (phrase: string, displayName: string, color: number): Identity => {
  const identity = recoverIdentity(phrase, { displayName, color, deviceLabel: deviceLabel() });
  saveStoredIdentity(identity);
  return identity;
};
