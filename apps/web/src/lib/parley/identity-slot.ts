/**
 * Where this browser keeps the person's serialized identity (localStorage), and whether one is
 * there: read without loading the client code, so a new person's first screen needs none of it.
 */
export const IDENTITY_KEY = 'parley.identity.v1';

export const hasStoredIdentity = (): boolean => (globalThis.localStorage?.getItem(IDENTITY_KEY) ?? null) !== null;
