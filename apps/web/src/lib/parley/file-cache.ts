/**
 * What this browser keeps, for Settings: the shared files' encrypted chunks (their own IndexedDB
 * database and budget) and the verified objects, and clearing the chunks of files this browser only
 * fetched. A file fetched here is a copy: the peers and hubs it came from serve it again, and the
 * portal fetches it again when it is shown. A file sent from this browser is kept: in a channel whose
 * messages stay on members' devices, or before a pinned hub took it, this browser may be the only one
 * that holds it, and dropping it would lose it for everyone.
 *
 * Loaded with the client code (it opens the file store's database beside the client's connection;
 * IndexedDB runs the two connections' transactions one after another).
 */
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import type { Usage } from '@parley/store';
import { IndexedDbStore, openIndexedDbFileStore } from '@parley/store-browser';
import { FILE_STORE, OBJECT_STORE } from './browser-stores.ts';

export interface StorageReport {
  readonly files: { readonly files: number; readonly bytes: number; readonly budget: number };
  /** Undefined when the client's object store is not the IndexedDB one (it has no total to show). */
  readonly objects: { readonly count: number; readonly bytes: number; readonly budget: number } | undefined;
}

export interface Cleared {
  /** Files whose chunks were dropped, and their bytes. */
  readonly dropped: number;
  readonly bytes: number;
  /** Files kept because this browser sent them (or their message is not here to say who did). */
  readonly kept: number;
}

const withFileStore = async <T>(body: (s: Awaited<ReturnType<typeof openIndexedDbFileStore>>) => Promise<T>): Promise<T> => {
  const s = await openIndexedDbFileStore(FILE_STORE);
  try {
    return await body(s);
  } finally {
    s.close();
  }
};

export const storageReport = async (client: ParleyClient): Promise<StorageReport> => {
  const files = await withFileStore((s) => s.usage());
  const total: Usage | undefined = client.store instanceof IndexedDbStore ? await client.store.totalUsage() : undefined;
  return {
    files: { files: files.files, bytes: files.bytes, budget: FILE_STORE.maxBytes },
    objects: total === undefined ? undefined : { count: total.count, bytes: total.bytes, budget: OBJECT_STORE.maxBytes },
  };
};

/** Drops the chunks of every file another device sent; keeps this device's own. */
export const clearFetchedFiles = async (client: ParleyClient): Promise<Cleared> => {
  const me = toHex(client.identity.device.sign.publicKey);
  return withFileStore(async (s) => {
    let dropped = 0;
    let bytes = 0;
    let kept = 0;
    for (const r of await s.records()) {
      const signer = (await client.store.get(r.message, r.room))?.device;
      if (signer === undefined || toHex(signer) === me) {
        kept++;
        continue;
      }
      const before = (await s.usage()).bytes;
      await s.dropFile(r.id);
      bytes += before - (await s.usage()).bytes;
      dropped++;
    }
    return { dropped, bytes, kept };
  });
};
