/**
 * @parley/protocol — every rule of Parley as pure functions over plain objects: identities, canonical
 * signed frames, the authority log and its replay, message envelopes, channel epoch keys, invites and
 * discovery records. No I/O: time and randomness come in as arguments, crypto through a port.
 *
 * @example
 * ```ts
 * import { accountKeys, deviceKeys, certifyDevice, nobleCrypto } from '@parley/protocol';
 * const account = accountKeys(crypto.getRandomValues(new Uint8Array(32)), nobleCrypto);
 * const device = deviceKeys(rand(32), rand(32), nobleCrypto);
 * const cert = certifyDevice(account, device, Date.now(), nobleCrypto);
 * ```
 */

export * from './authority/audit.ts';
export * from './authority/build.ts';
// -- authority (exports added below this line) --
export * from './authority/capabilities.ts';
export * from './authority/discovery-settings.ts';
export * from './authority/entry.ts';
export * from './authority/open-entry.ts';
export { DEFAULT_POLICY, replayAuthority } from './authority/replay.ts';
export * from './authority/room-id.ts';
export type { DeviceRecord, MemberRecord, OrderedEntry, Rejection } from './authority/room-state.ts';
export { RoomState } from './authority/room-state.ts';
export * from './authority/view.ts';
export * from './bytes.ts';
export * from './codec/cbor.ts';
export * from './codec/object-type.ts';
export * from './codec/signed.ts';
export { nobleCrypto } from './crypto/noble-crypto.ts';
export type { CryptoPort, RandomSource } from './crypto/port.ts';
// -- direct messages --
export * from './direct/direct-box.ts';
export * from './direct/direct-envelope.ts';
export * from './direct/ratchet.ts';
export * from './direct/ratchet-state-codec.ts';
export * from './discovery/listing.ts';
// -- discovery --
export * from './discovery/presence.ts';
export * from './discovery/proof-of-work.ts';
export * from './discovery/tag.ts';
export * from './discovery/vote.ts';
export * from './errors.ts';
// -- files --
export * from './file/chunk-cipher.ts';
export * from './file/file-ref.ts';
export * from './file/file-rules.ts';
export * from './file/piece-list.ts';
export * from './file/prepare-file.ts';
export * from './identity/device-cert.ts';
export * from './identity/device-link.ts';
export * from './identity/keys.ts';
export * from './identity/profile.ts';
export * from './identity/recovery.ts';
// -- invite --
export * from './invite/invite-token.ts';
export * from './invite/invite-url.ts';
export * from './keys/epoch-bundle.ts';
export * from './keys/epoch-keyring.ts';
export * from './keys/key-share.ts';
// -- keys --
export * from './keys/seal.ts';
export * from './limits.ts';
// -- message --
export * from './message/content.ts';
export * from './message/envelope.ts';
export * from './message/have-vector.ts';
export * from './message/history.ts';
export * from './message/status.ts';
export * from './message/typing.ts';
export * from './message/validate-envelope.ts';
export * from './sync/reconcile.ts';
export * from './sync/reconcile-message.ts';
// -- sync --
export * from './sync/reconcile-source.ts';
// -- voice --
export * from './voice/forwarder-election.ts';
export * from './voice/validate-voice-signal.ts';
export * from './voice/voice-frame.ts';
export * from './voice/voice-signal.ts';
