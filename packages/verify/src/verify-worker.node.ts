/** Worker thread entry: verifies packed batches with Node's built-in Ed25519 (OpenSSL). */
import { parentPort } from 'node:worker_threads';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { verifyBatch } from './batch.ts';

const port = parentPort;
if (port === null) throw new Error('verify-worker.node.ts must run as a worker thread');
port.on('message', (buf: ArrayBuffer) => {
  const results = verifyBatch(buf, nodeCrypto.ed25519Verify);
  port.postMessage(results, [results.buffer as ArrayBuffer]);
});
