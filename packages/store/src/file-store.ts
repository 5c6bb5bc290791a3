/**
 * Where a peer or hub keeps shared files (PROTOCOL 12): one record per file (its room, channel, the
 * message that shares it, size and verified piece list) and its encrypted chunks, each checked
 * against the piece list before it gets here. Stores hold ciphertext only; they never see a key.
 */
export interface FileRecord {
  /** The file id (content address). */
  readonly id: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  /** The envelope that shares the file (its `m` names the id). */
  readonly message: Uint8Array;
  readonly size: number;
  /** The piece list, already checked against the id. */
  readonly pieces: Uint8Array;
}

export interface FileUsage {
  readonly files: number;
  readonly chunks: number;
  /** Bytes of chunks held. */
  readonly bytes: number;
}

export interface FileStore {
  /** Records a file (idempotent: an existing record is kept). */
  putFile(f: FileRecord): Promise<void>;
  file(id: Uint8Array): Promise<FileRecord | undefined>;
  /** The file a message shares, if its record is held. */
  fileOfMessage(message: Uint8Array): Promise<FileRecord | undefined>;
  /**
   * Stores one verified chunk of a recorded file (idempotent). Touches it for LRU-evicting stores.
   * The caller hands `bytes` over and does not change them afterwards (an in-memory store keeps them
   * without a copy).
   */
  putChunk(id: Uint8Array, index: number, bytes: Uint8Array): Promise<void>;
  chunk(id: Uint8Array, index: number): Promise<Uint8Array | undefined>;
  /** Indices held for a file, ascending. */
  held(id: Uint8Array): Promise<number[]>;
  /** Drops a file's chunks and record (a deleted message's file). */
  dropFile(id: Uint8Array): Promise<void>;
  usage(): Promise<FileUsage>;
}

/** A FileStore as the chunk protocol's source: serves piece lists and chunks it holds. */
export const fileChunkSource = (files: FileStore) => ({
  pieces: async (id: Uint8Array) => (await files.file(id))?.pieces,
  chunk: (id: Uint8Array, index: number) => files.chunk(id, index),
});
