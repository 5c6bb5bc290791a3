/**
 * Late join: a fresh node syncs a 100,000-message channel from one serving node and verifies every
 * object. The corpus is real: a room of MEMBERS members (owner + joined members with certified
 * devices), one text channel, MESSAGES signed envelopes round-robin over the members; it is built
 * once and cached under os.tmpdir() keyed by its parameters. The server is a @parley/net node whose
 * SyncSource reads a MemoryStore holding the room. Both nodes run in this process on 127.0.0.1
 * (WebSockets + noise + yamux, as in production).
 *
 * Measured (value, s): from the first request to the last object stored, the joiner runs
 * /parley/sync/1.0.0: GET_AUTHORITY (entries opened and replayed), HAVE, then GET_RANGE batches of
 * up to 1,024 seqs per device, PIPELINED (all requests issued at once; net's client queues them to
 * the server's 4 streams per peer). Each batch's frames are decoded at once (decodeUnverified),
 * their signatures go to a VerifyPool (POOL_SIZE workers, so verification overlaps transfer), then
 * each is authorized (validateEnvelope against the replayed room) and the batch is put into the
 * joiner's own MemoryStore. The run fails unless all MESSAGES are stored. POOL_SIZE is 2: on this
 * 2-core machine verification (~11 s of Ed25519 for 100k on one core) outweighs the main thread's
 * share (transfer, decode, authorize, store: ~8 s), so two workers finish sooner than one (one run
 * each, 13:37 UTC 2026-11-24: 16.7 s vs 19.1 s).
 *
 * Baseline (the floor, measured in the same run between the same two nodes): the time to move the
 * same frame bytes over one libp2p stream (a bench-only protocol, 64 KiB writes) plus the time to
 * Ed25519-verify the same signatures inline (node:crypto, inputs pre-parsed).
 * Target: ratio <= 2; check: full verified sync < 10 s. Median of RUNS runs (smoke: 2,000
 * messages, one run).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParleyNode, type ParleyNode, type SyncSource } from '@parley/net';
import {
  decodeUnverified,
  envelopeCodec,
  fromHex,
  openEntry,
  parseFrame,
  replayAuthority,
  type SignatureCheck,
  SignatureError,
  signingInput,
  validateEnvelope,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore, type StoredObject, storedFromSigned } from '@parley/store';
import { spawnNodeWorker, VerifyPool } from '@parley/verify';
import { type BenchRoom, benchEnvelope, buildBenchRoom } from './lib/bench-room.ts';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const MEMBERS = 20;
const POOL_SIZE = 2;
const RANGE = 1024;
const RAW_PROTOCOL = '/parley-bench/raw/1.0.0';

/** The corpus: envelope frames, cached as [u32 length][frame]... in os.tmpdir(). */
const corpus = (room: BenchRoom, n: number): Uint8Array[] => {
  const file = join(tmpdir(), `parley-bench-late-join-v1-m${MEMBERS}-n${n}.bin`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const out: Uint8Array[] = [];
    let o = 0;
    while (o < buf.length) {
      const len = buf.readUInt32LE(o);
      out.push(new Uint8Array(buf.buffer, buf.byteOffset + o + 4, len));
      o += 4 + len;
    }
    if (out.length === n) return out;
  }
  const frames: Uint8Array[] = [];
  const seqs = new Array<number>(MEMBERS).fill(0);
  for (let i = 0; i < n; i++) {
    const m = i % MEMBERS;
    seqs[m] = (seqs[m] as number) + 1;
    frames.push(benchEnvelope(room, m, seqs[m] as number, i + 1, `message ${i} from member ${m}: the quick brown fox jumps over the lazy dog`));
  }
  const total = frames.reduce((s, f) => s + 4 + f.length, 0);
  const buf = Buffer.alloc(total);
  let o = 0;
  for (const f of frames) {
    buf.writeUInt32LE(f.length, o);
    buf.set(f, o + 4);
    o += 4 + f.length;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, buf);
  renameSync(tmp, file);
  return frames;
};

const storeSource = (store: MemoryStore): SyncSource => ({
  authority: async (room) => (await store.authority(room)).map((o) => o.bytes),
  have: (room, channel) => store.haveVector(room, channel),
  range: async (room, channel, device, from, to) => (await store.bySeq(room, channel, device, from, to)).map((o) => o.bytes),
});

const node = (opts: Parameters<typeof createParleyNode>[0] = {}): Promise<ParleyNode> =>
  createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client', ...opts });

/** The joiner's whole sync; returns the number of envelopes stored. */
const lateJoin = async (client: ParleyNode, server: string, room: BenchRoom, pool: VerifyPool): Promise<{ stored: number; requests: number }> => {
  const roomId = room.state.roomId;
  const store = new MemoryStore();
  const entries = (await client.getAuthority(server, roomId)).map((f) => openEntry(f, nodeCrypto));
  const state = replayAuthority(entries, nodeCrypto);
  await store.put(entries.map((e) => storedFromSigned(e, Date.now())));
  const have = await client.have(server, roomId, room.channel);
  const requests: { device: Uint8Array; from: number; to: number }[] = [];
  for (const [hex, top] of Object.entries(have)) {
    const device = fromHex(hex);
    for (let from = 1; from <= top; from += RANGE) requests.push({ device, from, to: Math.min(top, from + RANGE - 1) });
  }
  let stored = 0;
  const ingest = async (frames: Uint8Array[]): Promise<void> => {
    const decoded = frames.map((f) => decodeUnverified(envelopeCodec, f, nodeCrypto));
    const ok = await pool.verifyMany(decoded.map((d) => d.check));
    const now = Date.now();
    const objects: StoredObject[] = decoded.map((d, i) => {
      if (!ok[i]) throw new SignatureError('envelope.signature');
      validateEnvelope(d.signed, state);
      return storedFromSigned(d.signed, now);
    });
    const added = await store.put(objects);
    stored += added;
  };
  await Promise.all(requests.map(async (r) => ingest(await client.getRange(server, roomId, room.channel, r.device, r.from, r.to))));
  await store.close();
  return { stored, requests: requests.length };
};

/** Floor part 1: the same frame bytes over one libp2p stream between the same two nodes. */
const rawTransfer = async (client: ParleyNode, server: string, expected: number): Promise<number> => {
  const t = performance.now();
  const peer = client.libp2p.getConnections().find((c) => c.remotePeer.toString() === server)?.remotePeer;
  if (peer === undefined) throw new Error('raw transfer: not connected to the server');
  const stream = await client.libp2p.dialProtocol(peer, RAW_PROTOCOL);
  let got = 0;
  for await (const chunk of stream) got += chunk.byteLength;
  const ms = performance.now() - t;
  if (got !== expected) throw new Error(`raw transfer: ${got} of ${expected} bytes`);
  return ms;
};

/** Floor part 2: Ed25519 verification of the same signatures, inline, inputs pre-parsed. */
const rawVerify = (checks: SignatureCheck[]): number => {
  const t = performance.now();
  for (const c of checks) if (!nodeCrypto.ed25519Verify(c.publicKey, c.message, c.signature)) throw new Error('baseline: bad signature');
  return performance.now() - t;
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 2000 : 100_000;
  const runs = opts.smoke ? 1 : 3;
  const room = buildBenchRoom(`late-join-m${MEMBERS}`, MEMBERS);
  const t0 = performance.now();
  const frames = corpus(room, n);
  const corpusMs = performance.now() - t0;

  // The serving node: a MemoryStore with the room's authority log and every envelope.
  const serverStore = new MemoryStore();
  await serverStore.put(room.entries.map((e) => storedFromSigned(e, 0)));
  for (let i = 0; i < frames.length; i += 5000)
    await serverStore.put(frames.slice(i, i + 5000).map((f) => storedFromSigned(decodeUnverified(envelopeCodec, f, nodeCrypto).signed, 0)));
  const allBytes = [...room.entries.map((e) => e.bytes), ...frames];
  const totalBytes = allBytes.reduce((s, f) => s + f.length, 0);
  const checks: SignatureCheck[] = frames.map((f) => {
    const p = parseFrame(f);
    return { publicKey: decodeUnverified(envelopeCodec, f, nodeCrypto).check.publicKey, message: signingInput('ENVELOPE', p.payload), signature: p.signature };
  });

  const server = await node({ sync: { source: storeSource(serverStore) } });
  await server.start();
  await server.libp2p.handle(RAW_PROTOCOL, async (stream) => {
    try {
      const CHUNK = 64 * 1024;
      let buf = new Uint8Array(CHUNK);
      let fill = 0;
      const flush = async (): Promise<void> => {
        if (fill === 0) return;
        if (!stream.send(buf.subarray(0, fill))) await stream.onDrain();
        buf = new Uint8Array(CHUNK);
        fill = 0;
      };
      for (const f of allBytes) {
        if (fill + f.length > CHUNK) await flush();
        buf.set(f, fill);
        fill += f.length;
      }
      await flush();
      await stream.close();
    } catch (e) {
      stream.abort(e as Error);
    }
  });
  const serverId = server.peerId;
  const sync: number[] = [];
  const floor: number[] = [];
  const transfer: number[] = [];
  const verify: number[] = [];
  const detailRuns: Record<string, number>[] = [];
  try {
    for (let r = 0; r <= runs; r++) {
      // A fresh joiner per run (run 0 is a warm-up: JIT, worker start).
      const client = await node();
      await client.start();
      const pool = new VerifyPool(spawnNodeWorker, { size: POOL_SIZE, maxBatch: 256, maxQueue: n + 1000 });
      try {
        await client.dial(server.multiaddrs()[0] as string);
        await pool.verifyMany(checks.slice(0, 64));
        let t = performance.now();
        const res = await lateJoin(client, serverId, room, pool);
        const syncMs = performance.now() - t;
        if (res.stored !== n) throw new Error(`late join stored ${res.stored} of ${n} envelopes`);
        const transferMs = await rawTransfer(client, serverId, totalBytes);
        t = performance.now();
        const verifyMs = rawVerify(checks);
        if (r === 0) continue;
        sync.push(syncMs / 1000);
        transfer.push(transferMs / 1000);
        verify.push(verifyMs / 1000);
        floor.push((transferMs + verifyMs) / 1000);
        detailRuns.push({ sync_s: syncMs / 1000, transfer_s: transferMs / 1000, verify_s: verifyMs / 1000, get_range_requests: res.requests });
      } finally {
        await pool.close();
        await client.stop();
      }
    }
  } finally {
    await server.stop();
    await serverStore.close();
  }
  const value = median(sync);
  return makeResult({
    name: 'late-join',
    value,
    unit: 's to full verified sync',
    baseline: 'floor: raw transfer of the same bytes over one libp2p stream + inline Ed25519 verify of the same signatures',
    baseline_value: median(floor),
    target: 'ratio <= 2',
    checks: { '< 10 s': value < 10 },
    details: {
      messages: n,
      members: MEMBERS,
      frame_bytes_total: totalBytes,
      runs,
      pool_workers: POOL_SIZE,
      range_seqs: RANGE,
      corpus_ms: Math.round(corpusMs),
      median_transfer_s: median(transfer),
      median_verify_s: median(verify),
      median_objects_per_s: Math.round(n / value),
      per_run: detailRuns,
    },
  });
}
