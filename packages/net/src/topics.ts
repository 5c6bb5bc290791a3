/**
 * Gossip topic names. Per room one authority topic, and one topic per channel:
 *
 *   /parley/room/<64 hex room id>/authority
 *   /parley/room/<64 hex room id>/ch/<32 hex channel id>
 *
 * Authority entries travel on their own topic so that a peer can follow a room's rules without
 * reading (or being allowed to read) any channel.
 */
import { fromHex, InvalidFieldError, toHex } from '@parley/protocol';

const TOPIC = /^\/parley\/room\/([0-9a-f]{64})\/(?:authority|ch\/([0-9a-f]{32}))$/;

const idHex = (b: Uint8Array, len: number, field: string): string => {
  if (!(b instanceof Uint8Array) || b.length !== len) throw new InvalidFieldError(field, `expected ${len} bytes`);
  return toHex(b);
};
const id32 = (b: Uint8Array, field: string): string => idHex(b, 32, field);

export const authorityTopic = (room: Uint8Array): string => `/parley/room/${id32(room, 'room')}/authority`;

export const channelTopic = (room: Uint8Array, channel: Uint8Array): string => `/parley/room/${id32(room, 'room')}/ch/${idHex(channel, 16, 'channel')}`;

export interface ParsedTopic {
  readonly room: Uint8Array;
  /** Absent for the authority topic. */
  readonly channel?: Uint8Array;
}

/** Parses a Parley topic name; undefined for anything else (other applications' topics, typos). */
export const parseTopic = (topic: string): ParsedTopic | undefined => {
  const m = TOPIC.exec(topic);
  if (m === null) return undefined;
  const room = fromHex(m[1] as string);
  return m[2] === undefined ? { room } : { room, channel: fromHex(m[2]) };
};
