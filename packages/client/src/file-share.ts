/**
 * Sharing files (PROTOCOL 12): the sender encrypts chunk by chunk under the channel's current epoch
 * key, keeps the chunks in its FileStore, sends the message that carries the file reference, serves
 * the chunks to peers and uploads them to the room's pinned hubs (unless the channel is `strict`).
 * A receiver reads the reference from the decrypted message, fetches the piece list (checked against
 * the file id) and the chunks from every peer that has them, and then serves them in turn. When the
 * author deletes the message, the file's chunks are dropped here and no longer served.
 */
import type { ParleyNode } from '@parley/net';
import {
  type Content,
  type CryptoPort,
  decodeUnverified,
  decryptEnvelope,
  deriveFileKey,
  type Envelope,
  envelopeCodec,
  FILE_SALT_BYTES,
  FileEncryptor,
  type FileMeta,
  type FileRef,
  fileRefusal,
  LIMITS,
  openPieceList,
  type RandomSource,
  readPieceList,
  type Signed,
  toHex,
} from '@parley/protocol';
import { type FileStore, fileChunkSource, type ObjectStore } from '@parley/store';
import { ClientError } from './errors.ts';
import { downloadChunks, type FileProgress, type PlainSink } from './file-download.ts';
import { channelDurability, pinnedHubs } from './hub-push.ts';
import type { RoomSession } from './room-session.ts';

export type { FileProgress } from './file-download.ts';

export interface SendFileOptions extends FileMeta {
  /** Text shown with the file. */
  readonly caption?: string | undefined;
  /** The message this one answers, and the accounts its caption mentions (as for a text message). */
  readonly replyTo?: Uint8Array | undefined;
  readonly mentions?: Uint8Array[] | undefined;
  readonly onProgress?: ((p: { readonly done: number; readonly chunks: number }) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface FetchFileOptions {
  readonly onProgress?: ((p: FileProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Give up after this long without progress while no peer has the rest (default 30 s). */
  readonly stallMs?: number | undefined;
  /** Requests in flight per peer (default 3) and most chunks per request (default 16); see downloadFile. */
  readonly perPeer?: number | undefined;
  readonly batch?: number | undefined;
}

export interface FileSharingDeps {
  readonly node: ParleyNode;
  readonly files: FileStore;
  readonly store: ObjectStore;
  readonly crypto: CryptoPort;
  readonly random: RandomSource;
  readonly session: (room: Uint8Array) => RoomSession;
  /** Sends a new message with this content in the channel (the client's envelope path); resolves with its id. */
  readonly send: (room: Uint8Array, channel: Uint8Array, content: Content) => Promise<Uint8Array>;
  /** Pushes pending outbox entries to the pinned hubs (so a hub holds the message before its chunks). */
  readonly pushToHubs: () => Promise<number>;
}

/** Where a message's envelope and content live: everything a reader needs to fetch its file. */
interface Located {
  readonly envelope: Signed<Envelope>;
  readonly ref: FileRef;
  readonly fileKey: Uint8Array;
}

/** Chunks per upload exchange (1 MiB). */
const UPLOAD_BATCH = 4;

const sendingKey = (s: RoomSession, channel: Uint8Array) => {
  const st = s.state;
  let pos = -1;
  for (const h of st.heads()) pos = Math.max(pos, st.positionOf(h) ?? -1);
  const epoch = st.epochAt(channel, pos);
  const key = s.keyring.sendingKey(channel, epoch);
  if (key === undefined) throw new ClientError('no-key', `no key yet for epoch ${epoch} of channel ${toHex(channel)}`);
  return { epoch, key: key.key, keyId: toHex(key.keyId) };
};

export class FileSharing {
  readonly #d: FileSharingDeps;
  /** Uploads to hubs in progress, by `${file}/${hub}`. */
  readonly #uploading = new Set<string>();
  /** Uploads a hub acknowledged (it stored every chunk durably). */
  readonly #uploaded = new Set<string>();
  /** The first chunk not yet acknowledged, per upload. */
  readonly #resume = new Map<string, number>();

  constructor(d: FileSharingDeps) {
    this.#d = d;
    d.node.chunks.serve(fileChunkSource(d.files));
  }

  /** Encrypts `data`, keeps its chunks, sends the message; resolves with the message id and the reference. */
  async send(room: Uint8Array, channel: Uint8Array, data: Uint8Array | Blob, o: SendFileOptions): Promise<{ message: Uint8Array; file: FileRef }> {
    const s = this.#d.session(room);
    const size = data instanceof Uint8Array ? data.length : data.size;
    const refused = fileRefusal(s.state.policy().files, size, o.type);
    if (refused !== undefined) throw new ClientError('file-not-allowed', refused);
    const before = sendingKey(s, channel);
    const enc = new FileEncryptor({ room, channel, epoch: before.epoch, epochKey: before.key }, size, this.#d.random(FILE_SALT_BYTES), this.#d.crypto);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < enc.count; i++) {
      o.signal?.throwIfAborted();
      const from = i * LIMITS.fileChunkBytes;
      const to = Math.min(size, from + LIMITS.fileChunkBytes);
      const plain = data instanceof Uint8Array ? data.subarray(from, to) : new Uint8Array(await data.slice(from, to).arrayBuffer());
      chunks.push(enc.next(plain).chunk);
      o.onProgress?.({ done: i + 1, chunks: enc.count });
    }
    const prepared = enc.finish({ name: o.name, type: o.type, thumbnail: o.thumbnail });
    const now = sendingKey(s, channel);
    // The envelope must be sealed under the same epoch key the chunks were: otherwise nobody could read them.
    if (now.epoch !== before.epoch || now.keyId !== before.keyId)
      throw new ClientError('epoch-changed', 'the channel key changed while the file was encrypted; send it again');
    const file = prepared.ref;
    const message = await this.#d.send(room, channel, { text: o.caption, file, replyTo: o.replyTo, mentions: o.mentions });
    await this.#d.files.putFile({ id: file.id, room, channel, message, size, pieces: prepared.pieces });
    for (const [i, c] of chunks.entries()) await this.#d.files.putChunk(file.id, i, c);
    this.#remember(room, file.id);
    void this.uploadToHubs(room).catch(() => undefined);
    return { message, file };
  }

  /**
   * Offers every file this device holds whole in `room` to the connected pinned hubs (not for
   * `strict` channels). The hub checks each chunk against the piece list and keeps it durably.
   */
  async uploadToHubs(room: Uint8Array): Promise<number> {
    const s = this.#d.session(room);
    const connected = new Map(this.#d.node.libp2p.getPeers().map((p) => [p.toString(), p]));
    const hubs = pinnedHubs(s).filter((h) => connected.has(h));
    if (hubs.length === 0) return 0;
    await this.#d.pushToHubs();
    let n = 0;
    for (const f of await this.#filesOf(room)) {
      if (channelDurability(s, f.channel) === 'strict') continue;
      const count = readPieceList(f.pieces, f.size).length;
      if ((await this.#d.files.held(f.id)).length !== count) continue;
      for (const hub of hubs) {
        const key = `${toHex(f.id)}/${hub}`;
        if (this.#uploading.has(key) || this.#uploaded.has(key)) continue;
        this.#uploading.add(key);
        try {
          const peer = connected.get(hub);
          if (peer === undefined) continue;
          // In batches, each its own exchange: a stream has a time limit, and a batch the hub stored
          // stays stored, so an upload that fails resumes at the batch that failed.
          for (let from = this.#resume.get(key) ?? 0; from < count; from += UPLOAD_BATCH) {
            const batch: { index: number; bytes: Uint8Array }[] = [];
            for (let i = from; i < Math.min(count, from + UPLOAD_BATCH); i++) {
              const bytes = await this.#d.files.chunk(f.id, i);
              if (bytes !== undefined) batch.push({ index: i, bytes });
            }
            await this.#d.node.chunks.putFile(peer, { room, message: f.message, size: f.size }, f.pieces, batch);
            this.#resume.set(key, from + UPLOAD_BATCH);
          }
          this.#uploaded.add(key);
          n++;
        } finally {
          this.#uploading.delete(key);
        }
      }
    }
    return n;
  }

  /** Files held here, by room hex (those sent or fetched in this session). */
  readonly #sent = new Map<string, { room: Uint8Array; id: Uint8Array }[]>();

  async #filesOf(room: Uint8Array) {
    const out = [];
    for (const f of this.#sent.get(toHex(room)) ?? []) {
      const r = await this.#d.files.file(f.id);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** Reads the file reference of message `message` (decrypting it with the keys held here). */
  async #locate(room: Uint8Array, message: Uint8Array): Promise<Located> {
    const s = this.#d.session(room);
    const obj = await this.#d.store.get(message, room);
    if (obj === undefined || obj.type !== 'ENVELOPE') throw new ClientError('not-a-file', `message ${toHex(message)} is not in the store`);
    const envelope = decodeUnverified(envelopeCodec, obj.bytes, this.#d.crypto).signed;
    const e = envelope.body;
    const key = s.keyring.get(e.channel, e.epoch, e.keyId);
    if (key === undefined) throw new ClientError('no-key', `no key for epoch ${e.epoch} of channel ${toHex(e.channel)}`);
    const ref = decryptEnvelope(e, key, this.#d.crypto).file;
    if (ref === undefined) throw new ClientError('not-a-file', `message ${toHex(message)} shares no file`);
    return { envelope, ref, fileKey: deriveFileKey({ room, channel: e.channel, epoch: e.epoch, epochKey: key }, ref.salt) };
  }

  /** The file reference a message carries (name, type, size, preview), without fetching the file. */
  async reference(room: Uint8Array, message: Uint8Array): Promise<FileRef> {
    return (await this.#locate(room, message)).ref;
  }

  /** Fetches, verifies and decrypts the file of `message`; keeps the chunks and serves them afterwards. */
  async fetch(room: Uint8Array, message: Uint8Array, o: FetchFileOptions = {}): Promise<Uint8Array> {
    let out = new Uint8Array(0);
    await this.#download(room, message, o, (size) => {
      out = new Uint8Array(size);
      return (index, plain) => out.set(plain, index * LIMITS.fileChunkBytes);
    });
    return out;
  }

  /**
   * As `fetch`, but each chunk's plaintext goes to `sink` once it is verified (in arrival order, see
   * PlainSink), so the file is never held in one array: for files written to disk or Blobs of parts.
   */
  fetchTo(room: Uint8Array, message: Uint8Array, sink: PlainSink, o: FetchFileOptions = {}): Promise<void> {
    return this.#download(room, message, o, () => sink);
  }

  async #download(room: Uint8Array, message: Uint8Array, o: FetchFileOptions, sinkFor: (size: number) => PlainSink): Promise<void> {
    const { envelope, ref, fileKey } = await this.#locate(room, message);
    const refused = fileRefusal(this.#d.session(room).state.policy().files, ref.size, ref.type);
    if (refused !== undefined) throw new ClientError('file-not-allowed', refused);
    const node = this.#d.node;
    const peers = () => node.libp2p.getPeers().map((p) => p.toString());
    const byId = (peer: string) => node.libp2p.getPeers().find((p) => p.toString() === peer);
    let record = await this.#d.files.file(ref.id);
    if (record === undefined) {
      const pieces = await this.#pieces(ref, peers(), byId, o.signal);
      record = { id: ref.id, room, channel: envelope.body.channel, message, size: ref.size, pieces };
      await this.#d.files.putFile(record);
    }
    const hashes = readPieceList(record.pieces, ref.size);
    await downloadChunks(
      {
        file: ref.id,
        size: ref.size,
        hashes,
        fileKey,
        crypto: this.#d.crypto,
        store: this.#d.files,
        peers,
        get: async (peer, indices, onChunk, signal) => {
          const id = byId(peer);
          if (id === undefined) throw new ClientError('no-peers', `${peer} is gone`);
          await node.chunks.getChunks(id, ref.id, indices, onChunk, { signal });
        },
        penalise: (peer, detail) => node.penalties.record(peer, 'chunk-bad', detail),
        onProgress: o.onProgress,
        signal: o.signal,
        stallMs: o.stallMs,
        perPeer: o.perPeer,
        batch: o.batch,
      },
      sinkFor(ref.size),
    );
    this.#remember(room, ref.id);
  }

  /** Asks connected peers for the piece list until one hashes to the file id; a wrong one is penalised. */
  async #pieces(
    ref: FileRef,
    peers: string[],
    byId: (p: string) => Parameters<ParleyNode['chunks']['getPieces']>[0] | undefined,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      for (const peer of peers) {
        signal?.throwIfAborted();
        const id = byId(peer);
        if (id === undefined) continue;
        let pieces: Uint8Array;
        try {
          pieces = await this.#d.node.chunks.getPieces(id, ref.id, { signal });
        } catch {
          continue;
        }
        try {
          openPieceList(ref.id, ref.size, pieces, this.#d.crypto);
          return pieces;
        } catch {
          this.#d.node.penalties.record(peer, 'chunk-bad', 'piece list does not hash to the file id');
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new ClientError('file-unavailable', `no connected peer has the piece list of ${toHex(ref.id)}`);
  }

  #remember(room: Uint8Array, id: Uint8Array): void {
    const k = toHex(room);
    const l = this.#sent.get(k) ?? [];
    if (!l.some((x) => toHex(x.id) === toHex(id))) l.push({ room, id });
    this.#sent.set(k, l);
  }

  /** The message `deleted` was removed by its author: drop its file here (PROTOCOL 12.3). */
  async onDeleted(deleted: Uint8Array): Promise<boolean> {
    const f = await this.#d.files.fileOfMessage(deleted);
    if (f === undefined) return false;
    await this.#d.files.dropFile(f.id);
    return true;
  }
}
