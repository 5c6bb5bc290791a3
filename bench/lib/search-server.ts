/**
 * The search bench's server process: the indexer's HTTP side over a filled database (no crawler, no
 * libp2p node), rate limit out of the way. Database from SEARCH_BENCH_DB (JSON DatabaseConfig).
 * Prints one JSON line `{ "url": ... }` when listening; exits on SIGTERM.
 */
import { type DatabaseConfig, IndexStore, noLog, noMetrics, openDatabase, search, startHttp } from '@parley/indexer';

const config = JSON.parse(process.env.SEARCH_BENCH_DB ?? '{"kind":"pglite"}') as DatabaseConfig;
const database = await openDatabase(config);
const store = new IndexStore(database.db);
const http = await startHttp({
  host: '127.0.0.1',
  port: 0,
  rate: 1_000_000,
  burst: 1_000_000,
  metrics: noMetrics,
  log: noLog,
  api: {
    search: (q) => search(store, q, Date.now()),
    roomById: async () => undefined,
    tags: () => store.tagCounts(),
    ingestVote: async () => false,
  },
});
process.stdout.write(`${JSON.stringify({ url: http.url })}\n`);
process.on('SIGTERM', () => {
  void http
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
