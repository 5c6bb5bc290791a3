/**
 * Re-offering the durable outbox: entries that are due are published again on their topic and
 * rescheduled with backoff. Acknowledgement is not decided here: catch-up acks an entry when a peer's
 * have-vector covers it or the peer serves it (catch-up.ts), since gossip never echoes a frame to
 * its author.
 */
import { channelTopic, type ParleyNode } from '@parley/net';
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
    // Another account's inbox (a direct message sent from here: not a channel of the room, not this
    // account's own inbox) is published to, never subscribed to.
    const elsewhere =
      o.channel !== undefined && s.ready && s.state.channelAt(o.channel, s.state.length - 1) === undefined && s.inboxes.get(toHex(o.channel))?.fetch !== true;
    const topic =
      o.type === 'ENVELOPE' && o.channel !== undefined ? (elsewhere ? channelTopic(s.id, o.channel) : node.joinChannel(s.id, o.channel)) : node.joinRoom(s.id);
    await node.publish(topic, o.bytes).catch(() => 0);
    await store.attempted(o.id, at, at + retryDelay(e.attempts + 1, (random(1)[0] as number) / 256));
    n++;
  }
  return n;
};
