'use client';
/** What the room screen shows, re-read from the client whenever it reports an event. */
import type { ParleyClient } from '@parley/client';
import { CAP, type ChannelInfo, fromHex, type HistoryMessage, type MemberInfo, toHex } from '@parley/protocol';
import { useEffect, useRef, useState } from 'react';
import { listedChannels } from './channel-access.ts';
import { isBanned } from './moderation.ts';
import { readMark } from './read-marks.ts';

export interface RoomView {
  /** Text channels. */
  readonly channels: readonly ChannelInfo[];
  readonly voiceChannels: readonly ChannelInfo[];
  readonly members: readonly MemberInfo[];
  /** The newest `limit` messages of the open channel, oldest first. */
  readonly messages: readonly HistoryMessage[];
  /** Whether older messages than these are stored (scrolling up pages them in). */
  readonly hasMore: boolean;
  /** Hex ids of this device's messages still in the outbox (no peer or hub holds them yet). */
  readonly queued: ReadonlySet<string>;
  /** Hex id -> when this device stored the message (ms): its send time for our own, arrival for others'. */
  readonly times: ReadonlyMap<string, number>;
  /** Hex ids of the other text channels holding something from someone else newer than their read mark. */
  readonly unread: ReadonlySet<string>;
  readonly canSend: boolean;
  /** Whether this person may create and rename channels (MANAGE_CHANNELS). */
  readonly canManageChannels: boolean;
  /** Whether this person started the room (and so cannot leave it). */
  readonly isCreator: boolean;
  /** Whether this person was banned from the room (the log holds a valid BAN of their account). */
  readonly banned: boolean;
  /** Whether this person may invite (INVITE): not once banned, kicked or while still pending. */
  readonly canInvite: boolean;
  /** Whether this person is muted here (reads, cannot send until unmuted). */
  readonly muted: boolean;
  /** Whether this person joined a room that approves newcomers and is still waiting. */
  readonly pending: boolean;
}

const EMPTY: RoomView = {
  channels: [],
  voiceChannels: [],
  members: [],
  messages: [],
  hasMore: false,
  queued: new Set(),
  times: new Map(),
  unread: new Set(),
  canSend: false,
  canManageChannels: false,
  isCreator: false,
  banned: false,
  canInvite: false,
  muted: false,
  pending: false,
};

const unreadChannels = async (
  client: ParleyClient,
  room: Uint8Array,
  roomHex: string,
  channels: readonly ChannelInfo[],
  open: ChannelInfo,
): Promise<Set<string>> => {
  const me = toHex(client.identity.account.publicKey);
  const out = new Set<string>();
  for (const c of channels) {
    const hex = toHex(c.id);
    if (c === open) continue;
    const [last] = await client.store.range(room, c.id, { limit: 1, order: 'desc' });
    if (last === undefined || last.account === undefined || toHex(last.account) === me) continue;
    if (last.receivedAt > (readMark(roomHex, hex) ?? 0)) out.add(hex);
  }
  return out;
};

export const useRoom = (
  client: ParleyClient | undefined,
  roomHex: string | undefined,
  channelHex: string | undefined,
  version: number,
  limit = 50,
): RoomView => {
  const [view, setView] = useState<RoomView>(EMPTY);
  const reading = useRef<Promise<void>>(Promise.resolve());
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger: the client changed, so read again
  useEffect(() => {
    if (client === undefined || roomHex === undefined) return;
    let live = true;
    const room = fromHex(roomHex);
    const read = async (): Promise<RoomView> => {
      if (!client.rooms().some((r) => toHex(r) === roomHex)) return EMPTY;
      const state = client.state(room);
      const me = client.identity.account.publicKey;
      // A private channel is listed only for those who may read it (and for those who manage channels).
      const all = listedChannels(state, me, client.channels(room));
      const channels = all.filter((c) => c.kind === 'text');
      const voiceChannels = all.filter((c) => c.kind === 'voice');
      const members = client.members(room);
      const rights = {
        canManageChannels: state.can(me, CAP.MANAGE_CHANNELS, undefined, state.length - 1),
        isCreator: toHex(state.creator) === toHex(me),
        banned: isBanned(state, me),
        canInvite: state.can(me, CAP.INVITE, undefined, state.length - 1),
        muted: members.some((m) => m.muted && toHex(m.account) === toHex(me)),
        pending: members.some((m) => m.pending && toHex(m.account) === toHex(me)),
      };
      const ch = channels.find((c) => toHex(c.id) === channelHex) ?? channels[0];
      if (ch === undefined) return { ...EMPTY, channels, voiceChannels, members, ...rights };
      // One more than shown: whether there is anything older to page in.
      const page = await client.history(room, ch.id, { limit: limit + 1 });
      const messages = page.length > limit ? page.slice(1) : page;
      const queued = new Set((await client.store.pending()).map((p) => toHex(p.object.id)));
      const stored = await client.store.range(room, ch.id, { limit: Math.max(1000, limit * 4), order: 'desc' });
      const times = new Map(stored.map((o) => [toHex(o.id), o.receivedAt] as const));
      const unread = await unreadChannels(client, room, roomHex, channels, ch);
      return {
        channels,
        voiceChannels,
        members,
        messages,
        hasMore: page.length > limit,
        queued,
        times,
        unread,
        canSend: client.canSend(room, ch.id),
        ...rights,
      };
    };
    // Reads take turns: a burst of events (history arriving) runs the read in flight and then the
    // latest one, not one read per event side by side.
    reading.current = reading.current
      .then(async () => {
        if (!live) return;
        const v = await read();
        if (live) setView(v);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, roomHex, channelHex, version, limit]);
  return view;
};
