/**
 * Envelope ingest: envelopes/s through the whole path a peer runs on bytes off the wire (frame
 * parse, canonical decode, field validation, Ed25519 verify, authorization against the replayed
 * room: device certificate, SEND in the channel at the envelope's authority position, epoch,
 * cut-offs), against raw Ed25519 verification of the same signatures over the same signing inputs,
 * measured in the same run with the same crypto port. Target: ratio >= 0.7.
 */
import {
  certifyDevice,
  createEnvelope,
  createGenesis,
  deviceKeys,
  nextEntry,
  openEnvelope,
  parseFrame,
  type RoomState,
  replayAuthority,
  signingInput,
  verifyEnvelope,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const seed = (label: string): Uint8Array => nodeCrypto.sha256(new TextEncoder().encode(label));

export const buildRoom = (members: number, messages: number): { state: RoomState; frames: Uint8Array[] } => {
  const people = Array.from({ length: members }, (_, i) => {
    const account = { secret: seed(`ingest-account-${i}`), publicKey: nodeCrypto.ed25519PublicKey(seed(`ingest-account-${i}`)) };
    const device = deviceKeys(seed(`ingest-device-${i}`), seed(`ingest-box-${i}`), nodeCrypto);
    const cert = certifyDevice(account, device, 1_750_000_000_000, nodeCrypto);
    return { account, device, cert, author: { account: account.publicKey, signer: device.sign, cert } };
  });
  const owner = people[0] as (typeof people)[number];
  const entries = [createGenesis({ author: owner.author, name: 'ingest', nonce: new Uint8Array(16), time: 1 }, nodeCrypto)];
  let state = replayAuthority(entries, nodeCrypto);
  const add = (who: (typeof people)[number], action: Parameters<typeof nextEntry>[2]): void => {
    entries.push(nextEntry(state, who.author, action, entries.length + 1, nodeCrypto));
    state = replayAuthority(entries, nodeCrypto);
  };
  add(owner, { kind: 'set_policy', policy: { join: 'open', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] } });
  const channel = new Uint8Array(16).fill(9);
  add(owner, { kind: 'create_channel', channel, name: 'general', channelKind: 'text', topic: '' });
  for (const p of people.slice(1)) add(p, { kind: 'join', cert: p.cert.bytes });
  const heads = state.heads();
  const epochKey = seed('ingest-epoch-key');
  const seqs = new Array<number>(members).fill(0);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < messages; i++) {
    const m = i % members;
    const who = people[m] as (typeof people)[number];
    seqs[m] = (seqs[m] as number) + 1;
    const env = createEnvelope(
      {
        account: who.account.publicKey,
        room: state.roomId,
        channel,
        seq: seqs[m] as number,
        lamport: i + 1,
        heads,
        epoch: 0,
        content: { text: `message ${i} from member ${m}: hello there` },
      },
      who.device.sign,
      epochKey,
      seed(`nonce-${i}`).subarray(0, 24),
      nodeCrypto,
    );
    frames.push(env.bytes);
  }
  return { state, frames };
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.smoke ? 200 : 5000;
  const runs = opts.smoke ? 3 : 7;
  const { state, frames } = buildRoom(opts.smoke ? 5 : 50, n);
  // The baseline gets its inputs pre-parsed: it measures nothing but the signature check.
  const raw = frames.map((f) => {
    const p = parseFrame(f);
    const signer = openEnvelope(f, nodeCrypto).body.device;
    return { input: signingInput('ENVELOPE', p.payload), signature: p.signature, signer };
  });
  for (const r of raw)
    if (!nodeCrypto.ed25519Verify(r.signer, r.input, r.signature)) throw new Error('baseline: could not locate the signer key in the payload');
  for (const f of frames) verifyEnvelope(f, state, nodeCrypto); // warm-up, and every frame must pass
  const ingest: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < runs; r++) {
    // Interleaved so that load changes on this shared machine hit both sides alike.
    let t = performance.now();
    for (const x of raw) nodeCrypto.ed25519Verify(x.signer, x.input, x.signature);
    baseline.push((n / (performance.now() - t)) * 1000);
    t = performance.now();
    for (const f of frames) verifyEnvelope(f, state, nodeCrypto);
    ingest.push((n / (performance.now() - t)) * 1000);
  }
  return makeResult({
    name: 'ingest',
    value: median(ingest),
    unit: 'envelopes/s',
    baseline: `raw Ed25519 verify (${nodeCrypto.name}) of the same signatures`,
    baseline_value: median(baseline),
    target: 'ratio >= 0.7',
    details: { envelopes: n, frame_bytes: frames[0]?.length, runs, ingest_runs: ingest.map(Math.round), baseline_runs: baseline.map(Math.round) },
  });
}
