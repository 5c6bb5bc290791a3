/**
 * Downloading one file's chunks from every peer that has them, several at once, like a torrent:
 * each peer gets up to `perPeer` requests of up to `batch` chunks in flight (sized to its speed);
 * every chunk is checked against the piece list (length first, then hash) before it is decrypted or
 * kept. A peer that
 * serves one bad chunk is penalised at once and asked for nothing more of this file; the chunk goes
 * back in the queue for another peer. A peer that fails (hangs up, times out) is set aside for a
 * while and its chunks are re-queued, so a download continues from the peers that remain.
 */
import { type CryptoPort, chunkCipherLength, decryptChunk, equals, LIMITS } from '@parley/protocol';
import type { FileStore } from '@parley/store';
import { ClientError } from './errors.ts';

export interface FileProgress {
  readonly file: Uint8Array;
  readonly chunks: number;
  readonly done: number;
  readonly bytes: number;
  readonly total: number;
  /** Plaintext bytes per second since the download started. */
  readonly bytesPerSecond: number;
  /** Peers that have delivered at least one good chunk. */
  readonly peers: readonly string[];
}

export interface DownloadInit {
  readonly file: Uint8Array;
  readonly size: number;
  readonly hashes: readonly Uint8Array[];
  readonly fileKey: Uint8Array;
  readonly crypto: CryptoPort;
  readonly store: FileStore;
  /** Candidate peers now (connected ones); asked again whenever work is handed out. */
  readonly peers: () => string[];
  /** One GET_CHUNKS exchange. */
  readonly get: (peer: string, indices: number[], onChunk: (index: number, bytes: Uint8Array | undefined) => void, signal: AbortSignal) => Promise<void>;
  /** Records a bad chunk against a peer (the node's penalty box). */
  readonly penalise: (peer: string, detail: string) => void;
  readonly onProgress?: ((p: FileProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Requests in flight per peer (default 3) and most chunks per request (default 16, the protocol's
   * most). A request asks for fewer when the chunks left would otherwise not spread over every peer.
   */
  readonly perPeer?: number | undefined;
  readonly batch?: number | undefined;
  /** Give up after this long without a new chunk while nobody has what is missing (default 30 s). */
  readonly stallMs?: number | undefined;
}

/**
 * Chunks per request by default, at most. Long requests are what make a download fast: each one is a
 * new stream whose flow-control window starts small and grows, and whose opening costs round trips.
 * But a slow peer holding many chunks in flight holds up the end of the download, so each peer's
 * requests are sized to what it served in the last one: FIRST_REQUEST chunks at first, then as many as
 * it serves in REQUEST_MS at the rate its last request went.
 */
const CHUNKS_PER_REQUEST = 16;
const FIRST_REQUEST = 4;
const REQUEST_MS = 3_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Where each chunk's plaintext goes once it is verified and decrypted: called once per chunk, in
 * the order chunks arrive (not index order), with the chunk's index and its bytes, which the sink
 * may keep. A chunk starts at byte `index * LIMITS.fileChunkBytes` of the file.
 */
export type PlainSink = (index: number, plain: Uint8Array) => void;

export interface DownloadResult {
  /** Peers caught serving a bad chunk. */
  readonly badPeers: string[];
  /** Good chunks each peer served. */
  readonly served: Map<string, number>;
}

/** Downloads, verifies, stores and decrypts every chunk; resolves with the plaintext in one array. */
export const downloadFile = async (d: DownloadInit): Promise<DownloadResult & { bytes: Uint8Array }> => {
  const out = new Uint8Array(d.size);
  const r = await downloadChunks(d, (index, plain) => out.set(plain, index * LIMITS.fileChunkBytes));
  return { ...r, bytes: out };
};

/**
 * Downloads, verifies, stores and decrypts every chunk, handing each chunk's plaintext to `sink`
 * instead of assembling the file: a file written to disk, or a Blob made of parts, never needs the
 * whole plaintext in one array.
 */
export const downloadChunks = async (d: DownloadInit, sink: PlainSink): Promise<DownloadResult> => {
  const n = d.hashes.length;
  const perPeer = d.perPeer ?? 3;
  const batch = d.batch ?? CHUNKS_PER_REQUEST;
  const stallMs = d.stallMs ?? 30_000;
  const started = Date.now();
  const bad = new Set<string>();
  const resting = new Map<string, number>();
  const lacks = new Map<string, Set<number>>();
  const active = new Map<string, number>();
  const served = new Map<string, number>();
  /** Chunks to ask of each peer per request (see REQUEST_MS). */
  const sized = new Map<string, number>();
  const queue: number[] = [];
  let done = 0;
  let bytes = 0;
  let inflight = 0;
  let lastProgress = Date.now();
  let wake: () => void = () => {};
  const woken = () => new Promise<void>((r) => (wake = r));
  const stop = new AbortController();
  const signal = d.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, d.signal]);

  /** What the sink threw, if it did: the download stops and rethrows it. */
  let sinkError: { error: unknown } | undefined;
  const place = (index: number, plain: Uint8Array) => {
    if (sinkError !== undefined) return;
    try {
      sink(index, plain);
    } catch (error) {
      sinkError ??= { error };
      stop.abort();
      wake();
      return;
    }
    done++;
    bytes += plain.length;
    lastProgress = Date.now();
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    d.onProgress?.({ file: d.file, chunks: n, done, bytes, total: d.size, bytesPerSecond: bytes / secs, peers: [...served.keys()] });
  };

  const held = new Set(await d.store.held(d.file));
  for (let i = 0; i < n; i++) {
    const have = held.has(i) ? await d.store.chunk(d.file, i) : undefined;
    if (have !== undefined && equals(d.crypto.sha256(have), d.hashes[i] as Uint8Array)) place(i, decryptChunk(d.fileKey, d.size, i, have, d.crypto));
    else queue.push(i);
  }

  const take = (peer: string, most: number): number[] => {
    const skip = lacks.get(peer);
    const got: number[] = [];
    for (let k = 0; k < queue.length && got.length < most; ) {
      const i = queue[k] as number;
      if (skip?.has(i)) k++;
      else {
        got.push(i);
        queue.splice(k, 1);
      }
    }
    return got.sort((a, b) => a - b);
  };

  const run = async (peer: string, indices: number[]) => {
    const pending = new Set(indices);
    const asked = Date.now();
    try {
      await d.get(
        peer,
        indices,
        (i, sealed) => {
          if (!pending.has(i)) return;
          pending.delete(i);
          // Caught already (on another of its requests in flight): drop the rest unread, no second penalty.
          if (bad.has(peer)) {
            queue.push(i);
            throw new ClientError('file-unavailable', `${peer} served a bad chunk of this file`);
          }
          if (sealed === undefined) {
            let s = lacks.get(peer);
            if (s === undefined) lacks.set(peer, (s = new Set()));
            s.add(i);
            queue.push(i);
            return;
          }
          const h = d.hashes[i] as Uint8Array;
          if (sealed.length !== chunkCipherLength(d.size, i) || !equals(d.crypto.sha256(sealed), h)) {
            // THREATS 36: detected on the first bad chunk; this peer gets nothing more of this file.
            bad.add(peer);
            d.penalise(peer, `chunk ${i} of file does not match its piece list`);
            queue.push(i);
            throw new ClientError('file-unavailable', `bad chunk ${i} from ${peer}`);
          }
          const plain = decryptChunk(d.fileKey, d.size, i, sealed, d.crypto);
          served.set(peer, (served.get(peer) ?? 0) + 1);
          place(i, plain);
          void d.store.putChunk(d.file, i, sealed).catch(() => undefined);
        },
        signal,
      );
      const perMs = indices.length / Math.max(1, Date.now() - asked);
      sized.set(peer, Math.max(1, Math.min(batch, Math.round(perMs * REQUEST_MS))));
    } catch {
      sized.set(peer, Math.max(1, Math.floor(indices.length / 2)));
      if (!bad.has(peer)) resting.set(peer, Date.now() + 2_000);
    } finally {
      for (const i of pending) queue.push(i);
      inflight--;
      active.set(peer, (active.get(peer) ?? 1) - 1);
      wake();
    }
  };

  try {
    while (done < n) {
      if (sinkError !== undefined) throw sinkError.error;
      d.signal?.throwIfAborted();
      const now = Date.now();
      let started = false;
      const ready = d.peers().filter((peer) => !bad.has(peer) && (resting.get(peer) ?? 0) <= now);
      // Each peer's share of what is left, so that a small file still spreads over every peer.
      const most = Math.min(batch, Math.max(1, Math.ceil(queue.length / Math.max(1, ready.length))));
      // Round robin: one request per peer per round, until every peer has `perPeer` or the queue is empty.
      for (let gave = true; gave && queue.length > 0; ) {
        gave = false;
        for (const peer of ready) {
          if ((active.get(peer) ?? 0) >= perPeer || queue.length === 0) continue;
          const indices = take(peer, Math.min(most, sized.get(peer) ?? Math.min(batch, FIRST_REQUEST)));
          if (indices.length === 0) continue;
          active.set(peer, (active.get(peer) ?? 0) + 1);
          inflight++;
          started = gave = true;
          void run(peer, indices);
        }
      }
      if (inflight === 0 && !started) {
        if (Date.now() - lastProgress > stallMs) throw new ClientError('file-unavailable', `${n - done} of ${n} chunks: no connected peer has them`);
        // Nobody had the rest: forget who lacked what (peers keep downloading too) and ask again soon.
        lacks.clear();
        await sleep(250);
        continue;
      }
      await Promise.race([woken(), sleep(250)]);
    }
  } finally {
    stop.abort();
  }
  return { badPeers: [...bad], served };
};
