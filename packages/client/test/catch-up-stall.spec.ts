/**
 * A peer that stops answering mid catch-up (here: it serves the authority log, then never answers a
 * have-vector request) costs one sync timeout per catch-up, not one per channel: after a request
 * times out the catch-up asks that peer nothing more, and the next catch-up tries it again.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createParleyNode, type ParleyNode } from '@parley/net';
import type { ParleyClient } from '../src/index.ts';
import { crypto, eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
const nodes: ParleyNode[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const n of nodes) await n.stop();
});

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const RESPONSE_TIMEOUT_MS = 1_000;

test('a catch-up asks a peer nothing more after one of its requests timed out; the next catch-up asks again', { timeout: 60_000 }, async () => {
  const alice = await testClient('stall-alice');
  clients.push(alice);
  const room = await alice.createRoom({ name: 'Stall', channels: ['a', 'b', 'c', 'd', 'e'] });
  const bob = await testClient('stall-bob', {
    syncIntervalMs: 600_000,
    node: {
      identitySeed: crypto.sha256(new TextEncoder().encode('node:stall-bob')),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      sync: { limits: { responseTimeoutMs: RESPONSE_TIMEOUT_MS } },
    },
  });
  clients.push(bob);
  await bob.join(alice.createInvite(room), { timeoutMs: 30_000 });
  await eventually('bob sees the five channels', () => bob.channels(room).length === 5);
  const log = (await alice.store.authority(room)).map((o) => o.bytes);

  // Serves the room's log, then never answers a have-vector or range request.
  let haves = 0;
  const silent = await createParleyNode({
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    testMode: true,
    dhtMode: 'client',
    sync: {
      source: {
        authority: () => log,
        have: () => {
          haves++;
          return never();
        },
        range: () => never(),
      },
    },
  });
  nodes.push(silent);
  await silent.start();
  // The new connection starts catch-ups with the silent peer (on connect, and on its subscription): let them end.
  await bob.node.dial(silent.multiaddrs()[0] as string);
  await eventually('a catch-up on connect asked for a have-vector', () => haves >= 1);
  let seen = -1;
  await eventually('no catch-up with the silent peer is running', async () => {
    const quiet = seen === haves;
    seen = haves;
    await new Promise((r) => setTimeout(r, 2 * RESPONSE_TIMEOUT_MS));
    return quiet && seen === haves;
  });

  const before = haves;
  const t0 = Date.now();
  await bob.syncNow();
  const took = Date.now() - t0;
  assert.equal(haves - before, 1, `one catch-up asked the silent peer for one have-vector, not one per channel (${haves - before})`);
  await bob.syncNow();
  assert.equal(haves - before, 2, 'the next catch-up asks it again, once');
  process.stdout.write(`# a catch-up with a peer silent after the log took ${took} ms (response timeout ${RESPONSE_TIMEOUT_MS} ms, 5 channels)\n`);
});
