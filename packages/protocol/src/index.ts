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
export * from './bytes.ts';
export * from './errors.ts';
export * from './limits.ts';
export type { CryptoPort, RandomSource } from './crypto/port.ts';
export { nobleCrypto } from './crypto/noble-crypto.ts';
export * from './codec/cbor.ts';
export * from './codec/object-type.ts';
export * from './codec/signed.ts';
export * from './identity/keys.ts';
export * from './identity/device-cert.ts';
export * from './identity/profile.ts';
export * from './identity/recovery.ts';
// -- authority (exports added below this line) --
export * from './authority/capabilities.ts';
export * from './authority/view.ts';
export * from './authority/entry.ts';
export * from './authority/room-id.ts';
export { RoomState } from './authority/room-state.ts';
export type { DeviceRecord, MemberRecord, Rejection, OrderedEntry } from './authority/room-state.ts';
export { replayAuthority, DEFAULT_POLICY } from './authority/replay.ts';
export * from './authority/build.ts';
export * from './authority/open-entry.ts';
// -- message --
// -- keys --
// -- invite --
// -- discovery --
