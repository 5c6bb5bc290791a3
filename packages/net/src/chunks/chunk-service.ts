/**
 * The chunk protocol as a libp2p service (PROTOCOL 12.4): serves piece lists and chunks from a
 * ChunkSource, takes uploads into a ChunkSink (hubs), and asks peers the same. One request per
 * stream. Bad input from a peer resets that stream and records a penalty; the handler never throws.
 * The source and sink can be set after the node is built (`serve`), since a client's store is opened
 * around its node.
 */
import type { AbortOptions, Connection, PeerId, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface';
import { isProtocolError, LimitError } from '@parley/protocol';
import { SyncProtocolError, SyncRemoteError, SyncTimeoutError } from '../errors.ts';
import type { PenaltyBox } from '../penalties.ts';
import { type MessageStream, messageStream, TruncatedMessageError } from '../sync/message-stream.ts';
import { CHUNK_LIMITS, CHUNK_PROTOCOL, type ChunkMessage, decodeChunkMessage, encodeChunkMessage, encodeChunkMessageParts } from './chunk-messages.ts';
import type { ChunkSink, ChunkSource } from './chunk-source.ts';

export interface ChunkComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
    unhandle(protocol: string, options?: AbortOptions): Promise<void>;
  };
  connectionManager: { openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream> };
}

export interface ChunkInit {
  readonly source?: ChunkSource;
  readonly sink?: ChunkSink;
  readonly penalties?: PenaltyBox;
}

const isAbort = (e: unknown): boolean => (e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError';
const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export class ChunkService implements Startable {
  readonly protocol = CHUNK_PROTOCOL;
  private readonly components: ChunkComponents;
  private source: ChunkSource | undefined;
  private sink: ChunkSink | undefined;
  private readonly penalties: PenaltyBox | undefined;
  private readonly active = new Map<string, number>();
  private started = false;

  constructor(components: ChunkComponents, init: ChunkInit = {}) {
    this.components = components;
    this.source = init.source;
    this.sink = init.sink;
    this.penalties = init.penalties;
  }

  readonly [Symbol.toStringTag] = '@parley/net/chunks';

  /** Sets what this node serves and where uploads go (either may be undefined: refused). */
  serve(source: ChunkSource | undefined, sink?: ChunkSink): void {
    this.source = source;
    if (sink !== undefined) this.sink = sink;
  }

  async start(): Promise<void> {
    const streams = CHUNK_LIMITS.maxConcurrentPerPeer * 2;
    await this.components.registrar.handle(this.protocol, (s, c) => this.handle(s, c), { maxInboundStreams: streams, maxOutboundStreams: streams * 4 });
    this.started = true;
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(this.protocol);
    this.started = false;
  }

  isStarted(): boolean {
    return this.started;
  }

  /** Records misbehaviour of `peer` (the downloader reports bad chunks and piece lists here too). */
  penalise(peer: string, e: unknown): void {
    const reason = isAbort(e)
      ? 'sync-timeout'
      : e instanceof LimitError
        ? 'sync-oversize'
        : e instanceof TruncatedMessageError
          ? 'sync-truncated'
          : 'sync-malformed';
    this.penalties?.record(peer, reason, `chunks: ${(e as Error)?.message ?? String(e)}`);
  }

  // ---- server ----

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const io = messageStream(stream, CHUNK_LIMITS.maxBufferedBytes);
    const deadline = AbortSignal.timeout(CHUNK_LIMITS.exchangeTimeoutMs);
    const n = this.active.get(peer) ?? 0;
    if (n >= CHUNK_LIMITS.maxConcurrentPerPeer) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'busy' }, deadline);
      return;
    }
    this.active.set(peer, n + 1);
    try {
      let req: ChunkMessage;
      try {
        req = decodeChunkMessage(await io.read(CHUNK_LIMITS.maxRequestBytes, AbortSignal.timeout(CHUNK_LIMITS.requestTimeoutMs)));
        if (req.kind !== 'GET_PIECES' && req.kind !== 'GET_CHUNKS' && req.kind !== 'PUT_FILE') throw new SyncProtocolError(`not a request: ${req.kind}`);
      } catch (e) {
        if (isProtocolError(e) || isAbort(e) || e instanceof SyncProtocolError) this.penalise(peer, e);
        stream.abort(asError(e));
        return;
      }
      await this.answer(stream, io, req, deadline, peer);
    } catch (e) {
      stream.abort(asError(e));
    } finally {
      const left = (this.active.get(peer) ?? 1) - 1;
      if (left <= 0) this.active.delete(peer);
      else this.active.set(peer, left);
    }
  }

  private async answer(stream: Stream, io: MessageStream, req: ChunkMessage, signal: AbortSignal, peer: string): Promise<void> {
    if (req.kind === 'PUT_FILE') {
      await this.upload(stream, io, req, signal, peer);
      return;
    }
    const source = this.source;
    if (source === undefined) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'not-found' }, signal);
      return;
    }
    if (req.kind === 'GET_PIECES') {
      const pieces = await source.pieces(req.file);
      await this.finish(stream, io, pieces === undefined ? { kind: 'ERROR', code: 'not-found' } : { kind: 'PIECES', pieces }, signal);
      return;
    }
    if (req.kind !== 'GET_CHUNKS') return;
    for (const index of req.indices) {
      const bytes = await source.chunk(req.file, index);
      await io.writeParts(encodeChunkMessageParts(bytes === undefined ? { kind: 'MISSING', index } : { kind: 'CHUNK', index, bytes }), signal);
    }
    await this.finish(stream, io, { kind: 'END' }, signal);
  }

  private async upload(stream: Stream, io: MessageStream, req: ChunkMessage & { kind: 'PUT_FILE' }, signal: AbortSignal, peer: string): Promise<void> {
    const sink = this.sink;
    if (sink === undefined) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'refused' }, signal);
      return;
    }
    let next: ChunkMessage;
    try {
      next = decodeChunkMessage(await io.read(CHUNK_LIMITS.maxMessageBytes, signal));
      if (next.kind !== 'PIECES') throw new SyncProtocolError(`expected PIECES, got ${next.kind}`);
    } catch (e) {
      if (isProtocolError(e) || e instanceof SyncProtocolError) this.penalise(peer, e);
      stream.abort(asError(e));
      return;
    }
    const up = await sink.begin(peer, req.room, req.message, req.size, next.pieces);
    if ('error' in up) {
      await this.finish(stream, io, { kind: 'ERROR', code: up.error }, signal);
      return;
    }
    while (true) {
      let m: ChunkMessage;
      try {
        m = decodeChunkMessage(await io.read(CHUNK_LIMITS.maxMessageBytes, signal));
        if (m.kind !== 'CHUNK' && m.kind !== 'END') throw new SyncProtocolError(`expected CHUNK or END, got ${m.kind}`);
      } catch (e) {
        if (isProtocolError(e) || e instanceof SyncProtocolError) this.penalise(peer, e);
        await up.finish().catch(() => 0);
        stream.abort(asError(e));
        return;
      }
      if (m.kind === 'END') break;
      if (!(await up.chunk(m.index, m.bytes))) {
        this.penalties?.record(peer, 'chunk-bad', `uploaded chunk ${m.index} does not match its piece list`);
        await up.finish().catch(() => 0);
        await this.finish(stream, io, { kind: 'ERROR', code: 'refused' }, signal);
        return;
      }
    }
    await up.finish();
    await this.finish(stream, io, { kind: 'END' }, signal);
  }

  private async finish(stream: Stream, io: MessageStream, last: ChunkMessage, signal: AbortSignal): Promise<void> {
    try {
      await io.write(encodeChunkMessage(last), signal);
      await stream.close({ signal });
    } catch (e) {
      stream.abort(asError(e));
    }
  }

  // ---- client ----

  private async exchange<T>(
    peer: PeerId,
    first: ChunkMessage,
    body: (io: MessageStream, signal: AbortSignal, closeWrite: () => Promise<void>) => Promise<T>,
    options: AbortOptions = {},
  ): Promise<T> {
    const key = peer.toString();
    const timeout = AbortSignal.timeout(CHUNK_LIMITS.exchangeTimeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    let stream: Stream | undefined;
    try {
      stream = await this.components.connectionManager.openStream(peer, this.protocol, { signal });
      const io = messageStream(stream, CHUNK_LIMITS.maxBufferedBytes);
      await io.write(encodeChunkMessage(first), signal);
      const s = stream;
      return await body(io, signal, () => s.close({ signal }));
    } catch (e) {
      stream?.abort(asError(e));
      if (e instanceof SyncRemoteError) throw e;
      if (timeout.aborted) throw new SyncTimeoutError(`chunks ${first.kind} to ${key} took over ${CHUNK_LIMITS.exchangeTimeoutMs} ms`);
      if (isProtocolError(e) || e instanceof SyncProtocolError) {
        this.penalise(key, e);
        throw e instanceof SyncProtocolError ? e : new SyncProtocolError(`malformed chunk answer from ${key}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  }

  private static async readAnswer(io: MessageStream, signal: AbortSignal): Promise<ChunkMessage> {
    const m = decodeChunkMessage(await io.read(CHUNK_LIMITS.maxMessageBytes, signal));
    if (m.kind === 'ERROR') throw new SyncRemoteError(m.code === 'refused' ? 'not-served' : m.code);
    return m;
  }

  /** The piece list `peer` holds for `file` (unverified: check it with openPieceList). */
  getPieces(peer: PeerId, file: Uint8Array, options?: AbortOptions): Promise<Uint8Array> {
    return this.exchange(
      peer,
      { kind: 'GET_PIECES', file },
      async (io, signal, closeWrite) => {
        await closeWrite();
        const m = await ChunkService.readAnswer(io, signal);
        if (m.kind !== 'PIECES') throw new SyncProtocolError(`expected PIECES, got ${m.kind}`);
        return m.pieces;
      },
      options,
    );
  }

  /**
   * Asks `peer` for chunks of `file` (1..16 ascending indices); `onChunk` gets each CHUNK (unverified)
   * or `undefined` for a MISSING one, in request order. Throws on a malformed or out-of-order answer.
   */
  getChunks(
    peer: PeerId,
    file: Uint8Array,
    indices: readonly number[],
    onChunk: (index: number, bytes: Uint8Array | undefined) => void,
    options?: AbortOptions,
  ): Promise<void> {
    return this.exchange(
      peer,
      { kind: 'GET_CHUNKS', file, indices: [...indices] },
      async (io, signal, closeWrite) => {
        await closeWrite();
        for (const want of indices) {
          const m = await ChunkService.readAnswer(io, signal);
          if ((m.kind !== 'CHUNK' && m.kind !== 'MISSING') || m.index !== want) throw new SyncProtocolError(`expected chunk ${want}, got ${m.kind}`);
          onChunk(want, m.kind === 'CHUNK' ? m.bytes : undefined);
        }
        const end = await ChunkService.readAnswer(io, signal);
        if (end.kind !== 'END') throw new SyncProtocolError(`expected END, got ${end.kind}`);
      },
      options,
    );
  }

  /** Uploads a file's piece list and chunks to a storing peer (a hub); resolves when it stored them durably. */
  putFile(
    peer: PeerId,
    head: { room: Uint8Array; message: Uint8Array; size: number },
    pieces: Uint8Array,
    chunks: AsyncIterable<{ index: number; bytes: Uint8Array }> | Iterable<{ index: number; bytes: Uint8Array }>,
    options?: AbortOptions,
  ): Promise<void> {
    return this.exchange(
      peer,
      { kind: 'PUT_FILE', ...head },
      async (io, signal, closeWrite) => {
        await io.write(encodeChunkMessage({ kind: 'PIECES', pieces }), signal);
        for await (const c of chunks) await io.writeParts(encodeChunkMessageParts({ kind: 'CHUNK', ...c }), signal);
        await io.write(encodeChunkMessage({ kind: 'END' }), signal);
        await closeWrite();
        const m = await ChunkService.readAnswer(io, signal);
        if (m.kind !== 'END') throw new SyncProtocolError(`expected END, got ${m.kind}`);
      },
      options,
    );
  }
}

/** The libp2p service factory. */
export const parleyChunks =
  (init: ChunkInit = {}) =>
  (components: ChunkComponents): ChunkService =>
    new ChunkService(components, init);
