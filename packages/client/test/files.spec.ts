/**
 * Files between real clients on libp2p (PROTOCOL 12): a file sent by alice is fetched by bob from
 * alice, then by carol from alice and bob at once; a peer that serves corrupted chunks is caught on
 * its first bad chunk and penalised while the file still completes; the author's delete drops the
 * file's chunks at the other members; a cancelled download stops with an AbortError, and the same
 * file fetched into a sink arrives chunk by chunk.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { toHex } from '@parley/protocol';
import { MemoryFileStore } from '@parley/store';
import type { ParleyClient } from '../src/index.ts';
import { crypto, eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
const nodes: ParleyNode[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const n of nodes) await n.stop();
});

const sha = (b: Uint8Array) => toHex(crypto.sha256(b));

test('a file reaches two members byte-identical, in parallel, past a peer serving corrupted chunks; a delete drops it', { timeout: 300_000 }, async () => {
  const alice = await testClient('f-alice');
  const bobFiles = new MemoryFileStore();
  const bob = await testClient('f-bob', { files: bobFiles });
  const carol = await testClient('f-carol');
  clients.push(alice, bob, carol);
  const room = await alice.createRoom({ name: 'Photos' });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  const url = alice.createInvite(room, { maxUses: 5 });
  await bob.join(url, { timeoutMs: 40_000 });
  await carol.join(url, { timeoutMs: 40_000 });
  await eventually('both hold the key', () => bob.canSend(room, general) && carol.canSend(room, general));

  const file = new Uint8Array(3 * 1024 * 1024 + 12345);
  for (let i = 0; i < file.length; i += 32)
    file.set(crypto.sha256(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff)).subarray(0, Math.min(32, file.length - i)), i);
  const thumbnail = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);
  const message = await alice.sendFile(room, general, file, { name: 'clip.bin', type: 'application/octet-stream', thumbnail, caption: 'the clip' });

  // Bob: from alice alone.
  await eventually('bob has the message', async () => (await bob.store.get(message, room)) !== undefined);
  const info = await bob.fileInfo(room, message);
  assert.equal(info.name, 'clip.bin');
  assert.equal(info.size, file.length);
  assert.deepEqual(info.thumbnail, thumbnail);
  const progress: number[] = [];
  const got = await bob.fetchFile(room, message, { onProgress: (p) => progress.push(p.done) });
  assert.equal(sha(got), sha(file));
  assert.equal(progress.at(-1), Math.ceil(file.length / (256 * 1024)));
  assert.deepEqual((await bobFiles.held(info.id)).length, 13);

  // Mallory serves every chunk of the file corrupted (and a correct piece list, copied from bob).
  const mallory = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'server', iceServers: [] });
  nodes.push(mallory);
  await mallory.start();
  let malloryServed = 0;
  mallory.chunks.serve({
    pieces: (id) => bobFiles.file(id).then((f) => f?.pieces),
    chunk: async (id, i) => {
      const c = await bobFiles.chunk(id, i);
      if (c === undefined) return undefined;
      malloryServed++;
      const bad = c.slice();
      bad[7] = (bad[7] as number) ^ 0xff;
      return bad;
    },
  });
  await carol.node.dial(mallory.multiaddrs()[0] as string);
  await eventually('carol connected to alice, bob and mallory', () => carol.node.libp2p.getPeers().length >= 3);

  const served = new Set<string>();
  // One chunk per request, one request per peer at a time: every connected peer gets work.
  const got2 = await carol.fetchFile(room, message, {
    perPeer: 1,
    batch: 1,
    onProgress: (p) => {
      for (const x of p.peers) served.add(x);
    },
  });
  assert.equal(sha(got2), sha(file));
  assert.ok(served.has(alice.node.peerId) && served.has(bob.node.peerId), `carol fetched from alice and bob in parallel: ${[...served]}`);
  assert.ok(!served.has(mallory.peerId));
  assert.ok(malloryServed >= 1, 'mallory was asked');
  assert.equal(carol.node.penalties.count(mallory.peerId, 'chunk-bad'), 1, 'caught on the first bad chunk, asked for nothing more');

  // A cancelled download stops.
  const dave = await testClient('f-dave');
  clients.push(dave);
  await dave.join(url, { timeoutMs: 40_000 });
  await eventually('dave has the key and the message', async () => dave.canSend(room, general) && (await dave.store.get(message, room)) !== undefined);
  const ac = new AbortController();
  const pending = dave.fetchFile(room, message, { signal: ac.signal, onProgress: () => ac.abort() });
  await assert.rejects(pending, (e: Error) => e.name === 'AbortError');

  // Then fetched again chunk by chunk into a sink (as a file on disk would be), never one array: each
  // chunk once, at its place, including what the cancelled attempt kept.
  const parts = new Map<number, Uint8Array>();
  await dave.fetchFileTo(room, message, (index, plain) => {
    assert.ok(!parts.has(index), `chunk ${index} twice`);
    parts.set(index, plain.slice());
  });
  const joined = new Uint8Array(file.length);
  for (const [i, p] of parts) joined.set(p, i * 256 * 1024);
  assert.equal(parts.size, 13);
  assert.equal(sha(joined), sha(file));

  // The author deletes the message: bob drops the file's chunks and stops serving them.
  await alice.delete(room, general, message);
  await eventually('bob dropped the file', async () => (await bobFiles.file(info.id)) === undefined && (await bobFiles.held(info.id)).length === 0);
});
