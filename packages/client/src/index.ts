/**
 * @parley/client — the headless Parley SDK: one person's device in any number of rooms. It creates
 * identities, rooms, invites and channels, joins from invite URLs (DHT rendezvous + sync), sends and
 * reads end-to-end encrypted messages, moderates through authority entries, and keeps everything in
 * an `ObjectStore`. Every frame from the network or the store goes through one ingest path (decode ->
 * verify -> authorize -> store -> emit); what this device authors is durable (outbox) before a call
 * resolves and is re-offered until a peer holds it. No node: imports: it runs in a browser tab too.
 *
 * @example
 * ```ts
 * import { createIdentity, ParleyClient } from '@parley/client';
 * import { MemoryStore } from '@parley/store';
 *
 * const alice = await ParleyClient.create({
 *   identity: createIdentity({ displayName: 'alice' }),
 *   store: new MemoryStore(),
 *   node: { bootstrap: ['/dns4/hub.example/tcp/443/wss/p2p/12D3KooW...'] },
 * });
 * const room = await alice.createRoom({ name: 'Book club', channels: ['general'] });
 * const url = alice.createInvite(room, { maxUses: 10 });
 * const general = alice.channels(room)[0]!.id;
 * alice.on('message', (m) => console.log(m.text));
 * await alice.send(room, general, 'hello');
 * // elsewhere: const { room } = await bob.join(url); await bob.history(room, general);
 * ```
 */

export { type CatchUpProgress, type CatchUpResult, catchUp } from './catch-up.ts';
export { type CreateRoomOptions, ParleyClient, type ParleyClientOptions } from './client.ts';
export { DirectMessages } from './direct/direct-messages.ts';
export { type DirectMessage, type DirectStore, MemoryDirectStore } from './direct/direct-store.ts';
export { ClientError, type ClientErrorCode } from './errors.ts';
export {
  type AckEvent,
  type ClientEvents,
  type ConnectionEvent,
  Emitter,
  type MessageEvent,
  type ProfileEvent,
  type ProgressEvent,
  type RejectEvent,
  type StateEvent,
  type StatusEvent,
  type SyncEvent,
  type TypingEvent,
  type VoiceEvent,
} from './events.ts';
export { type DownloadInit, type DownloadResult, downloadChunks, downloadFile, type FileProgress, type PlainSink } from './file-download.ts';
export { type FetchFileOptions, FileSharing, type SendFileOptions } from './file-share.ts';
export { RELAYED_EVENTS, type Relayed, type RelayedEventName, readOnlyError } from './follower.ts';
export type { HistoryOptions } from './history.ts';
export { ClientHooks } from './hooks.ts';
export { channelDurability, type Durability, pinnedHubs } from './hub-push.ts';
export {
  type AccountHolder,
  type AccountKey,
  accountKeyPair,
  type CreateIdentityOptions,
  createIdentity,
  holdsAccountKey,
  type Identity,
  loadIdentity,
  NoAccountKeyError,
  recoverIdentity,
  recoveryPhrase,
  serializeIdentity,
  withProfile,
} from './identity.ts';
export { Ingest, type Verdict, type Verifier } from './ingest.ts';
export type { InviteOptions } from './invite.ts';
export { type InviteInfo, mayRevokeInvite, roomInvites } from './invite-list.ts';
export { type JoinResult, type JoinStep, WithheldLogError } from './join.ts';
export { ConnectionLadder, type LadderAttempt, type LadderOptions, type LadderState, type Rung } from './ladder.ts';
export { type AccountDevice, accountDevices } from './link/devices.ts';
export { type LinkDeviceOptions, type LinkResult, readLinkCode } from './link/link-device.ts';
export { LinkError, type LinkFailure } from './link/link-error.ts';
export type { LinkedDevice, LinkOffer, OfferOptions } from './link/link-offers.ts';
export { ListingPublisher, type ListingPublisherDeps, type ListingSink, type PublishedListing, solveListing } from './listing-publisher.ts';
export { type OwnStatus, readStatus, StatusBook } from './member-status.ts';
export { bestPathByPeer, type ConnectionPath, connectionPaths, type PeerPath, pathOfAddr, selectedPairPath } from './paths.ts';
export type { RoleInput } from './room-admin.ts';
export { RoomSession } from './room-session.ts';
export { storeSyncSource } from './store-source.ts';
export { readTyping } from './typing.ts';
export { VoiceLink, type VoiceSignalDraft } from './voice-link.ts';
