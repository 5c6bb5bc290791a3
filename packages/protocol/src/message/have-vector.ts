/**
 * Have-vectors: "what do I hold" as {device hex: highest seq n such that seqs 1..n are all held},
 * one per channel. Every device numbers its own envelopes per channel, so two vectors tell two peers
 * exactly which ranges to ask each other for. Pure.
 */
import { compare, fromHex, toHex } from '../bytes.ts';
import type { Envelope } from './envelope.ts';

/** device key (lowercase hex) -> highest contiguous seq from 1. Devices with nothing contiguous are absent. */
export type HaveVector = Record<string, number>;

/** A range of one device's stream that a peer lacks (inclusive). */
export interface SeqRange {
  readonly device: Uint8Array;
  readonly from: number;
  readonly to: number;
}

type Slot = Pick<Envelope, 'device' | 'channel' | 'seq'>;

const contiguous = (seqs: Set<number>): number => {
  let n = 0;
  while (seqs.has(n + 1)) n++;
  return n;
};

/** Have-vectors of every channel present: channel id hex -> vector. */
export const haveVectors = (envelopes: Iterable<Slot>): Record<string, HaveVector> => {
  const streams = new Map<string, Map<string, Set<number>>>();
  for (const e of envelopes) {
    const c = toHex(e.channel);
    let byDevice = streams.get(c);
    if (byDevice === undefined) streams.set(c, (byDevice = new Map()));
    const d = toHex(e.device);
    let seqs = byDevice.get(d);
    if (seqs === undefined) byDevice.set(d, (seqs = new Set()));
    seqs.add(e.seq);
  }
  const out: Record<string, HaveVector> = {};
  for (const c of [...streams.keys()].sort()) {
    const vec: HaveVector = {};
    const byDevice = streams.get(c) as Map<string, Set<number>>;
    for (const d of [...byDevice.keys()].sort()) {
      const n = contiguous(byDevice.get(d) as Set<number>);
      if (n > 0) vec[d] = n;
    }
    out[c] = vec;
  }
  return out;
};

/** The have-vector of one channel. */
export const haveVector = (envelopes: Iterable<Slot>, channel: Uint8Array): HaveVector => haveVectors(envelopes)[toHex(channel)] ?? {};

/**
 * What `local` lacks that `remote` has: per device, seqs local+1..remote, sorted by device key.
 * (What the remote lacks is `lacking(remote, local)`.) Malformed entries in `remote` (not hex keys,
 * not positive safe integers) are skipped: a vector comes off the wire.
 */
export const lacking = (local: HaveVector, remote: HaveVector): SeqRange[] => {
  const out: SeqRange[] = [];
  for (const [d, to] of Object.entries(remote)) {
    if (!/^[0-9a-f]{64}$/.test(d) || !Number.isSafeInteger(to) || to < 1) continue;
    const have = Object.hasOwn(local, d) ? (local[d] as number) : 0;
    if (to > have) out.push({ device: fromHex(d), from: have + 1, to });
  }
  return out.sort((x, y) => compare(x.device, y.device));
};
