/**
 * How the downloader sizes its GET_CHUNKS requests, on real nodes (the chunk protocol over WebSockets
 * + Noise + yamux on 127.0.0.1): a big file from a fast peer goes in requests of 16 chunks after the
 * first few of 4 (long streams are what make it fast, bench file-transfer), while a small file is
 * still spread over every peer that has it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { deriveFileKey, LIMITS, prepareFile, toHex } from '@parley/protocol';
import { fileChunkSource, MemoryFileStore } from '@parley/store';
import { type DownloadInit, downloadChunks, downloadFile } from '../src/index.ts';
import { crypto } from './helpers.ts';

const nodes: ParleyNode[] = [];
const node = async (): Promise<ParleyNode> => {
  const n = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client', iceServers: [] });
  await n.start();
  nodes.push(n);
  return n;
};
after(async () => {
  for (const n of nodes) await n.stop();
});

const random = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
};
const ctx = { room: random(32), channel: random(16), epoch: 0, epochKey: random(32) };
const file = (chunks: number) => {
  const plain = random(chunks * 256 * 1024 - 1000);
  const salt = random(16);
  return { plain, salt, f: prepareFile(plain, ctx, salt, { name: 'x.bin', type: 'application/octet-stream' }, crypto) };
};

let receiver: ParleyNode;
let servers: ParleyNode[];
before(async () => {
  receiver = await node();
  servers = [await node(), await node()];
  for (const s of servers) await receiver.dial(s.multiaddrs()[0] as string);
});

/** Serves `f` from `from` and returns the receiver's download of it, logging every request's indices by peer in `asked`. */
const download = async (x: ReturnType<typeof file>, from: ParleyNode[], store = new MemoryFileStore()) => {
  const { f, plain, salt } = x;
  const record = { id: f.ref.id, room: ctx.room, channel: ctx.channel, message: random(32), size: plain.length, pieces: f.pieces };
  for (const s of from) {
    const held = new MemoryFileStore();
    await held.putFile(record);
    for (const [i, c] of f.chunks.entries()) await held.putChunk(f.ref.id, i, c);
    s.chunks.serve(fileChunkSource(held));
  }
  await store.putFile(record);
  const byId = new Map(receiver.libp2p.getPeers().map((p) => [p.toString(), p]));
  const asked = new Map<string, number[][]>();
  const init: DownloadInit = {
    file: f.ref.id,
    size: plain.length,
    hashes: f.hashes,
    fileKey: deriveFileKey(ctx, salt),
    crypto,
    store,
    peers: () => from.map((s) => s.peerId),
    get: (peer, indices, onChunk, signal) => {
      asked.set(peer, [...(asked.get(peer) ?? []), indices]);
      return receiver.chunks.getChunks(byId.get(peer) as NonNullable<ReturnType<typeof byId.get>>, f.ref.id, indices, onChunk, { signal });
    },
    penalise: (peer, detail) => assert.fail(`${peer}: ${detail}`),
  };
  return { init, asked, store };
};

/** Downloads `x` whole and returns every request's indices by peer. */
const fetch = async (x: ReturnType<typeof file>, from: ParleyNode[]) => {
  const { init, asked } = await download(x, from);
  const r = await downloadFile(init);
  assert.equal(toHex(crypto.sha256(r.bytes)), toHex(crypto.sha256(x.plain)), 'the file arrives byte-identical');
  return asked;
};

test('a big file from a fast peer goes in requests of 16 chunks', { timeout: 120_000 }, async () => {
  const asked = await fetch(file(100), [servers[0] as ParleyNode]);
  const sizes = (asked.get(servers[0]?.peerId as string) ?? []).map((r) => r.length);
  // 4, 4, 4 (a new peer's speed is unknown), then 16 at a time from this fast one, the tail shorter.
  assert.deepEqual(sizes.slice(0, 3), [4, 4, 4], `${sizes}`);
  assert.ok(sizes.filter((n) => n === 16).length >= 4, `requests ask for 16 chunks: ${sizes}`);
  assert.ok(sizes.slice(3).filter((n) => n < 16).length <= 2, `only the tail asks for fewer: ${sizes}`);
});

test('a small file is spread over every peer that has it', { timeout: 120_000 }, async () => {
  const asked = await fetch(file(8), servers);
  for (const s of servers) assert.ok((asked.get(s.peerId)?.length ?? 0) >= 1, `${s.peerId} was asked: ${[...asked.values()].map((r) => r.join('|'))}`);
});

test('a sink gets every chunk once, its own bytes, including chunks already held', { timeout: 120_000 }, async () => {
  const x = file(12);
  const store = new MemoryFileStore();
  // Three chunks already here (kept from an earlier, cancelled download): handed over without a request.
  const { init, asked } = await download(x, servers, store);
  for (const i of [0, 5, 11]) await store.putChunk(x.f.ref.id, i, x.f.chunks[i] as Uint8Array);
  const got = new Map<number, Uint8Array>();
  await downloadChunks(init, (index, plain) => {
    assert.ok(!got.has(index), `chunk ${index} handed over twice`);
    got.set(index, plain);
  });
  assert.deepEqual(
    [...got.keys()].sort((a, b) => a - b),
    [...Array(12).keys()],
  );
  for (const [i, plain] of got) {
    const at = i * LIMITS.fileChunkBytes;
    assert.equal(toHex(plain), toHex(x.plain.subarray(at, at + LIMITS.fileChunkBytes)), `chunk ${i}`);
  }
  const requested = [...asked.values()].flat(2);
  for (const i of [0, 5, 11]) assert.ok(!requested.includes(i), `chunk ${i} was held and still requested`);
  assert.deepEqual(await store.held(x.f.ref.id), [...Array(12).keys()], 'every chunk kept, to serve');
});

test('a sink that throws stops the download with its error', { timeout: 120_000 }, async () => {
  const { init } = await download(file(40), servers);
  let calls = 0;
  await assert.rejects(
    downloadChunks(init, () => {
      if (++calls === 3) throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(calls, 3, 'the sink is not called after it threw');
});
