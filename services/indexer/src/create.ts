/**
 * Wires an indexer: database (PGlite or Postgres, migrated), a libp2p node (DHT server, listing
 * difficulty from config), the core and its HTTP side. Used by main and by tests, so that both run
 * the same composition.
 */
import { createParleyNode, type ParleyNode } from '@parley/net';
import type { CryptoPort } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type DatabaseConfig, openDatabase } from './db.ts';
import { type HttpServer, startHttp } from './http.ts';
import { Indexer, type IndexerOptions } from './indexer.ts';
import { type IndexerLog, type IndexerMetrics, noLog, noMetrics } from './ports.ts';
import type { RoomAuthority } from './room-authority.ts';
import { IndexStore } from './store.ts';

export interface IndexerServiceOptions {
  readonly database: DatabaseConfig;
  readonly identitySeed?: Uint8Array;
  readonly listen: readonly string[];
  readonly bootstrap: readonly string[];
  readonly http: { readonly host: string; readonly port: number };
  readonly seeds: readonly string[];
  readonly crawlIntervalMs: number;
  readonly listingDifficulty: number;
  readonly voteDifficulty: number;
  readonly rate: number;
  readonly burst: number;
  readonly testMode?: boolean;
  readonly crypto?: CryptoPort;
  readonly now?: () => number;
  readonly metrics?: IndexerMetrics & { readonly registry?: import('prom-client').Registry };
  readonly log?: IndexerLog;
  readonly authority?: RoomAuthority;
  /** Overrides of the core's budgets (tests). */
  readonly core?: Partial<Pick<IndexerOptions, 'tagsPerPass' | 'roomsPerPass' | 'maxAttempts' | 'queryTimeoutMs' | 'authorityTtlMs' | 'authorityMissTtlMs'>>;
}

export interface IndexerService {
  readonly indexer: Indexer;
  readonly node: ParleyNode;
  readonly http: HttpServer;
  stop(): Promise<void>;
}

export const startIndexer = async (o: IndexerServiceOptions): Promise<IndexerService> => {
  const crypto = o.crypto ?? nodeCrypto;
  const database = await openDatabase(o.database);
  const node = await createParleyNode({
    identitySeed: o.identitySeed,
    listen: o.listen,
    bootstrap: o.bootstrap,
    dhtMode: 'server',
    testMode: o.testMode,
    iceServers: [],
    verify: { crypto, now: o.now, listingDifficulty: o.listingDifficulty },
  });
  await node.start();
  const metrics = o.metrics ?? noMetrics;
  const log = o.log ?? noLog;
  const indexer = new Indexer({
    node,
    store: new IndexStore(database.db),
    crypto,
    now: o.now,
    seeds: o.seeds,
    listingDifficulty: o.listingDifficulty,
    voteDifficulty: o.voteDifficulty,
    crawlIntervalMs: o.crawlIntervalMs,
    metrics,
    log,
    authority: o.authority,
    ...o.core,
  });
  const http = await startHttp({
    host: o.http.host,
    port: o.http.port,
    api: indexer,
    registry: o.metrics?.registry,
    metrics,
    log,
    rate: o.rate,
    burst: o.burst,
  });
  await indexer.start();
  return {
    indexer,
    node,
    http,
    stop: async () => {
      await http.close();
      await indexer.stop();
      await node.stop();
      await database.close();
    },
  };
};
