/**
 * Gossip topic names. Per room one authority topic, and one topic per channel:
 *
 *   /parley/room/<64 hex room id>/authority
 *   /parley/room/<64 hex room id>/ch/<32 hex channel id>
 *   /parley/room/<64 hex room id>/typing        (ephemeral typing signals, never frames; PROTOCOL 5.7)
 *   /parley/room/<64 hex room id>/status        (ephemeral status signals, never frames; PROTOCOL 5.8)
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

const TYPING = /^\/parley\/room\/([0-9a-f]{64})\/typing$/;

/** The room's typing topic: members' devices publish signed TYPING signals on it; hubs relay them, storing none. */
export const typingTopic = (room: Uint8Array): string => `/parley/room/${id32(room, 'room')}/typing`;

/** The room of a typing topic; undefined for any other topic. */
export const parseTypingTopic = (topic: string): Uint8Array | undefined => {
  const m = TYPING.exec(topic);
  return m === null ? undefined : fromHex(m[1] as string);
};

const STATUS = /^\/parley\/room\/([0-9a-f]{64})\/status$/;

/** The room's status topic: members' devices publish signed STATUS signals on it; hubs relay them, storing none. */
export const statusTopic = (room: Uint8Array): string => `/parley/room/${id32(room, 'room')}/status`;

/** The room of a status topic; undefined for any other topic. */
export const parseStatusTopic = (topic: string): Uint8Array | undefined => {
  const m = STATUS.exec(topic);
  return m === null ? undefined : fromHex(m[1] as string);
};

/** Parses a Parley topic name (authority or channel); undefined for anything else (typing topics, other applications' topics, typos). */
export const parseTopic = (topic: string): ParsedTopic | undefined => {
  const m = TOPIC.exec(topic);
  if (m === null) return undefined;
  const room = fromHex(m[1] as string);
  return m[2] === undefined ? { room } : { room, channel: fromHex(m[2]) };
};
