/**
 * The suite every FileStore adapter passes (memory, PGlite, Postgres): records, chunks, idempotence,
 * lookup by message, drop, usage. Synthetic bytes; the stores do not verify, their callers do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileRecord, FileStore } from '../file-store.ts';
import { prng } from './fixtures.ts';

const bytesFrom =
  (next: () => number) =>
  (n: number): Uint8Array =>
    Uint8Array.from({ length: n }, () => Math.floor(next() * 256));

export type FileStoreFactory = () => Promise<{ files: FileStore; close(): Promise<void> }>;

export const fileStoreSuite = (name: string, factory: FileStoreFactory): void => {
  describe(`FileStore compliance: ${name}`, () => {
    const rnd = bytesFrom(prng(name.length * 7919 + 17));
    const record = (): FileRecord => ({ id: rnd(32), room: rnd(32), channel: rnd(16), message: rnd(32), size: 300_000, pieces: rnd(64) });
    const run = async (fn: (files: FileStore) => Promise<void>) => {
      const s = await factory();
      try {
        await fn(s.files);
      } finally {
        await s.close();
      }
    };

    it('keeps a record, finds it by id and by message, and keeps the first of two puts', () =>
      run(async (files) => {
        const f = record();
        await files.putFile(f);
        await files.putFile({ ...f, pieces: rnd(64) });
        assert.deepEqual(await files.file(f.id), f);
        assert.deepEqual(await files.fileOfMessage(f.message), f);
        assert.equal(await files.file(rnd(32)), undefined);
        assert.equal(await files.fileOfMessage(rnd(32)), undefined);
      }));

    it('stores chunks idempotently, lists held indices ascending, counts usage', () =>
      run(async (files) => {
        const f = record();
        await files.putFile(f);
        const c1 = rnd(1000);
        const c0 = rnd(2000);
        await files.putChunk(f.id, 1, c1);
        await files.putChunk(f.id, 0, c0);
        await files.putChunk(f.id, 1, c1);
        assert.deepEqual(await files.chunk(f.id, 1), c1);
        assert.deepEqual(await files.chunk(f.id, 0), c0);
        assert.equal(await files.chunk(f.id, 2), undefined);
        assert.deepEqual(await files.held(f.id), [0, 1]);
        assert.deepEqual(await files.usage(), { files: 1, chunks: 2, bytes: 3000 });
      }));

    it('drops a file with its chunks', () =>
      run(async (files) => {
        const f = record();
        const g = record();
        await files.putFile(f);
        await files.putFile(g);
        await files.putChunk(f.id, 0, rnd(10));
        await files.putChunk(g.id, 0, rnd(20));
        await files.dropFile(f.id);
        assert.equal(await files.file(f.id), undefined);
        assert.equal(await files.fileOfMessage(f.message), undefined);
        assert.equal(await files.chunk(f.id, 0), undefined);
        assert.deepEqual(await files.held(f.id), []);
        assert.deepEqual(await files.usage(), { files: 1, chunks: 1, bytes: 20 });
      }));
  });
};
