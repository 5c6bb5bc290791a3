/**
 * The indexer on the real network: clients on libp2p nodes on 127.0.0.1 publish a listed room's
 * LISTINGs (with proof of work) to the DHT; two indexers (one on PGlite, one on Postgres) crawl the tag
 * tree from the seed `gaming`, find `gaming/fps` in the listings, fetch the room's authority log from
 * its peers to check membership, and serve it over HTTP. Then: activity and votes; a restart re-crawls
 * without duplicates; both indexers give the same results; when the room's peers go offline it drops
 * out after its listings expire.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { createVote, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { rowsOf } from '@parley/store-postgres';
import { sql } from 'drizzle-orm';
import { type DatabaseConfig, type IndexerService, promMetrics, startIndexer } from '../src/index.ts';
import { crypto, D, eventually, pgliteBackend, postgresBackend, seed } from './helpers.ts';

const TTL = 6_000;
const pg = pgliteBackend();
const pgs = postgresBackend();
const clients: ParleyClient[] = [];
const services: IndexerService[] = [];

const client = async (name: string, bootstrap: string[] = []): Promise<ParleyClient> => {
  const c = await ParleyClient.create({
    identity: createIdentity({ displayName: name, crypto, random: (n) => seed(`${name}:${Math.random()}`).slice(0, n) }),
    store: new MemoryStore(),
    crypto,
    syncIntervalMs: 1_000,
    directory: { difficulty: D, ttlMs: TTL, intervalMs: 500 },
    node: {
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      bootstrap,
      republishIntervalMs: 1_000,
      verify: { listingDifficulty: D },
    },
  });
  clients.push(c);
  return c;
};

const indexer = async (database: DatabaseConfig, bootstrap: string[], label: string): Promise<IndexerService> => {
  const s = await startIndexer({
    database,
    identitySeed: seed(`indexer:${label}`),
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    bootstrap,
    http: { host: '127.0.0.1', port: 0 },
    seeds: ['gaming'],
    crawlIntervalMs: 1_000,
    listingDifficulty: D,
    voteDifficulty: D,
    rate: 1_000,
    burst: 1_000,
    testMode: true,
    core: { queryTimeoutMs: 5_000, maxAttempts: 1_000, authorityMissTtlMs: 1_000 },
    metrics: promMetrics(),
  });
  services.push(s);
  return s;
};

const get = async (s: IndexerService, path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${s.http.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const roomIds = async (s: IndexerService, q = ''): Promise<string[]> => {
  const r = await get(s, `/v1/search?limit=50${q}`);
  assert.equal(r.status, 200);
  return ((r.body.rooms as { room: string }[]) ?? []).map((x) => x.room).sort();
};

describe('indexers on the network', { timeout: 300_000 }, () => {
  let alice: ParleyClient;
  let bob: ParleyClient;
  let a: IndexerService;
  let b: IndexerService;
  let dbA: DatabaseConfig;
  let dbB: DatabaseConfig;
  let room: Uint8Array;
  let quiet: Uint8Array;
  let hex: string;

  before(async () => {
    alice = await client('alice');
    bob = await client('bob', alice.node.multiaddrs());
    dbA = await pg.database('net-a');
    dbB = await pgs.database('net-b');
    a = await indexer(dbA, alice.node.multiaddrs(), 'a');
    b = await indexer(dbB, [...alice.node.multiaddrs(), ...bob.node.multiaddrs()], 'b');
  });
  after(async () => {
    for (const s of services) await s.stop().catch(() => undefined);
    for (const c of clients) await c.close().catch(() => undefined);
    await pg.cleanup();
    await pgs.cleanup();
  });

  it('a listed room appears in both indexers within a bounded time, tags found from listings; an unlisted room never does', async () => {
    room = await alice.createRoom({ name: 'Frag Night', policy: { join: 'open' } });
    quiet = await alice.createRoom({ name: 'Quiet room' });
    hex = toHex(room);
    const t0 = Date.now();
    await alice.setDiscovery(room, { name: 'Frag Night', description: 'FPS evenings, all welcome', language: 'en', tags: ['gaming/fps'], color: 0xff8800 });
    for (const s of [a, b]) await eventually('room in the directory', async () => (await roomIds(s, '&q=frag')).includes(hex), 90_000, 500);
    const ms = Date.now() - t0;
    assert.ok(ms < 90_000, `listed within ${ms} ms`);
    const hit = await get(a, '/v1/search?q=frag%20night');
    const first = (hit.body.rooms as Record<string, unknown>[])[0];
    assert.equal(first?.name, 'Frag Night');
    assert.deepEqual(first?.tags, ['gaming/fps']);
    const tags = await get(a, '/v1/tags');
    assert.ok(
      (tags.body.tags as { path: string; rooms: number }[]).some((t) => t.path === 'gaming/fps' && t.rooms === 1),
      'gaming/fps was found in a listing',
    );
    assert.deepEqual(await roomIds(a, '&tag=gaming'), [hex]);
    assert.ok(!(await roomIds(a)).includes(toHex(quiet)));
  });

  it('counts activity (distinct peers announcing the room) and votes', async () => {
    await bob.join(alice.createInvite(room), { timeoutMs: 30_000 });
    await eventually('two peers seen for the room', async () => ((await get(a, `/v1/rooms/${hex}`)).body.activity as number) >= 2, 90_000, 500);
    const voter = createIdentity({ displayName: 'voter', crypto });
    const vote = createVote({ voter: voter.account.publicKey, room, value: 1, issuedAt: Date.now() }, voter.account.secret, crypto, { difficulty: D });
    const res = await fetch(`${a.http.url}/v1/votes`, { method: 'POST', body: Buffer.from(vote.bytes) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { counted: true });
    const bad = Uint8Array.from(vote.bytes);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    const refused = await fetch(`${a.http.url}/v1/votes`, { method: 'POST', body: Buffer.from(bad) });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid-vote');
    const r = await get(a, `/v1/rooms/${hex}`);
    assert.deepEqual(r.body.votes, { up: 1, down: 0, score: 1 });
  });

  it('restarts re-crawl without duplicates, and the two indexers converge', async () => {
    // A DHT tag set keeps one listing per room (the newest, whoever of its members published it), so the
    // indexer holds at most one row per (room, publisher) and one room row whose identity (first_seen) must
    // survive restarts and re-crawls.
    const rooms = async (svc: IndexerService) => rowsOf(await svc.indexer.store.db.execute(sql`select room, name, tags, first_seen from rooms order by room`));
    const publishers = async (svc: IndexerService) =>
      rowsOf(await svc.indexer.store.db.execute(sql`select account, count(*)::int as n from listings group by room, account`));
    const members = new Set([toHex(alice.identity.account.publicKey), toHex(bob.identity.account.publicKey)]);
    const beforeA = await rooms(a);
    assert.equal(beforeA.length, 1);
    await a.stop();
    a = await indexer(dbA, alice.node.multiaddrs(), 'a');
    for (let i = 0; i < 3; i++) await a.indexer.crawlOnce();
    assert.deepEqual(await rooms(a), beforeA, 'the same room row (first_seen kept) after the restart and three passes');
    for (const p of await publishers(a)) {
      assert.equal(p.n, 1, 'one row per (room, publisher)');
      assert.ok(members.has(String(p.account)), 'only members’ listings are kept');
    }
    // Two indexers crawling the same DHT converge on the same directory (within a few passes).
    await eventually('indexers agree', async () => JSON.stringify(await roomIds(a)) === JSON.stringify(await roomIds(b)), 20_000, 500);
    assert.deepEqual(await roomIds(a), [hex]);
    assert.deepEqual(await roomIds(a, '&q=frag'), await roomIds(b, '&q=frag'));
  });

  it('answers bad queries with JSON errors', async () => {
    for (const [path, code] of [
      ['/v1/search?sort=nope', 'bad-sort'],
      ['/v1/search?tag=Not%20A%20Tag', 'bad-tag'],
      ['/v1/search?cursor=%27%3B--', 'bad-cursor'],
      ['/v1/rooms/xyz', 'bad-room'],
      ['/v1/nothing', 'method-not-allowed'],
    ] as const) {
      const r = await get(a, path);
      assert.ok(r.status >= 400 && r.status < 500, path);
      assert.equal(r.body.error, code, path);
    }
    const m = await fetch(`${a.http.url}/metrics`);
    const text = await m.text();
    assert.match(text, /parley_indexer_rooms 1/);
    assert.match(text, /parley_indexer_search_seconds_count/);
  });

  it('a room whose peers all go offline drops out after its listings expire', async () => {
    await bob.close();
    await alice.close();
    const t0 = Date.now();
    for (const s of [a, b]) await eventually('room expired', async () => !(await roomIds(s)).includes(hex), TTL * 5, 500);
    assert.ok(Date.now() - t0 <= TTL * 5);
    await eventually(
      'expired listings are deleted',
      async () => rowsOf(await a.indexer.store.db.execute(sql`select count(*)::int as n from listings`))[0]?.n === 0,
      TTL * 3,
      500,
    );
  });
});
