/**
 * Who forwards a call's audio when it outgrows the mesh: a pure function of the participants'
 * announcements, so every client that holds the same announcements elects the same forwarder,
 * whatever order they arrived in, and elects again (the next in line) when it leaves.
 *
 * Order: capacity class (floor(log2(upload / 256 kbit/s)), so small swings between two announcements
 * do not reshuffle the line), then the earliest online-since (`time - uptime`, the same in every
 * announcement of one session), then the lowest device key. Devices announcing less than
 * MIN_FORWARDER_KBPS are never elected; with none eligible there is no forwarder.
 */
import { compare, toHex } from '../bytes.ts';

export interface ForwarderCandidate {
  readonly device: Uint8Array;
  readonly uploadKbps: number;
  readonly uptimeMs: number;
  /** The announcement's time (ms). */
  readonly time: number;
}

export const MIN_FORWARDER_KBPS = 256;
/** Default number of participants a call carries as a full mesh; above it, a forwarder relays. */
export const DEFAULT_VOICE_MESH_LIMIT = 8;

export const capacityClass = (kbps: number): number => (kbps < MIN_FORWARDER_KBPS ? -1 : Math.floor(Math.log2(kbps / MIN_FORWARDER_KBPS)));

const onlineSince = (c: ForwarderCandidate): number => c.time - c.uptimeMs;

/** Negative when `a` ranks ahead of `b` (a total order on distinct devices). */
export const compareCandidates = (a: ForwarderCandidate, b: ForwarderCandidate): number => {
  const ca = capacityClass(a.uploadKbps);
  const cb = capacityClass(b.uploadKbps);
  if (ca !== cb) return cb - ca;
  const sa = onlineSince(a);
  const sb = onlineSince(b);
  if (sa !== sb) return sa - sb;
  return compare(a.device, b.device);
};

/** The candidates in line order (one per device: the latest announcement of each), ineligible ones left out. */
export const forwarderLine = (candidates: readonly ForwarderCandidate[]): ForwarderCandidate[] => {
  const latest = new Map<string, ForwarderCandidate>();
  for (const c of candidates) {
    const k = toHex(c.device);
    const cur = latest.get(k);
    if (cur === undefined || c.time > cur.time || (c.time === cur.time && compareCandidates(c, cur) < 0)) latest.set(k, c);
  }
  return [...latest.values()].filter((c) => capacityClass(c.uploadKbps) >= 0).sort(compareCandidates);
};

/** The elected forwarder's device key, or undefined when nobody is eligible. */
export const electForwarder = (candidates: readonly ForwarderCandidate[]): Uint8Array | undefined => forwarderLine(candidates)[0]?.device;

/** 'mesh' up to `meshLimit` participants, 'forward' above. */
export const voiceTopology = (participants: number, meshLimit: number = DEFAULT_VOICE_MESH_LIMIT): 'mesh' | 'forward' =>
  participants <= meshLimit ? 'mesh' : 'forward';
