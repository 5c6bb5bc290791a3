/**
 * Pushing to the hubs a room pins (its policy's `hubs`): when this client is connected to one, it
 * offers the room's authority log once per connection (so a hub learns a room that pins it even if
 * it was offline then), and its pending outbox entries for the room, over the sync protocol's PUT.
 * A hub answers with the ids it stored durably; each is acknowledged in the outbox by that hub. In
 * a `guaranteed` channel an envelope's outbox entry names the pinned hubs as its targets, so only
 * such an acknowledgement completes it; `strict` channels' envelopes are never offered to hubs.
 */
import type { ParleyNode } from '@parley/net';
import { toHex } from '@parley/protocol';
import type { ObjectStore, StoredObject } from '@parley/store';
import type { RoomSession } from './room-session.ts';

export type Durability = 'strict' | 'replicated' | 'guaranteed';

export const channelDurability = (s: RoomSession, channel: Uint8Array): Durability => {
  const st = s.state;
  return st.channelAt(channel, st.length - 1)?.durability ?? st.policy().durability;
};

/** Pinned hubs of the room (peer ids), when the room is ready. */
export const pinnedHubs = (s: RoomSession): readonly string[] => (s.ready ? s.state.policy().hubs : []);

export interface HubPushState {
  /** `${room hex}/${hub}`: the authority log was offered on the current connection. */
  readonly logPushed: Set<string>;
}

/** Frames per PUT (the sync protocol's per-message frame limit). */
const CHUNK = 256;

const ORDER: Record<string, number> = { AUTHORITY_ENTRY: 0, EPOCH_BUNDLE: 1, KEY_SHARE: 2, ENVELOPE: 3 };

/** One pass over the rooms: returns how many objects hubs acknowledged. */
export const pushToHubs = async (
  node: ParleyNode,
  store: ObjectStore,
  sessions: readonly RoomSession[],
  st: HubPushState,
  onAck: (room: Uint8Array, id: Uint8Array, hub: string) => void,
): Promise<number> => {
  const connected = new Set(node.libp2p.getPeers().map((p) => p.toString()));
  for (const key of [...st.logPushed]) if (!connected.has(key.slice(key.indexOf('/') + 1))) st.logPushed.delete(key);
  let acked = 0;
  let pending: StoredObject[] | undefined;
  for (const s of sessions) {
    const hubs = pinnedHubs(s).filter((h) => connected.has(h));
    if (hubs.length === 0) continue;
    pending ??= (await store.pending()).map((e) => e.object);
    const mine = pending
      .filter((o) => toHex(o.room) === s.hex && !(o.type === 'ENVELOPE' && o.channel !== undefined && channelDurability(s, o.channel) === 'strict'))
      .sort((a, b) => (ORDER[a.type] ?? 9) - (ORDER[b.type] ?? 9));
    for (const hub of hubs) {
      const key = `${s.hex}/${hub}`;
      let frames = mine.map((o) => o.bytes);
      if (!st.logPushed.has(key)) {
        const log = [...(await store.authority(s.id)), ...(await store.byType(s.id, 'EPOCH_BUNDLE')), ...(await store.byType(s.id, 'KEY_SHARE'))];
        const inLog = new Set(log.map((o) => toHex(o.id)));
        frames = [...log.map((o) => o.bytes), ...mine.filter((o) => !inLog.has(toHex(o.id))).map((o) => o.bytes)];
      }
      if (frames.length === 0) continue;
      const pendingIds = new Set(mine.map((o) => toHex(o.id)));
      // One PUT per chunk, acknowledged as it comes back: a refusal later (rate, quota) keeps
      // what the hub already stored, and the next pass offers only the rest.
      for (let i = 0; i < frames.length; i += CHUNK) {
        let r: Awaited<ReturnType<ParleyNode['put']>>;
        try {
          r = await node.put(hub, s.id, frames.slice(i, i + CHUNK));
        } catch {
          break; // the hub refused or is unreachable: the next pass offers again
        }
        if (i + CHUNK >= frames.length) st.logPushed.add(key);
        for (const id of r.stored) {
          if (!pendingIds.has(toHex(id))) continue;
          await store.ack(id, hub);
          onAck(s.id, id, hub);
          acked++;
        }
      }
    }
  }
  return acked;
};
