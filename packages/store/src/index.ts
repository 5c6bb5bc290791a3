/**
 * @parley/store — the verified object store: one interface (`ObjectStore`) for what a peer and a hub
 * keep (frames plus indexed metadata), page (history by (lamport, id)), reconcile (have-vectors,
 * range fingerprints) and re-offer (the durable outbox); an in-memory reference implementation; and,
 * from `@parley/store/compliance`, the suite every adapter passes. Objects are verified before they
 * get here (decode -> validate -> authorize in @parley/protocol); time comes in as arguments.
 *
 * @example
 * ```ts
 * import { openEnvelope, nobleCrypto } from '@parley/protocol';
 * import { MemoryStore, storedFromSigned } from '@parley/store';
 * const store = new MemoryStore();
 * const env = openEnvelope(frame, nobleCrypto); // then authorize against the room's authority view
 * await store.put([storedFromSigned(env, Date.now())]);
 * const page = await store.range(env.body.room, env.body.channel, { limit: 50, order: 'desc' });
 * const have = await store.haveVector(env.body.room, env.body.channel); // { deviceHex: contiguous seq }
 * ```
 */
export * from './arguments.ts';
export * from './backoff.ts';
export * from './cursor.ts';
export * from './errors.ts';
export * from './file-store.ts';
export * from './fingerprint.ts';
export * from './from-signed.ts';
export { MemoryFileStore } from './memory/memory-file-store.ts';
export { MemoryStore } from './memory/memory-store.ts';
export type * from './object-store.ts';
export * from './store-limits.ts';
export * from './stored-object.ts';
