/**
 * @parley/verify — Ed25519 verification off the event loop, in batches.
 *
 * @example
 * ```ts
 * import { VerifyPool, spawnNodeWorker } from '@parley/verify';
 * import { decodeUnverified, envelopeCodec } from '@parley/protocol';
 * const pool = new VerifyPool(spawnNodeWorker, { size: 1 });
 * const { signed, check } = decodeUnverified(envelopeCodec, bytes, crypto);
 * if (await pool.verify(check)) accept(signed);
 * ```
 */

export { packBatch, verifyBatch } from './batch.ts';
export { VerifyPoolError } from './errors.ts';
export { spawnNodeWorker } from './spawn.node.ts';
export { VerifyPool, type VerifyPoolOptions } from './verify-pool.ts';
export type { SpawnWorker, WorkerPort } from './worker-port.ts';
