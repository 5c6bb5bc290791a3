/**
 * The hub's HTTP side (node:http): GET /healthz (the process answers), GET /readyz (200 only while
 * the core is ready), GET /metrics (Prometheus text), and the admin API behind a bearer token:
 * GET /admin/status, GET /admin/rooms, PUT and DELETE /admin/rooms/<64 hex room id>. Bad requests
 * get a JSON error `{ "error": code, "message" }` with a 4xx status; bodies are refused (nothing
 * here takes one), headers and idle connections time out, connections are capped.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromHex } from '@parley/protocol';
import type { Registry } from 'prom-client';
import type { HubCore, HubLog } from './ports.ts';

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly core: HubCore;
  readonly registry: Registry;
  readonly log: HubLog;
  readonly adminToken: string | undefined;
  /** Set while shutting down: /readyz answers 503. */
  readonly draining: () => boolean;
}

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
};

const fail = (res: ServerResponse, status: number, error: string, message: string): void => json(res, status, { error, message });

const authorized = (req: IncomingMessage, token: string | undefined): boolean => {
  if (token === undefined) return false;
  const h = req.headers.authorization ?? '';
  const want = Buffer.from(`Bearer ${token}`);
  const got = Buffer.from(h);
  return got.length === want.length && timingSafeEqual(got, want);
};

const ROOM_PATH = /^\/admin\/rooms\/([0-9a-f]{64})$/;

const route = async (req: IncomingMessage, res: ServerResponse, o: HttpOptions): Promise<void> => {
  const method = req.method ?? '';
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (path.length > 256) return fail(res, 414, 'uri-too-long', 'path too long');
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] !== undefined || length > 0) return fail(res, 413, 'body-not-allowed', 'no endpoint takes a request body');
  if (path === '/healthz' && method === 'GET') return json(res, 200, { ok: true });
  if (path === '/readyz' && method === 'GET') {
    const st = await o.core.status();
    const ready = st.ready && !o.draining();
    return json(res, ready ? 200 : 503, { ready, storage: st.storage, peers: st.peers, rooms: st.rooms.length });
  }
  if (path === '/metrics' && method === 'GET') {
    await o.core.status(); // refreshes the peer gauge
    const text = await o.registry.metrics();
    res.writeHead(200, { 'content-type': o.registry.contentType });
    res.end(text);
    return;
  }
  if (path.startsWith('/admin/')) {
    if (o.adminToken === undefined) return fail(res, 403, 'admin-disabled', 'the admin API is off (set --admin-token)');
    if (!authorized(req, o.adminToken)) return fail(res, 401, 'unauthorized', 'missing or wrong bearer token');
    if (path === '/admin/status' && method === 'GET') return json(res, 200, await o.core.status());
    if (path === '/admin/rooms' && method === 'GET') return json(res, 200, { rooms: (await o.core.status()).rooms });
    const m = ROOM_PATH.exec(path);
    if (m !== null) {
      const room = fromHex(m[1] as string, 'room');
      if (method === 'PUT') {
        await o.core.pinRoom(room);
        o.log.info({ room: m[1] as string }, 'room pinned by operator');
        return json(res, 200, { pinned: m[1] });
      }
      if (method === 'DELETE') {
        await o.core.unpinRoom(room);
        o.log.info({ room: m[1] as string }, 'room unpinned by operator');
        return json(res, 200, { unpinned: m[1] });
      }
      return fail(res, 405, 'method-not-allowed', 'use PUT or DELETE');
    }
    if (path.startsWith('/admin/rooms/')) return fail(res, 400, 'bad-room', 'room id must be 64 lowercase hex characters');
  }
  return fail(res, 404, 'not-found', 'no such endpoint');
};

export const startHttp = async (o: HttpOptions): Promise<HttpServer> => {
  const server: Server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, maxHeaderSize: 8192 }, (req, res) => {
    route(req, res, o).catch((e: unknown) => {
      o.log.error({ error: (e as Error)?.name ?? 'Error' }, 'http handler failed');
      if (!res.headersSent) fail(res, 500, 'internal', 'internal error');
      else res.destroy();
    });
    // Never read a body: drain and discard whatever a client sends anyway.
    req.resume();
  });
  server.maxConnections = 256;
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
