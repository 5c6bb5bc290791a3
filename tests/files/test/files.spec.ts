/**
 * Files end to end (issue 10, PROTOCOL 12), against a real hub process on PGlite and on Postgres:
 * a 50 MB file sent by A reaches B and C byte-identical (SHA-256 compared); C fetches it from A and
 * the hub in parallel; B's download continues from the hub when A closes mid-transfer; a peer that
 * serves corrupted chunks is caught on its first bad chunk (THREATS 36) and the file still
 * completes; the hub's storage holds no plaintext of the file (canary bytes scanned in its database
 * files or rows, with a ciphertext control that must be found); a non-member holding the file
 * reference and every chunk cannot decrypt it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createParleyNode, type ParleyNode } from '@parley/net';
import { DecryptError, decryptChunk, deriveFileKey, type FileRef, LIMITS, openPieceList, toHex } from '@parley/protocol';
import { MemoryFileStore } from '@parley/store';
import postgres from 'postgres';
import { Cast, community, crypto, eventually, peer } from '../../adversarial/kit.ts';
import { type FilesHub, startFilesHub } from '../hub-process.ts';

const MB = 1024 * 1024;
const SIZE = 50 * MB;
const CANARY = new TextEncoder().encode('PARLEY-FILES-CANARY-7c1e0b-plaintext-marker;');

/** 50 MB of data: hashed blocks, with the canary written every 64 KiB. */
const makeFile = (): Uint8Array => {
  const out = new Uint8Array(SIZE);
  const seed = crypto.sha256(new TextEncoder().encode('files-suite'));
  for (let o = 0; o < SIZE; o += 32) {
    seed[0] = o & 0xff;
    seed[1] = (o >> 8) & 0xff;
    seed[2] = (o >> 16) & 0xff;
    seed[3] = (o >> 24) & 0xff;
    out.set(crypto.sha256(seed).subarray(0, Math.min(32, SIZE - o)), o);
  }
  for (let o = 0; o + CANARY.length <= SIZE; o += 64 * 1024) out.set(CANARY, o);
  return out;
};

const sha = (b: Uint8Array) => toHex(crypto.sha256(b));

const indexOf = (hay: Uint8Array, needle: Uint8Array): number => Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

for (const storage of ['pglite', 'postgres'] as const) {
  describe(`files with a hub on ${storage}`, () => {
    const cast = new Cast();
    const nodes: ParleyNode[] = [];
    let hub: FilesHub | undefined;
    after(async () => {
      for (const n of nodes) await n.stop().catch(() => undefined);
      await cast.close();
      await hub?.stop();
      await hub?.cleanup();
      if (hub !== undefined) rmSync(hub.dataDir, { recursive: true, force: true });
    });

    test('50 MB from A to B and C via A and the hub; A leaves mid-transfer; a corrupting peer; no plaintext at the hub; a non-member cannot decrypt', {
      timeout: 1_200_000,
    }, async () => {
      hub = await startFilesHub(`files-${storage}`, storage);
      const h = hub;
      cast.hubs.push(h);
      const { room, general, owner: a, members } = await community(cast, `files-${storage}`, ['b', 'c'], h, { durability: 'replicated' });
      const b = members.b as NonNullable<typeof members.b>;
      const c = members.c as NonNullable<typeof members.c>;
      const file = makeFile();
      const digest = sha(file);

      const t0 = Date.now();
      const message = await a.sendFile(room, general, file, { name: 'big.bin', type: 'application/octet-stream', caption: '50 MB' });
      const ref: FileRef = await a.fileInfo(room, message);
      const n = Math.ceil(SIZE / LIMITS.fileChunkBytes);
      // The upload to the pinned hub resolves after the hub stored every chunk; wait until its last chunk is served.
      await eventually(
        'the hub holds every chunk',
        async () => {
          await a.uploadFiles(room);
          const id = c.node.libp2p.getPeers().find((p) => p.toString() === h.peerId);
          if (id === undefined) return false;
          let last: Uint8Array | undefined;
          await c.node.chunks.getChunks(id, ref.id, [n - 1], (_, bytes) => {
            last = bytes;
          });
          return last !== undefined;
        },
        400_000,
      );
      console.log(`# ${storage}: encrypted and uploaded 50 MB to the hub in ${Date.now() - t0} ms`);

      // C: from A and the hub in parallel.
      await eventually('c has the message', async () => (await c.store.get(message, room)) !== undefined);
      const servedC = new Map<string, number>();
      const t1 = Date.now();
      const gotC = await c.fetchFile(room, message, {
        onProgress: (p) => {
          for (const x of p.peers) servedC.set(x, (servedC.get(x) ?? 0) + 1);
        },
      });
      console.log(`# ${storage}: C fetched 50 MB in ${Date.now() - t1} ms from ${servedC.size} peers`);
      assert.equal(sha(gotC), digest, 'C holds the file byte-identical');
      assert.ok(servedC.has(a.node.peerId), 'C fetched from A');
      assert.ok(servedC.has(h.peerId), 'C fetched from the hub');

      // B: A closes mid-transfer; a corrupting peer serves garbage. B gets the rest from the hub (and C).
      const mallory = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'server', iceServers: [] });
      nodes.push(mallory);
      await mallory.start();
      const cFiles = new MemoryFileStore();
      const hubFromC = c.node.libp2p.getPeers().find((p) => p.toString() === h.peerId);
      assert.ok(hubFromC !== undefined, 'c is connected to the hub');
      await cFiles.putFile({ id: ref.id, room, channel: general, message, size: SIZE, pieces: await c.node.chunks.getPieces(hubFromC, ref.id) });
      let malloryAsked = 0;
      mallory.chunks.serve({
        pieces: async (id) => (await cFiles.file(id))?.pieces,
        chunk: async (id, i) => {
          if (toHex(id) !== toHex(ref.id)) return undefined;
          malloryAsked++;
          return new Uint8Array(i === n - 1 ? SIZE - (n - 1) * LIMITS.fileChunkBytes + 16 : LIMITS.fileChunkBytes + 16).fill(0x5a);
        },
      });
      await b.node.dial(mallory.multiaddrs()[0] as string);
      await eventually('b has the message', async () => (await b.store.get(message, room)) !== undefined);
      const servedB = new Set<string>();
      let closing: Promise<void> | undefined;
      const t2 = Date.now();
      const gotB = await b.fetchFile(room, message, {
        batch: 2,
        onProgress: (p) => {
          for (const x of p.peers) servedB.add(x);
          if (closing === undefined && p.done >= n / 3 && servedB.has(a.node.peerId)) closing = a.close();
        },
      });
      await closing;
      console.log(`# ${storage}: B fetched 50 MB in ${Date.now() - t2} ms; A closed a third of the way; mallory asked ${malloryAsked} times`);
      assert.ok(closing !== undefined, 'A closed while B was downloading');
      assert.equal(sha(gotB), digest, 'B holds the file byte-identical');
      assert.ok(servedB.has(h.peerId), 'B continued from the hub');
      assert.ok(!servedB.has(mallory.peerId));
      assert.ok(malloryAsked >= 1, 'the corrupting peer was asked');
      assert.equal(b.node.penalties.count(mallory.peerId, 'chunk-bad'), 1, 'caught on its first bad chunk, then asked for nothing more of the file');

      // A non-member obtains the reference (name, size, salt, id) and every chunk from the hub, which serves ciphertext to anyone.
      const eve = cast.add(await peer(`files-${storage}-eve`, { bootstrap: [h.addr] }));
      await eventually('eve is connected to the hub', () => eve.node.libp2p.getPeers().some((p) => p.toString() === h.peerId));
      const hubId = eve.node.libp2p.getPeers().find((p) => p.toString() === h.peerId) as NonNullable<ReturnType<typeof eve.node.libp2p.getPeers>[number]>;
      const pieces = await eve.node.chunks.getPieces(hubId, ref.id);
      const hashes = openPieceList(ref.id, ref.size, pieces, crypto);
      let chunk0: Uint8Array | undefined;
      await eve.node.chunks.getChunks(hubId, ref.id, [0], (_, bytes) => {
        chunk0 = bytes;
      });
      assert.ok(chunk0 !== undefined && toHex(crypto.sha256(chunk0)) === toHex(hashes[0] as Uint8Array), 'eve holds a genuine chunk');
      for (const guess of [new Uint8Array(32), crypto.sha256(ref.salt), crypto.sha256(ref.id)]) {
        const key = deriveFileKey({ room, channel: general, epoch: 0, epochKey: guess }, ref.salt);
        assert.throws(() => decryptChunk(key, ref.size, 0, chunk0 as Uint8Array, crypto), DecryptError);
      }
      await assert.rejects(eve.fetchFile(room, message), /not open|no key|not in the store/);

      // The hub's storage: no canary anywhere; a slice of real ciphertext is found (the scan sees the data).
      const control = (chunk0 as Uint8Array).subarray(100_000, 100_032);
      await h.stop();
      if (storage === 'pglite') {
        let sawControl = false;
        for (const f of filesUnder(join(h.dataDir, 'pglite'))) {
          const bytes = readFileSync(f);
          assert.equal(indexOf(bytes, CANARY), -1, `plaintext canary found in ${f}`);
          if (indexOf(bytes, control) >= 0) sawControl = true;
        }
        assert.ok(sawControl, 'control: the hub database files hold the ciphertext');
      } else {
        const sql = postgres(h.databaseUrl as string, { max: 1, onnotice: () => {} });
        try {
          let sawControl = false;
          for (const row of await sql`select bytes from file_chunks union all select bytes from objects union all select pieces as bytes from files`) {
            const bytes = row.bytes as Uint8Array;
            assert.equal(indexOf(bytes, CANARY), -1, 'plaintext canary found in a row');
            if (indexOf(bytes, control) >= 0) sawControl = true;
          }
          assert.ok(sawControl, 'control: the hub rows hold the ciphertext');
          const [count] = await sql`select count(*)::int as n from file_chunks`;
          assert.equal(count?.n, n, 'the hub holds every chunk');
        } finally {
          await sql.end();
        }
      }
    });
  });
}
