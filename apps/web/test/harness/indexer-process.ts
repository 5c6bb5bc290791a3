/**
 * A real parley-indexer process for the web suite: embedded PGlite in a temp dir, joined to the DHT
 * through the given hub, search API on a free loopback port, crawling every `crawlIntervalS` seconds
 * at the network's listing difficulty (nothing lowered: the browser publishes real proof of work).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from '@parley/tests/kit';

const BIN = new URL('../../../../services/indexer/bin/parley-indexer.ts', import.meta.url).pathname;

export interface IndexerProcess {
  /** `http://127.0.0.1:<port>`: the search API's origin, what the portal is given in PARLEY_INDEXER. */
  readonly http: string;
  logs(): string;
  stop(): Promise<void>;
}

export const startIndexer = async (bootstrap: string, crawlIntervalS = 2): Promise<IndexerProcess> => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-web-indexer-'));
  const args = [BIN, '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dir, '--bootstrap', bootstrap];
  const child: ChildProcess = spawn(process.execPath, [...args, '--crawl-interval', String(crawlIntervalS), '--test-mode', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = await new Promise<{ http: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`indexer did not start in 90 s:\n${out}`)), 90_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line === undefined) return;
      clearTimeout(t);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`indexer exited with ${code}:\n${out}`)));
  });
  return {
    http: ready.http,
    logs: () => out,
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
