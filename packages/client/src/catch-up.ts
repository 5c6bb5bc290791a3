/**
 * Catch-up with one peer over the sync protocol: the authority log (with bundles, shares and profiles) first,
 * then (unless only the log is asked for) every channel's have-vector from the peer against ours (so the number of messages to fetch
 * is known before the first is fetched), then GET_RANGE for what we lack, reporting progress as it
 * goes. Everything received goes through the ingest path. Outbox entries the peer is seen to hold
 * are acknowledged.
 */
import { type ParleyNode, SyncTimeoutError } from '@parley/net';
import { type HaveVector, lacking, toHex } from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import type { Ingest } from './ingest.ts';
import type { RoomSession } from './room-session.ts';

const MAX_RANGE = 1024;

export interface CatchUpResult {
  readonly frames: number;
  /** The peer serves this room. */
  readonly served: boolean;
}

/** Messages fetched from the peer so far out of those its have-vectors showed missing here. */
export interface CatchUpProgress {
  readonly done: number;
  readonly total: number;
}

export const catchUp = async (
  node: ParleyNode,
  store: ObjectStore,
  ingest: Ingest,
  s: RoomSession,
  peer: string,
  onProgress?: (p: CatchUpProgress) => void,
  o: { readonly authorityOnly?: boolean } = {},
): Promise<CatchUpResult> => {
  let frames = 0;
  let authority: Uint8Array[];
  try {
    authority = await node.getAuthority(peer, s.id);
  } catch {
    return { frames: 0, served: false };
  }
  const peerHolds = new Set<string>();
  const writes: Promise<void>[] = [];
  for (const f of authority) {
    frames++;
    // Writes go behind (grouped into few transactions where the store needs it); held before going on.
    const v = await ingest.frame(f, peer, { room: s.id, storeBehind: (w) => writes.push(w) });
    if (v === 'accept') peerHolds.add(toHex(node.crypto.sha256(f)));
  }
  await Promise.allSettled(writes.splice(0));
  const plan: { channel: Uint8Array; remote: HaveVector; ranges: ReturnType<typeof lacking> }[] = [];
  let total = 0;
  // A join needs only the log before its JOIN; the channels' history follows while keys arrive.
  // Direct-message inboxes (PROTOCOL 13.6): this account's own is fetched like a channel; one sent
  // to is only compared, so that the peer's have-vector acknowledges this device's outbox entries.
  const streams = s.ready && o.authorityOnly !== true ? [...s.state.channels().map((c) => ({ id: c.id, fetch: true })), ...s.inboxes.values()] : [];
  // A request that timed out ends this catch-up's asking: the peer is not answering (a dead
  // connection, an overloaded or hostile peer), and each further request would wait the whole sync
  // timeout again. What it sent is kept; the next catch-up asks again.
  let silent = false;
  for (const ch of streams) {
    let remote: HaveVector;
    try {
      remote = await node.have(peer, s.id, ch.id);
    } catch (e) {
      if (e instanceof SyncTimeoutError) {
        silent = true;
        break;
      }
      continue;
    }
    if (!ch.fetch) {
      await ackCovered(store, s, ch.id, remote, peer);
      continue;
    }
    const ranges = lacking(await store.haveVector(s.id, ch.id), remote);
    for (const r of ranges) total += r.to - r.from + 1;
    plan.push({ channel: ch.id, remote, ranges });
  }
  let done = 0;
  if (total > 0) onProgress?.({ done, total });
  for (const { channel, remote, ranges } of plan) {
    for (const r of ranges) {
      for (let from = r.from; from <= r.to && !silent; from += MAX_RANGE) {
        const to = Math.min(r.to, from + MAX_RANGE - 1);
        let got: Uint8Array[];
        try {
          got = await node.getRange(peer, s.id, channel, r.device, from, to);
        } catch (e) {
          if (e instanceof SyncTimeoutError) silent = true;
          break;
        }
        for (const f of got) {
          frames++;
          // Each envelope's write goes behind it: the database works while the next signature is checked.
          await ingest.frame(f, peer, { storeBehind: (w) => writes.push(w) });
        }
        // A range the peer answered short (it dropped some) still counts as done: nothing more will come of it.
        done += to - from + 1;
        onProgress?.({ done: Math.min(done, total), total });
      }
    }
    // Held before returning: whoever awaits a catch-up reads what it brought from the store.
    await Promise.allSettled(writes.splice(0));
    await ackCovered(store, s, channel, remote, peer);
  }
  if (total > 0 && done < total) onProgress?.({ done: total, total });
  if (peerHolds.size > 0) {
    for (const e of await store.pending()) {
      if (toHex(e.object.room) === s.hex && e.object.type !== 'ENVELOPE' && peerHolds.has(toHex(e.object.id))) await store.ack(e.object.id, peer);
    }
  }
  return { frames, served: true };
};

/** Acknowledges this room's pending envelopes in `channel` that the peer's have-vector covers. */
export const ackCovered = async (store: ObjectStore, s: RoomSession, channel: Uint8Array, remote: HaveVector, peer: string): Promise<void> => {
  const ch = toHex(channel);
  for (const e of await store.pending()) {
    const o = e.object;
    if (o.type !== 'ENVELOPE' || toHex(o.room) !== s.hex || o.channel === undefined || toHex(o.channel) !== ch) continue;
    if (o.device === undefined || o.seq === undefined) continue;
    if ((remote[toHex(o.device)] ?? 0) >= o.seq) await store.ack(o.id, peer);
  }
};
