/**
 * What a chunk server serves from and where uploads go: interfaces, so that a client's file store,
 * a hub's Postgres or a test's map back them. Sources return bytes as stored (verified when they were
 * stored); downloaders verify every chunk against the piece list again.
 */
type MaybePromise<T> = T | Promise<T>;

export interface ChunkSource {
  /** The piece list of a file this peer holds (any of its chunks), or undefined. */
  pieces(file: Uint8Array): MaybePromise<Uint8Array | undefined>;
  /** One encrypted chunk, or undefined when not held. */
  chunk(file: Uint8Array, index: number): MaybePromise<Uint8Array | undefined>;
}

/** An accepted upload: each chunk is checked (length, hash) and stored; `finish` makes it durable. */
export interface ChunkUpload {
  /** False when the chunk was refused (wrong length or hash): the uploader is penalised. */
  chunk(index: number, bytes: Uint8Array): Promise<boolean>;
  finish(): Promise<number>;
}

export interface ChunkSink {
  /**
   * A peer offers the file shared by envelope `message` of `room`, with its piece list (unverified).
   * An upload to continue, or the code to refuse with.
   */
  begin(
    peer: string,
    room: Uint8Array,
    message: Uint8Array,
    size: number,
    pieces: Uint8Array,
  ): Promise<ChunkUpload | { error: 'refused' | 'quota' | 'not-found' }>;
}
