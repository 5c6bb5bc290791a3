/** Spawns verification workers as browser Web Workers (module workers; bundlers resolve the URL). */
import type { SpawnWorker, WorkerPort } from './worker-port.ts';

export const spawnBrowserWorker: SpawnWorker = (): WorkerPort => {
  const worker = new Worker(new URL('./verify-worker.browser.ts', import.meta.url), { type: 'module' });
  return {
    post: (batch) => worker.postMessage(batch, [batch]),
    onResult: (handler) => worker.addEventListener('message', (ev: MessageEvent<Uint8Array>) => handler(ev.data)),
    onFailure: (handler) => worker.addEventListener('error', (ev) => handler(new Error(ev.message))),
    terminate: async () => worker.terminate(),
  };
};
