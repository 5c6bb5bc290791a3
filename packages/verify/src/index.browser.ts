/** @parley/verify for browsers: the same pool, spawning Web Workers. See index.ts. */

export { packBatch, verifyBatch } from './batch.ts';
export { VerifyPoolError } from './errors.ts';
export { spawnBrowserWorker } from './spawn.browser.ts';
export { VerifyPool, type VerifyPoolOptions } from './verify-pool.ts';
export type { SpawnWorker, WorkerPort } from './worker-port.ts';
