/**
 * PUT on the hub (`SyncSink`): a member offers frames of a room; the hub verifies and stores them and
 * answers with the ids it now durably holds. Envelopes go in batches (signatures verified together
 * in the worker pool, authorized against the room, one transaction for the batch); authority
 * entries, epoch bundles and key shares go through the ingest path one by one, in the order given
 * (members send authority first). A room the hub does not serve is taken on only when the frames
 * carry its authority log and the log's policy pins this hub. STORED is written by net after the
 * promise here resolves, i.e. after the commit: that is the `guaranteed` acknowledgement.
 */
import type { Ingest, RoomSession } from '@parley/client';
import type { PutOutcome, PutRefusal } from '@parley/net';
import {
  decodeUnverified,
  type Envelope,
  envelopeCodec,
  isProtocolError,
  openEntry,
  parseFrame,
  replayAuthority,
  type Signed,
  toHex,
  UnknownReferenceError,
  validateDirectEnvelope,
  validateEnvelope,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type ObjectStore, type StoredObject, storedFromSigned } from '@parley/store';
import type { VerifyPool } from '@parley/verify';
import type { RejectReason } from './ports.ts';

export interface SinkDeps {
  readonly peerId: () => string;
  readonly session: (roomHex: string) => RoomSession | undefined;
  /** Serve a room whose policy pins this hub (persisted), returning its session. */
  readonly adopt: (room: Uint8Array) => Promise<RoomSession | undefined>;
  readonly ingest: Ingest;
  readonly pool: VerifyPool;
  /** The gated store (size, strict, quota). */
  readonly store: ObjectStore;
  /** Refusals the gate recorded by object id hex (read and cleared per batch). */
  readonly refusals: Map<string, RejectReason>;
  readonly allow: (peer: string, frames: number) => boolean;
  readonly maxObjectBytes: number;
  readonly now: () => number;
  /** Refusals decided here (the gate counts its own). */
  readonly onRefused: (peer: string, reason: PutRefusal, n: number) => void;
}

const asRefusal = (r: RejectReason): PutRefusal => (r === 'busy' || r === 'internal' ? 'invalid' : r);

/** Whether these frames carry an authority log whose policy pins `peerId`. */
const pinsMe = (room: Uint8Array, frames: readonly Uint8Array[], peerId: string): boolean => {
  const entries = [];
  for (const f of frames) {
    try {
      if (parseFrame(f).type === 'AUTHORITY_ENTRY') entries.push(openEntry(f, nodeCrypto));
    } catch {
      // not an entry, or a bad one: the ingest path judges it later
    }
  }
  if (entries.length === 0) return false;
  const state = replayAuthority(entries, nodeCrypto, room);
  return state.length > 0 && state.isValid(0) && state.policy().hubs.includes(peerId);
};

export const hubSink = (d: SinkDeps) => ({
  async put(peer: string, room: Uint8Array, frames: readonly Uint8Array[]): Promise<PutOutcome> {
    if (!d.allow(peer, frames.length)) return { error: 'rate' };
    let s = d.session(toHex(room));
    if (s === undefined) {
      if (!pinsMe(room, frames, d.peerId())) return { error: 'not-served' };
      s = await d.adopt(room);
      if (s === undefined) return { error: 'not-served' };
    }
    const stored: Uint8Array[] = [];
    const refused: { id: Uint8Array; reason: PutRefusal }[] = [];
    const envelopes: Uint8Array[] = [];
    for (const f of frames) {
      if (f.length > d.maxObjectBytes) {
        const id = nodeCrypto.sha256(f);
        refused.push({ id, reason: 'too-large' });
        d.onRefused(peer, 'too-large', 1);
        continue;
      }
      let type: string;
      try {
        type = parseFrame(f).type;
      } catch {
        refused.push({ id: nodeCrypto.sha256(f), reason: 'invalid' });
        d.onRefused(peer, 'invalid', 1);
        continue;
      }
      if (type === 'ENVELOPE') {
        envelopes.push(f);
        continue;
      }
      const id = nodeCrypto.sha256(f);
      const v = await d.ingest.frame(f, peer, { room });
      const why = d.refusals.get(toHex(id));
      d.refusals.delete(toHex(id));
      if (why !== undefined) refused.push({ id, reason: asRefusal(why) });
      else if (v === 'accept') stored.push(id);
      else if (v === 'reject') {
        refused.push({ id, reason: 'invalid' });
        d.onRefused(peer, 'invalid', 1);
      }
      // 'ignore': waiting for authority it references; not stored yet, the member offers it again
    }
    if (envelopes.length > 0) await putEnvelopes(d, s, peer, envelopes, stored, refused);
    return { stored, refused };
  },
});

/** Envelopes: batch-verify, authorize, one transaction. */
const putEnvelopes = async (
  d: SinkDeps,
  s: RoomSession,
  peer: string,
  frames: readonly Uint8Array[],
  stored: Uint8Array[],
  refused: { id: Uint8Array; reason: PutRefusal }[],
): Promise<void> => {
  const decoded: { signed: Signed<Envelope>; check: Parameters<VerifyPool['verify']>[0] }[] = [];
  let invalid = 0;
  for (const f of frames) {
    try {
      decoded.push(decodeUnverified(envelopeCodec, f, nodeCrypto));
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      refused.push({ id: nodeCrypto.sha256(f), reason: 'invalid' });
      invalid++;
    }
  }
  const ok = await d.pool.verifyMany(decoded.map((x) => x.check));
  const batch: StoredObject[] = [];
  const now = d.now();
  for (const [i, x] of decoded.entries()) {
    if (ok[i] !== true) {
      refused.push({ id: x.signed.id, reason: 'invalid' });
      invalid++;
      continue;
    }
    try {
      // A direct envelope (PROTOCOL 13.4) is judged by its own rules, then stored like any envelope.
      if (x.signed.body.peer !== undefined) validateDirectEnvelope(x.signed, s.state, nodeCrypto);
      else validateEnvelope(x.signed, s.state);
    } catch (e) {
      if (e instanceof UnknownReferenceError) continue; // offered again once the hub has the entry
      if (!isProtocolError(e)) throw e;
      refused.push({ id: x.signed.id, reason: 'invalid' });
      invalid++;
      continue;
    }
    batch.push(storedFromSigned(x.signed, now));
  }
  if (invalid > 0) d.onRefused(peer, 'invalid', invalid);
  if (batch.length === 0) return;
  await d.store.put(batch);
  for (const o of batch) {
    const hex = toHex(o.id);
    const why = d.refusals.get(hex);
    d.refusals.delete(hex);
    if (why !== undefined) refused.push({ id: o.id, reason: asRefusal(why) });
    else {
      stored.push(o.id);
      s.known.add(hex);
    }
  }
};
