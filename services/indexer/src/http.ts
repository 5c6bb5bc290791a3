/**
 * The search API (node:http). Every /v1 request is rate-limited per client IP (429 with
 * Retry-After); errors are JSON `{ "error": code, "message" }` with a 4xx status.
 *
 *   GET  /v1/search?q=&tag=&lang=&sort=&limit=&cursor=   rooms, newest page cursor in `next`
 *   GET  /v1/rooms/<64 hex>                              one room
 *   GET  /v1/tags                                        known tag paths with their room counts
 *   POST /v1/votes                                       body: one VOTE frame (<= 512 bytes)
 *   GET  /healthz, GET /metrics (Prometheus text)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolError } from '@parley/protocol';
import type { Registry } from 'prom-client';
import type { IndexerLog, IndexerMetrics } from './ports.ts';
import { TokenBuckets } from './rate.ts';
import { parseSearchParams, type RoomResult, SearchInputError, type SearchQuery, type SearchResult } from './search.ts';

/** What the HTTP side serves (the Indexer; a bench serves a database without a crawler). */
export interface DirectoryApi {
  search(query: SearchQuery): Promise<SearchResult>;
  roomById(room: string): Promise<RoomResult | undefined>;
  tags(): Promise<{ path: string; rooms: number }[]>;
  ingestVote(bytes: Uint8Array): Promise<boolean | ProtocolError>;
}

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly api: DirectoryApi;
  readonly registry?: Registry;
  readonly metrics: IndexerMetrics;
  readonly log: IndexerLog;
  /** Requests per second per client IP, and the burst. */
  readonly rate: number;
  readonly burst: number;
}

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_VOTE_BODY = 512;
const ROOM_PATH = /^\/v1\/rooms\/([0-9a-f]{64})$/;

const json = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
    ...extra,
  });
  res.end(text);
};

const fail = (res: ServerResponse, status: number, error: string, message: string, extra?: Record<string, string>): void =>
  json(res, status, { error, message }, extra);

const readBody = (req: IncomingMessage, max: number): Promise<Uint8Array | undefined> =>
  new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        resolve(undefined);
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    req.on('error', reject);
  });

const route = async (req: IncomingMessage, res: ServerResponse, o: HttpOptions, buckets: TokenBuckets): Promise<number> => {
  const method = req.method ?? '';
  const rawUrl = req.url ?? '';
  if (rawUrl.length > 2048) {
    fail(res, 414, 'uri-too-long', 'request line too long');
    return 414;
  }
  const url = new URL(rawUrl, 'http://indexer');
  const path = url.pathname;
  if (path === '/healthz' && method === 'GET') {
    json(res, 200, { ok: true });
    return 200;
  }
  if (path === '/metrics' && method === 'GET' && o.registry !== undefined) {
    const text = await o.registry.metrics();
    res.writeHead(200, { 'content-type': o.registry.contentType });
    res.end(text);
    return 200;
  }
  if (!path.startsWith('/v1/')) {
    fail(res, 404, 'not-found', 'no such endpoint');
    return 404;
  }
  if (method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
    res.end();
    return 204;
  }
  const ip = req.socket.remoteAddress ?? 'unknown';
  if (!buckets.take(ip)) {
    fail(res, 429, 'rate', 'too many requests from this address', { 'retry-after': '1' });
    return 429;
  }
  if (path === '/v1/search' && method === 'GET') {
    try {
      json(res, 200, await o.api.search(parseSearchParams(url.searchParams)));
      return 200;
    } catch (e) {
      if (!(e instanceof SearchInputError)) throw e;
      fail(res, 400, e.code, e.message);
      return 400;
    }
  }
  if (path === '/v1/tags' && method === 'GET') {
    json(res, 200, { tags: await o.api.tags() });
    return 200;
  }
  const m = ROOM_PATH.exec(path);
  if (m !== null && method === 'GET') {
    const r = await o.api.roomById(m[1] as string);
    if (r === undefined) fail(res, 404, 'not-found', 'no such room in the directory');
    else json(res, 200, r);
    return r === undefined ? 404 : 200;
  }
  if (path.startsWith('/v1/rooms/')) {
    fail(res, 400, 'bad-room', 'room id must be 64 lowercase hex characters');
    return 400;
  }
  if (path === '/v1/votes' && method === 'POST') {
    const body = await readBody(req, MAX_VOTE_BODY);
    if (body === undefined) {
      fail(res, 413, 'too-large', `a vote is at most ${MAX_VOTE_BODY} bytes`);
      return 413;
    }
    const r = await o.api.ingestVote(body);
    if (r instanceof ProtocolError) {
      fail(res, 400, 'invalid-vote', `${r.code}: ${r.message}`.slice(0, 200));
      return 400;
    }
    json(res, 200, { counted: r });
    return 200;
  }
  fail(res, 405, 'method-not-allowed', 'wrong method for this endpoint');
  return 405;
};

export const startHttp = async (o: HttpOptions): Promise<HttpServer> => {
  const buckets = new TokenBuckets(o.rate, o.burst);
  const server: Server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, maxHeaderSize: 8192 }, (req, res) => {
    const t0 = performance.now();
    route(req, res, o, buckets)
      .then((status) => {
        if (req.url?.startsWith('/v1/search')) o.metrics.searched(performance.now() - t0, status);
      })
      .catch((e: unknown) => {
        o.log.error({ error: (e as Error)?.message ?? 'Error' }, 'http handler failed');
        if (!res.headersSent) fail(res, 500, 'internal', 'internal error');
        else res.destroy();
      });
    if (req.method !== 'POST') req.resume();
  });
  server.maxConnections = 1024;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"bad-request"}');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
