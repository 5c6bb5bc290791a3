/** Spawns verification workers as Node worker threads. */
import { Worker } from 'node:worker_threads';
import type { SpawnWorker, WorkerPort } from './worker-port.ts';

export const spawnNodeWorker: SpawnWorker = (): WorkerPort => {
  const worker = new Worker(new URL('./verify-worker.node.ts', import.meta.url));
  worker.unref();
  let exited = false;
  return {
    post: (batch) => worker.postMessage(batch, [batch]),
    onResult: (handler) => worker.on('message', (r: Uint8Array) => handler(r)),
    onFailure: (handler) => {
      worker.on('error', (e) => handler(e));
      worker.on('exit', (code) => {
        exited = true;
        if (code !== 0) handler(new Error(`worker exited with code ${code}`));
      });
    },
    terminate: async () => {
      if (!exited) await worker.terminate();
    },
  };
};
