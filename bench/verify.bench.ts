/**
 * Ed25519 verify throughput: the node:crypto port against the pure-JS noble port, same keys, same
 * messages, same run. Every signature node verifies is one a peer receives, so this ratio is what
 * the Node services (hub, indexer) gain from the port. Target: node at least 5x noble.
 */
import { type CryptoPort, nobleCrypto } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { measure } from './lib/stats.ts';

interface Signed {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** `n` distinct signers, each signing a 200-byte message (about the size of a chat envelope payload). */
const corpus = (n: number): Signed[] =>
  Array.from({ length: n }, (_, i) => {
    const secret = nodeCrypto.sha256(new TextEncoder().encode(`bench-verify-key-${i}`));
    const message = new Uint8Array(200).fill(i & 0xff);
    return { publicKey: nodeCrypto.ed25519PublicKey(secret), message, signature: nodeCrypto.ed25519Sign(secret, message) };
  });

/** Verifies per second for `port`: `batch` verifies per timed run, median of `runs`. */
const throughput = async (port: CryptoPort, items: readonly Signed[], batch: number, runs: number): Promise<number> => {
  const ms = await measure(
    () => {
      for (let i = 0; i < batch; i++) {
        const s = items[i % items.length] as Signed;
        // A false here means the port is broken, not slow: stop rather than report a fast wrong answer.
        if (!port.ed25519Verify(s.publicKey, s.message, s.signature)) throw new Error(`${port.name}: valid signature rejected`);
      }
    },
    { runs, warmup: 1 },
  );
  return (batch / ms) * 1000;
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const keys = opts.smoke ? 8 : 256;
  const runs = opts.smoke ? 3 : 7;
  const nodeBatch = opts.smoke ? 64 : 4000;
  const nobleBatch = opts.smoke ? 8 : 400;
  const items = corpus(keys);
  const node = await throughput(nodeCrypto, items, nodeBatch, runs);
  const noble = await throughput(nobleCrypto, items, nobleBatch, runs);
  return makeResult({
    name: 'verify',
    value: node,
    unit: 'verifies/s',
    baseline: 'noble ed25519 verify',
    baseline_value: noble,
    target: 'ratio >= 5',
    details: { keys, runs, node_batch: nodeBatch, noble_batch: nobleBatch, message_bytes: 200, smoke: opts.smoke },
  });
}
