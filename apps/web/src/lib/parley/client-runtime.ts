/**
 * What the provider runs that needs the client code (libp2p, noble, the IndexedDB stores), as one
 * module it loads with a dynamic import: the first screen (the profile step) hydrates without it,
 * and the import starts when the app mounts, so it is usually in by the time the profile is sent.
 */
export { fromHex, nobleCrypto, parseInviteUrl, toHex } from '@parley/protocol';
export { createStoredIdentity, importStoredIdentity, loadStoredIdentity, saveStoredIdentity } from './identity-storage.ts';
export { type Follower, type PreparedClient, prepareClient, startClient, startFollower } from './start-client.ts';
export { LeaderBus, UseHereError } from './tab-bus.ts';
