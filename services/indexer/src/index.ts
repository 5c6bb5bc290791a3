/**
 * @parley/indexer — the public room directory's indexer: crawls LISTINGs from the DHT tag tree,
 * verifies each with the protocol core (and its publisher's membership against the room's authority
 * log), keeps rooms, listings, votes and activity in Postgres or embedded PGlite, and serves search.
 *
 * @example
 * ```ts
 * import { startIndexer } from '@parley/indexer';
 * const svc = await startIndexer({ database: { kind: 'pglite' }, listen: ['/ip4/127.0.0.1/tcp/0/ws'], bootstrap: [hubAddr],
 *   http: { host: '127.0.0.1', port: 8090 }, seeds: ['gaming'], crawlIntervalMs: 60_000, listingDifficulty: 20,
 *   voteDifficulty: 18, rate: 20, burst: 40 });
 * const page = await svc.indexer.search({ q: 'frag night', tag: 'gaming' });
 * await svc.stop();
 * ```
 */
export { ConfigError, DEFAULT_SEEDS, helpText, type IndexerConfig, OPTIONS, parseConfig } from './config.ts';
export { type IndexerService, type IndexerServiceOptions, startIndexer } from './create.ts';
export { type Database, type DatabaseConfig, openDatabase } from './db.ts';
export { type DirectoryApi, type HttpOptions, type HttpServer, startHttp } from './http.ts';
export { Indexer, type IndexerOptions, type PassReport } from './indexer.ts';
export { pinoLog } from './log.ts';
export { loadIdentitySeed, main, runIndexer } from './main.ts';
export { promMetrics } from './metrics.ts';
export * from './ports.ts';
export { checkListingAgainstRoom, DhtRoomAuthority, type ListingVerdict, type RoomAuthority } from './room-authority.ts';
export {
  MAX_LIMIT,
  parseSearchParams,
  type RoomResult,
  SearchInputError,
  type SearchQuery,
  type SearchResult,
  SORTS,
  type SortOrder,
  search,
} from './search.ts';
export { IndexStore, type ListingRow } from './store.ts';
