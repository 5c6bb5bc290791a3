/** An indexer core on a real database and an unconnected libp2p node (for tests that feed it records directly). */
import { createParleyNode } from '@parley/net';
import { type Database, Indexer, type IndexerOptions, IndexStore, openDatabase } from '../src/index.ts';
import { type Backend, crypto, D } from './helpers.ts';

export interface Fixture {
  readonly indexer: Indexer;
  readonly database: Database;
  close(): Promise<void>;
}

export const coreFixture = async (backend: Backend, label: string, o: Partial<IndexerOptions> = {}): Promise<Fixture> => {
  const database = await openDatabase(await backend.database(label));
  const node = await createParleyNode({
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    testMode: true,
    dhtMode: 'server',
    iceServers: [],
    verify: { crypto, listingDifficulty: D },
  });
  await node.start();
  const indexer = new Indexer({
    node,
    store: new IndexStore(database.db),
    crypto,
    seeds: ['gaming'],
    listingDifficulty: D,
    voteDifficulty: D,
    queryTimeoutMs: 2_000,
    ...o,
  });
  return {
    indexer,
    database,
    close: async () => {
      await indexer.stop();
      await node.stop();
      await database.close();
    },
  };
};
