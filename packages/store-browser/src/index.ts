/**
 * @parley/store-browser — what a browser peer keeps. `IndexedDbStore`: the verified object store
 * (ObjectStore from @parley/store) over IndexedDB, passing the shared compliance suite in Chromium,
 * with quota exhaustion reported as a typed StoreQuotaError and an optional byte budget that keeps
 * the store below the browser's quota. `UserState`: a person's own cross-device state (joined rooms,
 * settings, read markers, drafts, nicknames) in a Yjs document persisted with y-indexeddb, whose
 * updates leave the device only sealed to the account (XChaCha20-Poly1305, key by HKDF from the
 * account secret), so hubs relay them as opaque blobs.
 *
 * @example
 * ```ts
 * import { openIndexedDbStore, openUserState, StoreQuotaError } from '@parley/store-browser';
 * const store = await openIndexedDbStore({ name: 'parley-objects', maxBytes: 200 * 1024 * 1024 });
 * try {
 *   await store.enqueue(storedFromSigned(envelope, Date.now())); // on disk once this resolves
 * } catch (e) {
 *   if (e instanceof StoreQuotaError) await store.evict(room, (await store.usage(room)).bytes / 2);
 * }
 *
 * const mine = await openUserState({ accountSecret });
 * mine.state.onSealedUpdate((blob) => hub.relay(blob)); // opaque to the hub
 * hub.onRelay((blob) => mine.state.applySealed(blob)); // from the account's other devices
 * mine.state.joinRoom({ room: roomId, name: 'Lobby', hubs: invite.hubs, joinedAt: Date.now() });
 * mine.state.markRead(roomId, channelId, { lamport: 42, id: lastSeenId });
 * ```
 */
export { IndexedDbFileStore, type IndexedDbFileStoreOptions, openIndexedDbFileStore } from './indexeddb/file-store.ts';
export { deleteIndexedDbStore, IndexedDbStore, type IndexedDbStoreOptions, openIndexedDbStore } from './indexeddb/indexeddb-store.ts';
export { isQuotaExceeded, type QuotaReason, StoreQuotaError } from './quota-error.ts';
export { deleteUserState, type OpenUserStateOptions, openUserState, type PersistedUserState } from './user-state/open-user-state.ts';
export {
  openUpdate,
  SEALED_UPDATE_VERSION,
  SealedUpdateError,
  type SealedUpdateReason,
  sealUpdate,
  USER_STATE_LIMITS,
  userStateDbName,
  userStateKey,
} from './user-state/sealed-update.ts';
export { UserState, type UserStateChange, type UserStateOptions } from './user-state/user-state.ts';
export { type JoinedRoom, type SettingValue, USER_STATE_VALUE_LIMITS } from './user-state/user-state-values.ts';
