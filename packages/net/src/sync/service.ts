/**
 * The sync protocol as a libp2p service: it serves GET_AUTHORITY / HAVE / GET_RANGE from an injected
 * SyncSource and asks peers the same. One request per stream. Bad input from a peer (malformed or
 * oversized message, slow request) resets that stream and records a penalty; it never throws out of
 * the handler, and the server stays up.
 *
 * @example
 * ```ts
 * const node = await createLibp2p({ services: { sync: parleySync({ source, penalties }) }, ... })
 * const frames = await node.services.sync.getAuthority(peerId, roomId)
 * ```
 */
import type { AbortOptions, Connection, PeerId, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface';
import { type HaveVector, isProtocolError, LimitError } from '@parley/protocol';
import { SyncProtocolError, SyncRemoteError, SyncTimeoutError } from '../errors.ts';
import type { PenaltyBox } from '../penalties.ts';
import { type MessageStream, messageStream, TruncatedMessageError } from './message-stream.ts';
import {
  batchFrames,
  DEFAULT_SYNC_LIMITS,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type PutRefusal,
  SYNC_PROTOCOL,
  type SyncLimits,
  type SyncRequest,
  type SyncResponse,
} from './messages.ts';
import type { FrameSource, PutOutcome, SyncSink, SyncSource } from './source.ts';

/** What the service needs from libp2p (structural: Registrar and ConnectionManager satisfy it). */
export interface SyncComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
    unhandle(protocol: string, options?: AbortOptions): Promise<void>;
  };
  connectionManager: {
    openStream(peer: PeerId, protocol: string, options?: AbortOptions & { runOnLimitedConnection?: boolean }): Promise<Stream>;
    getConnections(
      peer?: PeerId,
    ): { status: string; limits?: unknown; newStream(protocol: string, options?: AbortOptions & { runOnLimitedConnection?: boolean }): Promise<Stream> }[];
  };
}

export interface SyncInit {
  /** What to serve. Without a source the node only asks (a pure client). */
  readonly source?: SyncSource;
  /** Where PUT frames go (hubs). Without one, a PUT is answered ERROR not-served. */
  readonly sink?: SyncSink;
  readonly limits?: Partial<SyncLimits>;
  /** Where misbehaviour is counted. */
  readonly penalties?: PenaltyBox;
}

/** Counts how many exchanges with each peer run at once. */
class PerPeerSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  tryTake(peer: string): boolean {
    const n = this.active.get(peer) ?? 0;
    if (n >= this.max) return false;
    this.active.set(peer, n + 1);
    return true;
  }
  /** Waits for a slot (client side: requests queue instead of failing). */
  async take(peer: string, signal: AbortSignal): Promise<void> {
    while (!this.tryTake(peer)) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const q = this.waiting.get(peer) ?? [];
        const onAbort = () => {
          // Leave the queue, so that a release wakes a waiter that still wants the slot.
          const i = q.indexOf(wake);
          if (i >= 0) q.splice(i, 1);
          if (q.length === 0 && this.waiting.get(peer) === q) this.waiting.delete(peer);
          resolve();
        };
        const wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        q.push(wake);
        this.waiting.set(peer, q);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
  release(peer: string): void {
    const n = (this.active.get(peer) ?? 1) - 1;
    if (n <= 0) this.active.delete(peer);
    else this.active.set(peer, n);
    const q = this.waiting.get(peer);
    const next = q?.shift();
    if (q !== undefined && q.length === 0) this.waiting.delete(peer);
    next?.();
  }
}

const isAbort = (e: unknown): boolean => (e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError';

export class SyncService implements Startable {
  readonly protocol = SYNC_PROTOCOL;
  readonly limits: SyncLimits;
  private readonly components: SyncComponents;
  private readonly source: SyncSource | undefined;
  private readonly sink: SyncSink | undefined;
  private readonly penalties: PenaltyBox | undefined;
  private readonly served: PerPeerSlots;
  private readonly asked: PerPeerSlots;
  private started = false;

  constructor(components: SyncComponents, init: SyncInit = {}) {
    this.components = components;
    this.limits = { ...DEFAULT_SYNC_LIMITS, ...init.limits };
    this.source = init.source;
    this.sink = init.sink;
    this.penalties = init.penalties;
    this.served = new PerPeerSlots(this.limits.maxConcurrentPerPeer);
    this.asked = new PerPeerSlots(this.limits.maxConcurrentPerPeer);
  }

  readonly [Symbol.toStringTag] = '@parley/net/sync';

  async start(): Promise<void> {
    if (this.source !== undefined || this.sink !== undefined) {
      // Twice the per-peer slots: a peer over its slots gets an ERROR busy instead of a muxer reset.
      const streams = this.limits.maxConcurrentPerPeer * 2;
      await this.components.registrar.handle(this.protocol, (s, c) => this.serve(s, c), {
        maxInboundStreams: streams,
        maxOutboundStreams: streams,
        // Over a hub's relay too: the fallback ladder's last rung (PROTOCOL 10, "Fallback ladder").
        runOnLimitedConnection: true,
      });
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    if (this.source !== undefined || this.sink !== undefined) await this.components.registrar.unhandle(this.protocol);
    this.started = false;
  }

  isStarted(): boolean {
    return this.started;
  }

  // ---- server ----

  private penalise(peer: string, e: unknown): void {
    const reason = isAbort(e)
      ? 'sync-timeout'
      : e instanceof LimitError
        ? 'sync-oversize'
        : e instanceof TruncatedMessageError
          ? 'sync-truncated'
          : 'sync-malformed';
    this.penalties?.record(peer, reason, (e as Error)?.message ?? String(e));
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    // A node with a sink reads requests up to a PUT's size; decodeRequest holds other kinds to maxRequestBytes.
    const maxRequest = this.sink === undefined ? this.limits.maxRequestBytes : Math.max(this.limits.maxRequestBytes, this.limits.maxMessageBytes);
    const io = messageStream(stream, maxRequest + 16);
    const deadline = AbortSignal.timeout(this.limits.responseTimeoutMs);
    if (!this.served.tryTake(peer)) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'busy' }, deadline);
      return;
    }
    try {
      let request: SyncRequest;
      try {
        request = decodeRequest(await io.read(maxRequest, AbortSignal.timeout(this.limits.requestTimeoutMs)), this.limits);
      } catch (e) {
        // Malformed, oversized or too slow: reset the stream, count it against the peer.
        if (isProtocolError(e) || isAbort(e)) this.penalise(peer, e);
        stream.abort(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      await this.answer(stream, io, request, deadline, peer);
    } finally {
      this.served.release(peer);
    }
  }

  private async answer(stream: Stream, io: MessageStream, request: SyncRequest, signal: AbortSignal, peer: string): Promise<void> {
    if (request.kind === 'PUT') {
      await this.store(stream, io, request, signal, peer);
      return;
    }
    const source = this.source;
    if (source === undefined) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'not-found' }, signal);
      return;
    }
    let found: HaveVector | FrameSource | undefined;
    try {
      found =
        request.kind === 'HAVE'
          ? await source.have(request.room, request.channel)
          : request.kind === 'GET_AUTHORITY'
            ? await source.authority(request.room)
            : await source.range(request.room, request.channel, request.device, request.fromSeq, request.toSeq);
    } catch {
      // Our own source failed: the peer did nothing wrong.
      await this.finish(stream, io, { kind: 'ERROR', code: 'internal' }, signal);
      return;
    }
    if (found === undefined) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'not-found' }, signal);
      return;
    }
    if (request.kind === 'HAVE') {
      await this.finish(stream, io, { kind: 'HAVE', have: found as HaveVector }, signal);
      return;
    }
    const frames = found as FrameSource;
    try {
      let count = 0;
      for await (const batch of batchFrames(frames, this.limits)) {
        await io.write(encodeResponse({ kind: 'FRAMES', frames: batch }), signal);
        count += batch.length;
      }
      await this.finish(stream, io, { kind: 'END', count }, signal);
    } catch (e) {
      // The source failed while streaming, or the client went away or read too slowly: abort, no penalty.
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** PUT: the sink verifies and commits; STORED goes out only after it resolved. */
  private async store(stream: Stream, io: MessageStream, request: SyncRequest & { kind: 'PUT' }, signal: AbortSignal, peer: string): Promise<void> {
    if (this.sink === undefined) {
      await this.finish(stream, io, { kind: 'ERROR', code: 'not-served' }, signal);
      return;
    }
    let outcome: PutOutcome;
    try {
      outcome = await this.sink.put(peer, request.room, request.frames);
    } catch {
      await this.finish(stream, io, { kind: 'ERROR', code: 'internal' }, signal);
      return;
    }
    if ('error' in outcome) await this.finish(stream, io, { kind: 'ERROR', code: outcome.error }, signal);
    else await this.finish(stream, io, { kind: 'STORED', ids: outcome.stored, refused: outcome.refused }, signal);
  }

  private async finish(stream: Stream, io: MessageStream, last: SyncResponse, signal: AbortSignal): Promise<void> {
    try {
      await io.write(encodeResponse(last), signal);
      await stream.close({ signal });
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  // ---- client ----

  /**
   * A stream on an open connection to `peer`, unlimited first, else a relayed (limited) one: the
   * fallback ladder's last rung (libp2p's openStream would dial again rather than use it); a new
   * connection only when there is none.
   */
  async #open(peer: PeerId, signal: AbortSignal): Promise<Stream> {
    const open = this.components.connectionManager.getConnections(peer).filter((c) => c.status === 'open');
    const conn = open.find((c) => c.limits == null) ?? open[0];
    if (conn !== undefined) return conn.newStream(this.protocol, { signal, runOnLimitedConnection: true });
    return this.components.connectionManager.openStream(peer, this.protocol, { signal, runOnLimitedConnection: true });
  }

  /**
   * Sends one request and collects the answer: the frames of FRAMES messages up to END, or the
   * HAVE vector. Throws SyncRemoteError for an ERROR answer, SyncTimeoutError past
   * responseTimeoutMs, SyncProtocolError (cause: the protocol's typed error) for a malformed or
   * out-of-place answer; in the last case the peer is penalised and the stream reset.
   */
  async request(peer: PeerId, request: SyncRequest, options: AbortOptions = {}): Promise<SyncResponse & { kind: 'HAVE' | 'FRAMES' | 'STORED' }> {
    const key = peer.toString();
    const timeout = AbortSignal.timeout(this.limits.responseTimeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    await this.asked.take(key, signal);
    let stream: Stream | undefined;
    try {
      stream = await this.#open(peer, signal);
      const io = messageStream(stream, this.limits.maxMessageBytes + 16);
      await io.write(encodeRequest(request), signal);
      await stream.close({ signal });
      const frames: Uint8Array[] = [];
      let bytes = 0;
      while (true) {
        const r = decodeResponse(await io.read(this.limits.maxMessageBytes, signal), this.limits);
        if (r.kind === 'ERROR') throw new SyncRemoteError(r.code);
        if (request.kind === 'PUT') {
          if (r.kind !== 'STORED') throw new SyncProtocolError(`expected STORED, got ${r.kind}`);
          return r;
        }
        if (request.kind === 'HAVE') {
          if (r.kind !== 'HAVE') throw new SyncProtocolError(`expected HAVE, got ${r.kind}`);
          return r;
        }
        if (r.kind === 'END') {
          if (r.count !== frames.length) throw new SyncProtocolError(`END says ${r.count} frames, ${frames.length} arrived`);
          return { kind: 'FRAMES', frames };
        }
        if (r.kind !== 'FRAMES') throw new SyncProtocolError(`expected FRAMES or END, got ${r.kind}`);
        for (const f of r.frames) bytes += f.length;
        if (bytes > this.limits.maxResponseBytes) throw new LimitError('sync.response', this.limits.maxResponseBytes, bytes);
        frames.push(...r.frames);
      }
    } catch (e) {
      stream?.abort(e instanceof Error ? e : new Error(String(e)));
      if (e instanceof SyncRemoteError) throw e;
      if (timeout.aborted) throw new SyncTimeoutError(`sync ${request.kind} to ${key} took over ${this.limits.responseTimeoutMs} ms`);
      if (isProtocolError(e) || e instanceof SyncProtocolError) {
        this.penalise(key, e);
        throw e instanceof SyncProtocolError ? e : new SyncProtocolError(`malformed answer from ${key}: ${e.message}`, { cause: e });
      }
      throw e;
    } finally {
      this.asked.release(key);
    }
  }

  /** The authority entry frames `peer` holds for `room` (unverified: open each with the protocol core). */
  async getAuthority(peer: PeerId, room: Uint8Array, options?: AbortOptions): Promise<Uint8Array[]> {
    const r = await this.request(peer, { kind: 'GET_AUTHORITY', room }, options);
    return r.kind === 'FRAMES' ? [...r.frames] : [];
  }

  async have(peer: PeerId, room: Uint8Array, channel: Uint8Array, options?: AbortOptions): Promise<HaveVector> {
    const r = await this.request(peer, { kind: 'HAVE', room, channel }, options);
    return r.kind === 'HAVE' ? r.have : {};
  }

  /** Envelope frames of one device's stream, fromSeq..toSeq (at most limits.maxRangeSeqs seqs). */
  async getRange(
    peer: PeerId,
    room: Uint8Array,
    channel: Uint8Array,
    device: Uint8Array,
    fromSeq: number,
    toSeq: number,
    options?: AbortOptions,
  ): Promise<Uint8Array[]> {
    const r = await this.request(peer, { kind: 'GET_RANGE', room, channel, device, fromSeq, toSeq }, options);
    return r.kind === 'FRAMES' ? [...r.frames] : [];
  }

  /**
   * Offers frames of one room to a peer that stores them (a hub): batches of at most
   * maxFramesPerMessage frames and maxMessageBytes; resolves with the ids the peer reports durably
   * stored and the refusals. Throws SyncRemoteError for a whole-request refusal (not-served, rate...).
   */
  async put(peer: PeerId, room: Uint8Array, frames: readonly Uint8Array[], options?: AbortOptions): Promise<PutResult> {
    const stored: Uint8Array[] = [];
    const refused: { id: Uint8Array; reason: PutRefusal }[] = [];
    for await (const batch of batchFrames(frames, this.limits)) {
      const r = await this.request(peer, { kind: 'PUT', room, frames: batch }, options);
      if (r.kind !== 'STORED') throw new SyncProtocolError(`expected STORED, got ${r.kind}`);
      stored.push(...r.ids);
      refused.push(...r.refused);
    }
    return { stored, refused };
  }
}

export interface PutResult {
  readonly stored: Uint8Array[];
  readonly refused: { readonly id: Uint8Array; readonly reason: PutRefusal }[];
}

/** The libp2p service factory. */
export const parleySync =
  (init: SyncInit = {}) =>
  (components: SyncComponents): SyncService =>
    new SyncService(components, init);
