/**
 * Runs in Chromium: the shared FileStore compliance suite against the IndexedDB file store, and its
 * byte budget with least-recently-used eviction.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileStoreSuite } from '@parley/store/compliance';
import { openIndexedDbFileStore, StoreQuotaError } from '../../src/index.ts';

let n = 0;
fileStoreSuite('IndexedDB (Chromium)', async () => {
  const files = await openIndexedDbFileStore({ name: `files-${n++}` });
  return { files, close: async () => files.close() };
});

const bytes = (len: number, fill: number) => new Uint8Array(len).fill(fill);
const rec = (k: number) => ({ id: bytes(32, k), room: bytes(32, 100), channel: bytes(16, 101), message: bytes(32, 200 + k), size: 3000, pieces: bytes(32, k) });

describe('IndexedDB file store: budget and LRU eviction', () => {
  it('evicts the least recently used whole files to fit a new chunk, never the file being written', async () => {
    let t = 1000;
    const files = await openIndexedDbFileStore({ name: 'files-lru', maxBytes: 3000, now: () => t++ });
    try {
      for (const k of [1, 2, 3]) {
        await files.putFile(rec(k));
        await files.putChunk(rec(k).id, 0, bytes(1000, k));
      }
      assert.deepEqual(await files.usage(), { files: 3, chunks: 3, bytes: 3000 });
      assert.deepEqual(
        (await files.records()).map((r) => r.id[0]),
        [1, 2, 3],
        'records: every file, least recently used first',
      );
      // Reading file 1 makes file 2 the least recently used.
      assert.deepEqual(await files.chunk(rec(1).id, 0), bytes(1000, 1));
      await files.putFile(rec(4));
      await files.putChunk(rec(4).id, 0, bytes(1000, 4));
      assert.equal(await files.file(rec(2).id), undefined, 'file 2 was evicted');
      assert.deepEqual(await files.held(rec(2).id), []);
      for (const k of [1, 3, 4]) assert.notEqual(await files.file(rec(k).id), undefined, `file ${k} is kept`);
      assert.deepEqual(
        (await files.records()).map((r) => [r.id[0], r.message[0], r.size]),
        [
          [3, 203, 3000],
          [1, 201, 3000],
          [4, 204, 3000],
        ],
        'records after a read and an eviction',
      );
      assert.deepEqual(await files.usage(), { files: 3, chunks: 3, bytes: 3000 });
      // A file larger than the whole budget evicts the others, then is refused; what was written stays.
      await files.putFile(rec(5));
      await files.putChunk(rec(5).id, 0, bytes(2500, 5));
      await assert.rejects(files.putChunk(rec(5).id, 1, bytes(1000, 5)), (e: Error) => e instanceof StoreQuotaError && e.reason === 'budget');
      assert.deepEqual(await files.held(rec(5).id), [0]);
      assert.ok((await files.usage()).bytes <= 3000);
    } finally {
      files.close();
    }
  });
});
