/**
 * FileStore over the same database as the PostgresStore (tables `files`, `file_chunks`): what a hub
 * keeps of shared files. Ciphertext and piece lists only. Single statements; a chunk write is
 * idempotent (ON CONFLICT DO NOTHING), so a retried upload does not duplicate anything.
 */
import type { FileRecord, FileStore, FileUsage } from '@parley/store';
import { and, asc, eq, sql } from 'drizzle-orm';
import { type Db, int, rowsOf } from './db.ts';
import { fileChunks, files } from './schema.ts';

export class PostgresFileStore implements FileStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async putFile(f: FileRecord): Promise<void> {
    await this.#db
      .insert(files)
      .values({ id: f.id, room: f.room, channel: f.channel, message: f.message, size: f.size, pieces: f.pieces })
      .onConflictDoNothing();
  }

  async file(id: Uint8Array): Promise<FileRecord | undefined> {
    const [r] = await this.#db.select().from(files).where(eq(files.id, id)).limit(1);
    return r;
  }

  async fileOfMessage(message: Uint8Array): Promise<FileRecord | undefined> {
    const [r] = await this.#db.select().from(files).where(eq(files.message, message)).limit(1);
    return r;
  }

  async putChunk(id: Uint8Array, index: number, bytes: Uint8Array): Promise<void> {
    await this.#db.insert(fileChunks).values({ file: id, idx: index, bytes }).onConflictDoNothing();
  }

  async chunk(id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    const [r] = await this.#db
      .select({ bytes: fileChunks.bytes })
      .from(fileChunks)
      .where(and(eq(fileChunks.file, id), eq(fileChunks.idx, index)))
      .limit(1);
    return r?.bytes;
  }

  async held(id: Uint8Array): Promise<number[]> {
    const rows = await this.#db.select({ idx: fileChunks.idx }).from(fileChunks).where(eq(fileChunks.file, id)).orderBy(asc(fileChunks.idx));
    return rows.map((r) => r.idx);
  }

  async dropFile(id: Uint8Array): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(fileChunks).where(eq(fileChunks.file, id));
      await tx.delete(files).where(eq(files.id, id));
    });
  }

  /** The declared sizes of the files recorded for `room`, summed (what a hub's per-room file quota counts). */
  async roomBytes(room: Uint8Array): Promise<number> {
    const [r] = rowsOf(await this.#db.execute(sql`select coalesce(sum(size), 0) as b from files where room = ${room}`));
    return int(r?.b);
  }

  async usage(): Promise<FileUsage> {
    const [f] = rowsOf(await this.#db.execute(sql`select count(*) as n from files`));
    const [c] = rowsOf(await this.#db.execute(sql`select count(*) as n, coalesce(sum(length(bytes)), 0) as b from file_chunks`));
    return { files: int(f?.n), chunks: int(c?.n), bytes: int(c?.b) };
  }
}
