import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type SignatureCheck, signingInput } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { spawnNodeWorker, VerifyPool, VerifyPoolError, type WorkerPort } from '../src/index.ts';

const checks = (n: number): { check: SignatureCheck; valid: boolean }[] =>
  Array.from({ length: n }, (_, i) => {
    const secret = nodeCrypto.sha256(new TextEncoder().encode(`pool-${i}`));
    const message = signingInput('ENVELOPE', new TextEncoder().encode(`payload ${i}`));
    const signature = nodeCrypto.ed25519Sign(secret, message);
    const valid = i % 3 !== 0;
    if (!valid) signature[5] = (signature[5] as number) ^ 0x40;
    return { check: { publicKey: nodeCrypto.ed25519PublicKey(secret), message, signature }, valid };
  });

describe('VerifyPool on worker threads', () => {
  const pool = new VerifyPool(spawnNodeWorker, { size: 2, maxBatch: 64 });
  after(() => pool.close());

  it('answers every check correctly and in order, batching calls made together', async () => {
    const cs = checks(500);
    const before = pool.batches;
    const got = await pool.verifyMany(cs.map((c) => c.check));
    assert.deepEqual(
      got,
      cs.map((c) => c.valid),
    );
    assert.ok(pool.batches - before <= Math.ceil(500 / 64) + 2, `${pool.batches - before} batches for 500 checks`);
  });

  it('treats malformed keys and signatures as invalid, not as errors', async () => {
    const [c] = checks(2).slice(1);
    assert.ok(c);
    assert.equal(await pool.verify({ ...c.check, publicKey: new Uint8Array(5) }), false);
    assert.equal(await pool.verify({ ...c.check, signature: new Uint8Array(64) }), false);
  });
});

describe('VerifyPool failure handling', () => {
  it('re-queues the batch of a worker that dies and replaces the worker', async () => {
    const ports: WorkerPort[] = [];
    const pool = new VerifyPool(
      () => {
        const p = spawnNodeWorker();
        ports.push(p);
        return p;
      },
      { size: 1, maxBatch: 1000 },
    );
    const cs = checks(300);
    const pending = pool.verifyMany(cs.map((c) => c.check));
    // Kill the worker while its batch is in flight.
    await new Promise((r) => setImmediate(r));
    await ports[0]?.terminate();
    assert.deepEqual(
      await pending,
      cs.map((c) => c.valid),
    );
    assert.ok(ports.length >= 2, 'a replacement worker was spawned');
    await pool.close();
  });

  it('refuses work with a typed error when the queue is full, and after close', async () => {
    // A worker that never answers, so the queue only grows.
    const silent: WorkerPort = { post: () => undefined, onResult: () => undefined, onFailure: () => undefined, terminate: async () => undefined };
    const pool = new VerifyPool(() => silent, { size: 1, maxBatch: 1, maxQueue: 10 });
    const cs = checks(12);
    // Twelve calls in one tick: ten fit the queue, two are refused at once.
    const outcomes = cs.map((c) =>
      pool.verify(c.check).then(
        () => 'answered',
        (e: unknown) => (e instanceof VerifyPoolError ? e.code : 'other'),
      ),
    );
    await new Promise((r) => setImmediate(r));
    await pool.close();
    assert.deepEqual(await Promise.all(outcomes), [...new Array(10).fill('ERR_VERIFY_CLOSED'), 'ERR_VERIFY_OVERLOADED', 'ERR_VERIFY_OVERLOADED']);
    await assert.rejects(pool.verify((cs[0] as { check: SignatureCheck }).check), (e: VerifyPoolError) => e.code === 'ERR_VERIFY_CLOSED');
  });
});

describe('VerifyPool linger', () => {
  it('lets checks arriving a few ms apart share one batch, and still answers each correctly', async () => {
    const pool = new VerifyPool(spawnNodeWorker, { size: 1, lingerMs: 40 });
    try {
      const cs = checks(6);
      const got: Promise<boolean>[] = [];
      for (const c of cs) {
        got.push(pool.verify(c.check));
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.deepEqual(
        await Promise.all(got),
        cs.map((c) => c.valid),
      );
      assert.ok(pool.batches <= 2, `${pool.batches} batches for 6 checks 2 ms apart with a 40 ms linger`);
      const plain = new VerifyPool(spawnNodeWorker, { size: 1 });
      try {
        for (const c of cs) {
          assert.equal(await plain.verify(c.check), c.valid);
        }
        assert.equal(plain.batches, 6, 'without linger, each awaited check is its own batch');
      } finally {
        await plain.close();
      }
    } finally {
      await pool.close();
    }
  });
});
