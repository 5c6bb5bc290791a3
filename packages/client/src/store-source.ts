/**
 * What this peer serves over the sync protocol, read from its store: for GET_AUTHORITY the room's
 * authority entries followed by its epoch bundles and key shares (a joiner needs all three before
 * it can read) and its members' profiles (names and colours), have-vectors and ranges per channel. Only rooms this client has opened are served.
 */
import type { SyncSource } from '@parley/net';
import { type HaveVector, toHex } from '@parley/protocol';
import type { ObjectStore } from '@parley/store';

export const storeSyncSource = (store: ObjectStore, serves: (roomHex: string) => boolean): SyncSource => ({
  async authority(room: Uint8Array): Promise<Uint8Array[] | undefined> {
    if (!serves(toHex(room))) return undefined;
    const entries = await store.authority(room);
    const bundles = await store.byType(room, 'EPOCH_BUNDLE');
    const shares = await store.byType(room, 'KEY_SHARE');
    const profiles = await store.byType(room, 'PROFILE');
    return [...entries, ...bundles, ...shares, ...profiles].map((o) => o.bytes);
  },
  async have(room: Uint8Array, channel: Uint8Array): Promise<HaveVector | undefined> {
    if (!serves(toHex(room))) return undefined;
    return store.haveVector(room, channel);
  },
  async range(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Promise<Uint8Array[] | undefined> {
    if (!serves(toHex(room))) return undefined;
    return (await store.bySeq(room, channel, device, fromSeq, toSeq)).map((o) => o.bytes);
  },
});
