/** Web Worker entry: verifies packed batches with the pure-JS noble port (sync, no WebCrypto promise per check). */
import { nobleCrypto } from '@parley/protocol';
import { verifyBatch } from './batch.ts';

self.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
  const results = verifyBatch(ev.data, nobleCrypto.ed25519Verify);
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(results, [results.buffer as ArrayBuffer]);
};
