import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { authorityTopic } from '@parley/net';
import type { SignatureCheck } from '@parley/protocol';
import type { ParleyClient, RejectEvent } from '../src/index.ts';
import { crypto, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('the gossip verdict runs the ingest path: verifier, reject on bad input, ignore for unknown rooms', { timeout: 30_000 }, async () => {
  const checks: SignatureCheck[] = [];
  const alice = await testClient('alice');
  clients.push(alice);
  // A verifier standing in for @parley/verify's VerifyPool (same interface).
  const vera = await testClient('vera', {
    verifier: {
      verify: async (c) => {
        checks.push(c);
        return crypto.ed25519Verify(c.publicKey, c.message, c.signature);
      },
    },
  });
  clients.push(vera);
  const room = await alice.createRoom({ name: 'Ingest', channels: ['general'] });
  const topic = authorityTopic(room);
  const frames = (await alice.store.authority(room)).map((o) => o.bytes);
  const genesis = frames[0] as Uint8Array;

  // Not a room vera is in: verified, then ignored.
  assert.equal(await vera.verdict(topic, genesis, 'peer'), 'ignore');
  assert.equal(checks.length, 1, 'the signature went through the injected verifier');

  const rejects: RejectEvent[] = [];
  vera.on('reject', (r) => rejects.push(r));
  const tampered = genesis.slice();
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  assert.equal(await vera.verdict(topic, tampered, 'peer'), 'reject');
  assert.equal(rejects[0]?.code, 'ERR_SIGNATURE');
  assert.equal(await vera.verdict(topic, new Uint8Array([1, 2, 3]), 'peer'), 'reject');
  // What the node's gossip validator gets: the reject's code, which weighs the sender's penalty.
  assert.deepEqual(await vera.gossipOutcome(topic, tampered, 'peer'), { verdict: 'reject', code: 'ERR_SIGNATURE' });
  assert.deepEqual(await vera.gossipOutcome(topic, new Uint8Array([1, 2, 3]), 'peer'), { verdict: 'reject', code: rejects[1]?.code });
  assert.equal(await vera.gossipOutcome(topic, genesis, 'peer'), 'ignore');
  assert.equal(await vera.verdict('/not/a/parley/topic', genesis, 'peer'), 'ignore');

  // Alice's own room: duplicates are accepted at once; an entry whose previous entries are unknown is held.
  assert.equal(await alice.verdict(topic, genesis, 'peer'), 'accept');
  assert.equal(alice.ingest.rejections.size, 0);
});
