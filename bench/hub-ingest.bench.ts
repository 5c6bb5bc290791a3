import { createHubCore, type HubStorage } from '@parley/hub';
import { createParleyNode } from '@parley/net';
import { decodeUnverified, envelopeCodec } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { storedFromSigned } from '@parley/store';
import { openPostgresStore } from '@parley/store-postgres';
import { benchEnvelope, buildBenchRoom } from './lib/bench-room.ts';
import { type Backend, freshStorage } from './lib/fresh-storage.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const MEMBERS = 20;
const BATCH = 256;
const IN_FLIGHT = Number(process.env.HUB_INGEST_IN_FLIGHT ?? 4);

/** A fresh database: a PGlite directory or a new Postgres database; `drop` removes it. */

const openStore = (s: HubStorage) =>
  s.kind === 'pglite'
    ? openPostgresStore({ driver: 'pglite', dataDir: s.dataDir })
    : openPostgresStore({ driver: 'postgres', url: (s as { url: string }).url });

/** Plain batched inserts of the same rows (decoded beforehand: only the database work is timed). */
const baseline = async (backend: Backend, room: ReturnType<typeof buildBenchRoom>, frames: Uint8Array[]): Promise<number> => {
  const { storage, drop } = await freshStorage(backend, 'hub-ingest-base');
  const store = await openStore(storage);
  try {
    await store.put(room.entries.map((e) => storedFromSigned(e, 0)));
    const rows = frames.map((f) => storedFromSigned(decodeUnverified(envelopeCodec, f, nodeCrypto).signed, 0));
    const t = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) await store.put(rows.slice(i, i + BATCH));
    return frames.length / ((performance.now() - t) / 1000);
  } finally {
    await store.close();
    await drop();
  }
};

/** Guaranteed ingest through a real hub over the sync protocol. */
const throughHub = async (backend: Backend, room: ReturnType<typeof buildBenchRoom>, frames: Uint8Array[]): Promise<number> => {
  const { storage, drop } = await freshStorage(backend, 'hub-ingest-hub');
  const hub = await createHubCore({
    storage,
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    testMode: true,
    verifyWorkers: 2,
    limits: { peerRate: 1e9, peerBurst: 1e9 },
    syncIntervalMs: 600_000,
  });
  await hub.start();
  const sender = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
  await sender.start();
  try {
    await hub.pinRoom(room.state.roomId);
    await sender.dial(hub.node.multiaddrs()[0] as string);
    const log = await sender.put(
      hub.node.peerId,
      room.state.roomId,
      room.entries.map((e) => e.bytes),
    );
    if (log.stored.length !== room.entries.length) throw new Error(`hub took ${log.stored.length} of ${room.entries.length} authority entries`);
    const batches: Uint8Array[][] = [];
    for (let i = 0; i < frames.length; i += BATCH) batches.push(frames.slice(i, i + BATCH));
    let stored = 0;
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches.length) {
          const b = batches[next++] as Uint8Array[];
          const r = await sender.put(hub.node.peerId, room.state.roomId, b);
          if (r.refused.length > 0) throw new Error(`hub refused ${r.refused.length}: ${r.refused[0]?.reason}`);
          stored += r.stored.length;
        }
      }),
    );
    const rate = frames.length / ((performance.now() - t) / 1000);
    if (stored !== frames.length) throw new Error(`hub acknowledged ${stored} of ${frames.length}`);
    return rate;
  } finally {
    await sender.stop();
    await hub.stop();
    await drop();
  }
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 512 : 20_000;
  const runs = opts.smoke ? 1 : 3;
  const room = buildBenchRoom(`hub-ingest-m${MEMBERS}`, MEMBERS);
  const seqs = new Array<number>(MEMBERS).fill(0);
  const frames = Array.from({ length: n }, (_, i) => {
    const m = i % MEMBERS;
    seqs[m] = (seqs[m] as number) + 1;
    return benchEnvelope(room, m, seqs[m] as number, i + 1, `message ${i} from member ${m}: the quick brown fox jumps over the lazy dog`);
  });
  const results: Record<Backend, { hub: number[]; base: number[] }> = { pglite: { hub: [], base: [] }, postgres: { hub: [], base: [] } };
  for (let r = 0; r < runs; r++) {
    for (const b of ['pglite', 'postgres'] as const) {
      results[b].base.push(await baseline(b, room, frames));
      results[b].hub.push(await throughHub(b, room, frames));
    }
  }
  const pg = { hub: median(results.postgres.hub), base: median(results.postgres.base) };
  const lite = { hub: median(results.pglite.hub), base: median(results.pglite.base) };
  return makeResult({
    name: 'hub-ingest',
    value: pg.hub,
    unit: 'guaranteed msgs/s acknowledged by the hub (Postgres)',
    baseline: 'plain batched inserts of the same rows into the same database (Postgres, 256-row batches)',
    baseline_value: pg.base,
    target: 'ratio >= 0.5',
    checks: { 'PGlite ratio >= 0.5': lite.hub / lite.base >= 0.5 },
    details: {
      messages: n,
      runs,
      batch: BATCH,
      in_flight: IN_FLIGHT,
      verify_workers: 2,
      postgres: { hub_msgs_per_s: Math.round(pg.hub), inserts_per_s: Math.round(pg.base), ratio: pg.hub / pg.base, per_run: results.postgres },
      pglite: { hub_msgs_per_s: Math.round(lite.hub), inserts_per_s: Math.round(lite.base), ratio: lite.hub / lite.base, per_run: results.pglite },
    },
  });
}
