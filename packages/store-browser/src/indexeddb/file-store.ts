/**
 * Shared files in a browser (PROTOCOL 12): a FileStore over its own IndexedDB database, with a byte
 * budget and least-recently-used eviction, so that the chunks a person downloaded (and serves to
 * others while the tab is open) never take more than the space they allowed. Layout:
 *
 *   files   key id; { id, room, channel, message, size, pieces, used }; index message, index used
 *   chunks  key [file, index]; { b: encrypted chunk }
 *   meta    key 'usage'; { chunks, bytes }, kept in step by every write
 *
 * Before a chunk is written past the budget, whole files are evicted, least recently used first
 * (`used` moves on every read and write of the file); the file being written is never evicted. A
 * chunk that cannot fit even then is refused with StoreQuotaError ('budget'), as is a write the
 * browser's own quota refuses ('browser').
 */
import type { FileRecord, FileStore, FileUsage } from '@parley/store';
import { StoreQuotaError } from '../quota-error.ts';
import { bytesOfKey, request, transact } from './request.ts';

const FILES = 'files';
const CHUNKS = 'chunks';
const META = 'meta';
const MAX_INDEX = 2 ** 32;
/** Binary keys: IndexedDB takes any BufferSource; the DOM typings say ArrayBuffer-backed only. */
const k = (b: Uint8Array): IDBValidKey => b as unknown as IDBValidKey;

interface FileRow extends FileRecord {
  readonly used: number;
}
interface UsageRow {
  readonly chunks: number;
  readonly bytes: number;
}

export interface IndexedDbFileStoreOptions {
  readonly name: string;
  /** Most bytes of chunks kept; older files are evicted to make room. Default: unlimited. */
  readonly maxBytes?: number;
  /** Clock for least-recently-used order (ms). Default Date.now. */
  readonly now?: () => number;
}

const plain = (r: FileRow): FileRecord => ({
  id: new Uint8Array(r.id),
  room: new Uint8Array(r.room),
  channel: new Uint8Array(r.channel),
  message: new Uint8Array(r.message),
  size: r.size,
  pieces: new Uint8Array(r.pieces),
});

export class IndexedDbFileStore implements FileStore {
  readonly #db: IDBDatabase;
  readonly #max: number;
  readonly #now: () => number;
  #tick = 0;

  private constructor(db: IDBDatabase, o: IndexedDbFileStoreOptions) {
    this.#db = db;
    this.#max = o.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#now = o.now ?? Date.now;
  }

  static async open(o: IndexedDbFileStoreOptions): Promise<IndexedDbFileStore> {
    const req = indexedDB.open(o.name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const files = db.createObjectStore(FILES, { keyPath: 'id' });
      files.createIndex('message', 'message');
      files.createIndex('used', 'used');
      db.createObjectStore(CHUNKS);
      db.createObjectStore(META);
    };
    return new IndexedDbFileStore(await request(req), o);
  }

  close(): void {
    this.#db.close();
  }

  /** A strictly increasing use stamp, so two uses in one millisecond still order. */
  #stamp(): number {
    this.#tick = Math.max(this.#tick + 1, this.#now() * 1000);
    return this.#tick;
  }

  async putFile(f: FileRecord): Promise<void> {
    await transact(this.#db, 'putFile', [FILES], 'readwrite', async (tx) => {
      const s = tx.objectStore(FILES);
      if ((await request(s.getKey(k(f.id)))) !== undefined) return;
      const row: FileRow = { id: f.id, room: f.room, channel: f.channel, message: f.message, size: f.size, pieces: f.pieces, used: this.#stamp() };
      await request(s.put(row));
    });
  }

  async file(id: Uint8Array): Promise<FileRecord | undefined> {
    const r = (await transact(this.#db, 'file', [FILES], 'readonly', (tx) => request(tx.objectStore(FILES).get(k(id))))) as FileRow | undefined;
    return r === undefined ? undefined : plain(r);
  }

  async fileOfMessage(message: Uint8Array): Promise<FileRecord | undefined> {
    const r = (await transact(this.#db, 'fileOfMessage', [FILES], 'readonly', (tx) => request(tx.objectStore(FILES).index('message').get(k(message))))) as
      | FileRow
      | undefined;
    return r === undefined ? undefined : plain(r);
  }

  async putChunk(id: Uint8Array, index: number, bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.#max) throw new StoreQuotaError('putChunk', 'budget');
    await transact(this.#db, 'putChunk', [FILES, CHUNKS, META], 'readwrite', async (tx) => {
      const files = tx.objectStore(FILES);
      const chunks = tx.objectStore(CHUNKS);
      const meta = tx.objectStore(META);
      const row = (await request(files.get(k(id)))) as FileRow | undefined;
      if (row === undefined) throw new RangeError('putChunk: the file is not recorded');
      if ((await request(chunks.getKey([k(id), index]))) !== undefined) return;
      let usage = ((await request(meta.get('usage'))) as UsageRow | undefined) ?? { chunks: 0, bytes: 0 };
      // Least recently used files go first, until the chunk fits; never the file being written.
      if (usage.bytes + bytes.length > this.#max) {
        const victims = (await request(files.index('used').getAll())) as FileRow[];
        for (const v of victims) {
          if (usage.bytes + bytes.length <= this.#max) break;
          if (bytesOfKey(v.id).every((b, i) => b === id[i])) continue;
          usage = await this.#dropIn(tx, v.id, usage);
        }
        if (usage.bytes + bytes.length > this.#max) throw new StoreQuotaError('putChunk', 'budget');
      }
      await request(chunks.put({ b: bytes }, [k(id), index]));
      await request(files.put({ ...row, used: this.#stamp() }));
      await request(meta.put({ chunks: usage.chunks + 1, bytes: usage.bytes + bytes.length }, 'usage'));
    });
  }

  async chunk(id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    return transact(this.#db, 'chunk', [FILES, CHUNKS], 'readwrite', async (tx) => {
      const r = (await request(tx.objectStore(CHUNKS).get([k(id), index]))) as { b: Uint8Array } | undefined;
      if (r === undefined) return undefined;
      const files = tx.objectStore(FILES);
      const row = (await request(files.get(k(id)))) as FileRow | undefined;
      if (row !== undefined) await request(files.put({ ...row, used: this.#stamp() }));
      return new Uint8Array(r.b);
    });
  }

  /** Every file recorded here, least recently used first (to list or clear what the browser keeps). */
  async records(): Promise<FileRecord[]> {
    const rows = (await transact(this.#db, 'records', [FILES], 'readonly', (tx) => request(tx.objectStore(FILES).index('used').getAll()))) as FileRow[];
    return rows.map(plain);
  }

  async held(id: Uint8Array): Promise<number[]> {
    const keys = await transact(this.#db, 'held', [CHUNKS], 'readonly', (tx) =>
      request(tx.objectStore(CHUNKS).getAllKeys(IDBKeyRange.bound([k(id), 0], [k(id), MAX_INDEX]))),
    );
    return keys.map((k) => (k as [unknown, number])[1]).sort((a, b) => a - b);
  }

  /** Drops a file inside `tx`; returns the usage after it. */
  async #dropIn(tx: IDBTransaction, id: Uint8Array, usage: UsageRow): Promise<UsageRow> {
    const chunks = tx.objectStore(CHUNKS);
    const range = IDBKeyRange.bound([k(id), 0], [k(id), MAX_INDEX]);
    const rows = (await request(chunks.getAll(range))) as { b: Uint8Array }[];
    let bytes = 0;
    for (const r of rows) bytes += r.b.byteLength;
    await request(chunks.delete(range));
    await request(tx.objectStore(FILES).delete(k(id)));
    return { chunks: usage.chunks - rows.length, bytes: usage.bytes - bytes };
  }

  async dropFile(id: Uint8Array): Promise<void> {
    await transact(this.#db, 'dropFile', [FILES, CHUNKS, META], 'readwrite', async (tx) => {
      const meta = tx.objectStore(META);
      const usage = ((await request(meta.get('usage'))) as UsageRow | undefined) ?? { chunks: 0, bytes: 0 };
      await request(meta.put(await this.#dropIn(tx, id, usage), 'usage'));
    });
  }

  async usage(): Promise<FileUsage> {
    return transact(this.#db, 'usage', [FILES, META], 'readonly', async (tx) => {
      const files = await request(tx.objectStore(FILES).count());
      const u = ((await request(tx.objectStore(META).get('usage'))) as UsageRow | undefined) ?? { chunks: 0, bytes: 0 };
      return { files, chunks: u.chunks, bytes: u.bytes };
    });
  }
}

export const openIndexedDbFileStore = (o: IndexedDbFileStoreOptions): Promise<IndexedDbFileStore> => IndexedDbFileStore.open(o);
