/** Prometheus metrics (prom-client) behind the core's IndexerMetrics port. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { IndexerMetrics } from './ports.ts';

export interface PromMetrics extends IndexerMetrics {
  readonly registry: Registry;
}

export const promMetrics = (): PromMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_indexer_' });
  const g = (name: string, help: string) => new Gauge({ name: `parley_indexer_${name}`, help, registers: [registry] });
  const rooms = g('rooms', 'Rooms in the directory (verified, unexpired)');
  const listings = g('listings', 'Verified listings held');
  const pending = g('pending_listings', 'Listings waiting for a membership check');
  const tags = g('tags', 'Tag paths known to the crawler');
  const votes = g('votes', 'Votes held (one per voter and room)');
  const peers = g('peers', 'Connected libp2p peers');
  const seen = new Counter({ name: 'parley_indexer_listings_seen_total', help: 'Listings read, by outcome', labelNames: ['outcome'], registers: [registry] });
  const rejected = new Counter({ name: 'parley_indexer_rejections_total', help: 'Records refused, by reason', labelNames: ['reason'], registers: [registry] });
  const passes = new Histogram({
    name: 'parley_indexer_crawl_seconds',
    help: 'Duration of crawl passes',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const crawledTags = new Counter({ name: 'parley_indexer_tags_crawled_total', help: 'Tag reads', registers: [registry] });
  const searches = new Histogram({
    name: 'parley_indexer_search_seconds',
    help: 'Search request latency, by status',
    labelNames: ['status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  return {
    registry,
    listingSeen: (o) => seen.inc({ outcome: o }),
    rejected: (reason, n = 1) => rejected.inc({ reason }, n),
    crawled: (n, ms) => {
      crawledTags.inc(n);
      passes.observe(ms / 1000);
    },
    searched: (ms, status) => searches.observe({ status: String(status) }, ms / 1000),
    setGauges: (c) => {
      rooms.set(c.rooms);
      listings.set(c.listings);
      pending.set(c.pending);
      tags.set(c.tags);
      votes.set(c.votes);
      peers.set(c.peers);
    },
  };
};
