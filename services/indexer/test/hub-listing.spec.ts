/**
 * A public room stays in the directory while only its pinned hub is online: the hub (a real hub on
 * PGlite) lists the room under its own libp2p key (PROTOCOL 8.5), the indexer accepts the listing
 * because the room's policy pins that peer id, and serves it; the member who listed the room never
 * published a listing herself (her directory publisher is off) and has left.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { createHubCore, type Hub } from '@parley/hub';
import { toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { rowsOf } from '@parley/store-postgres';
import { sql } from 'drizzle-orm';
import { type IndexerService, startIndexer } from '../src/index.ts';
import { crypto, D, eventually, pgliteBackend, seed } from './helpers.ts';

const TTL = 60_000;

describe('a room listed by its pinned hub', { timeout: 240_000 }, () => {
  const backend = pgliteBackend();
  const hubDir = mkdtempSync(join(tmpdir(), 'parley-indexer-hub-'));
  let hub: Hub | undefined;
  let alice: ParleyClient | undefined;
  let service: IndexerService | undefined;
  after(async () => {
    await service?.stop().catch(() => undefined);
    await alice?.close().catch(() => undefined);
    await hub?.stop().catch(() => undefined);
    await backend.cleanup();
    rmSync(hubDir, { recursive: true, force: true });
  });

  it('appears in the directory with only the hub online, under the hub’s key', async () => {
    hub = await createHubCore({
      storage: { kind: 'pglite', dataDir: hubDir },
      identitySeed: seed('hub:listing'),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      testMode: true,
      syncIntervalMs: 1_000,
      directory: { difficulty: D, ttlMs: TTL, intervalMs: 500 },
      listingDifficulty: D,
    });
    await hub.start();
    const hubAddrs = hub.node.multiaddrs();
    alice = await ParleyClient.create({
      identity: createIdentity({ displayName: 'alice', crypto }),
      store: new MemoryStore(),
      crypto,
      syncIntervalMs: 1_000,
      directory: false,
      node: {
        listen: ['/ip4/127.0.0.1/tcp/0/ws'],
        dhtMode: 'server',
        testMode: true,
        iceServers: [],
        bootstrap: hubAddrs,
        verify: { listingDifficulty: D },
      },
    });
    const room = await alice.createRoom({ name: 'Night Owls', policy: { join: 'open', hubs: [hub.node.peerId] } });
    await alice.setDiscovery(room, { name: 'Night Owls', description: 'Up late, talking', language: 'en', tags: ['social/late'], color: 0x223344 });
    const hex = toHex(room);
    const h = hub;
    await eventually(
      'the hub serves the room with its discovery settings',
      async () => {
        await alice?.pushToHubs();
        return (await h.status()).rooms.some((r) => r.room === hex) && (await h.publishListings()) > 0;
      },
      60_000,
    );
    await alice.close();
    alice = undefined;

    service = await startIndexer({
      database: await backend.database('hub-listing'),
      identitySeed: seed('indexer:hub-listing'),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      bootstrap: hubAddrs,
      http: { host: '127.0.0.1', port: 0 },
      seeds: ['social'],
      crawlIntervalMs: 1_000,
      listingDifficulty: D,
      voteDifficulty: D,
      rate: 1_000,
      burst: 1_000,
      testMode: true,
      core: { queryTimeoutMs: 5_000, maxAttempts: 1_000, authorityMissTtlMs: 1_000 },
    });
    const s = service;
    await eventually(
      'the room in the directory',
      async () => {
        const res = await fetch(`${s.http.url}/v1/search?q=night%20owls`);
        const body = (await res.json()) as { rooms?: { room: string }[] };
        return body.rooms?.some((r) => r.room === hex) === true;
      },
      120_000,
    );
    const rows = rowsOf(await s.indexer.store.db.execute(sql`select account, verified from listings where room = ${hex}`));
    const hubKey = crypto.ed25519PublicKey(seed('hub:listing'));
    assert.ok(rows.length >= 1);
    assert.ok(
      rows.every((r) => r.account === toHex(hubKey) && r.verified === true),
      'every listing the indexer holds for the room is the hub’s, verified',
    );
  });
});
