/**
 * A static HTTP server on 127.0.0.1 (a free port) for browser suites: serves in-memory files, so a
 * bundle built in the test process needs no disk. Every page it serves shares one origin; start a
 * second server for a second origin (separate storage and quota).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticFile {
  readonly body: string | Uint8Array;
  /** Content type; guessed from the path's extension if absent. */
  readonly type?: string;
}

export interface StaticServer {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** Adds or replaces a file (path starting with `/`). */
  set(path: string, file: StaticFile): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  wasm: 'application/wasm',
};

const typeOf = (path: string): string => TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

export const startStaticServer = async (files: Record<string, StaticFile> = {}): Promise<StaticServer> => {
  const table = new Map(Object.entries(files));
  const server = createServer((req, res) => {
    const asked = new URL(req.url ?? '/', 'http://x').pathname;
    const path = asked.endsWith('/') ? `${asked}index.html` : asked;
    const file = table.get(path);
    if (path === '/favicon.ico' && file === undefined) {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(req.method === 'GET' ? 404 : 405).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type ?? typeOf(path), 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, file) => void table.set(path, file),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
