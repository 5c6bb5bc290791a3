/** The in-memory FileStore: the reference the other adapters are tested against. */
import { toHex } from '@parley/protocol';
import type { FileRecord, FileStore, FileUsage } from '../file-store.ts';

/** Bytes of a chunk's buffer beyond the chunk itself that the store may keep alive with it. */
const PIN_SLACK = 1024;

export class MemoryFileStore implements FileStore {
  readonly #files = new Map<string, FileRecord>();
  readonly #byMessage = new Map<string, string>();
  readonly #chunks = new Map<string, Map<number, Uint8Array>>();

  async putFile(f: FileRecord): Promise<void> {
    const k = toHex(f.id);
    if (this.#files.has(k)) return;
    this.#files.set(k, { ...f });
    this.#byMessage.set(toHex(f.message), k);
  }

  async file(id: Uint8Array): Promise<FileRecord | undefined> {
    return this.#files.get(toHex(id));
  }

  async fileOfMessage(message: Uint8Array): Promise<FileRecord | undefined> {
    const k = this.#byMessage.get(toHex(message));
    return k === undefined ? undefined : this.#files.get(k);
  }

  async putChunk(id: Uint8Array, index: number, bytes: Uint8Array): Promise<void> {
    const k = toHex(id);
    if (!this.#files.has(k)) throw new RangeError(`file ${k} is not recorded`);
    let m = this.#chunks.get(k);
    if (m === undefined) this.#chunks.set(k, (m = new Map()));
    // Kept as given (the caller hands them over, see FileStore.putChunk; a received chunk is a view a few
    // header bytes into its message), unless they are a view into a larger buffer, which keeping would pin.
    if (!m.has(index)) m.set(index, bytes.buffer.byteLength - bytes.byteLength <= PIN_SLACK ? bytes : bytes.slice());
  }

  async chunk(id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    return this.#chunks.get(toHex(id))?.get(index);
  }

  async held(id: Uint8Array): Promise<number[]> {
    return [...(this.#chunks.get(toHex(id))?.keys() ?? [])].sort((a, b) => a - b);
  }

  async dropFile(id: Uint8Array): Promise<void> {
    const k = toHex(id);
    const f = this.#files.get(k);
    if (f !== undefined) this.#byMessage.delete(toHex(f.message));
    this.#files.delete(k);
    this.#chunks.delete(k);
  }

  async usage(): Promise<FileUsage> {
    let chunks = 0;
    let bytes = 0;
    for (const m of this.#chunks.values()) {
      chunks += m.size;
      for (const c of m.values()) bytes += c.length;
    }
    return { files: this.#files.size, chunks, bytes };
  }
}
