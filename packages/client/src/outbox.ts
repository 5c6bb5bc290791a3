/**
 * Re-offering the durable outbox: entries that are due are published again on their topic and
 * rescheduled with backoff. Acknowledgement is not decided here: catch-up acks an entry when a peer's
 * have-vector covers it or the peer serves it (catch-up.ts), since gossip never echoes a frame to
 * its author.
 */
import type { ParleyNode } from '@parley/net';
import { type RandomSource, toHex } from '@parley/protocol';
import { type ObjectStore, retryDelay } from '@parley/store';
import type { RoomSession } from './room-session.ts';

export const reoffer = async (
  store: ObjectStore,
  node: ParleyNode,
  session: (roomHex: string) => RoomSession | undefined,
  at: number,
  random: RandomSource,
): Promise<number> => {
  let n = 0;
  for (const e of await store.pending({ dueAt: at })) {
    const o = e.object;
    const s = session(toHex(o.room));
    if (s === undefined) continue;
    const topic = o.type === 'ENVELOPE' && o.channel !== undefined ? node.joinChannel(s.id, o.channel) : node.joinRoom(s.id);
    await node.publish(topic, o.bytes).catch(() => 0);
    await store.attempted(o.id, at, at + retryDelay(e.attempts + 1, (random(1)[0] as number) / 256));
    n++;
  }
  return n;
};
