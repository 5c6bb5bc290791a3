/**
 * The messages browser tabs of one origin exchange over the BroadcastChannel 'parley-tabs' (local to
 * this browser, not protocol: nothing here leaves the machine, and the values are structured clones,
 * not bytes on a wire). One tab leads the device (Web Lock, tab-lock.ts); the others follow it:
 *
 * - `relay` (leader -> followers): a frame its ingest did not reject, an ephemeral signal it accepted,
 *   or one of RELAYED_EVENTS (@parley/client follower.ts). Followers verify frames and signals again.
 * - `call` (follower -> leader): run `method` (one of TAB_METHODS) with `args` on the leader's client.
 * - `result` (leader -> follower): the call's value, or its error as {name, message, code}.
 * - `handover` (follower -> leader): the person pressed "Use Parley here": the leader steps down.
 * - `hello` (follower -> leader): a follower just started: the leader relays again the status
 *   signals it accepted lately (members' presence would otherwise wait for their next one, 30 s).
 *
 * Anything else on the channel (wrong shape, unknown kind or method) is refused by `decodeTabMessage`
 * with a TabMessageError and dropped.
 */
// Types only: this module is in the first chunk, the client code is not.
import type { Relayed, RelayedEventName } from '@parley/client';

export const TAB_CHANNEL = 'parley-tabs';

/** @parley/client's RELAYED_EVENTS (checked against its type). */
const TAB_EVENTS = ['progress', 'sync', 'connection', 'acked', 'dm'] as const satisfies readonly RelayedEventName[];

/** What a follower tab may ask its leader to do (ParleyClient methods that author, or reach the network). */
export const TAB_METHODS = [
  'send',
  'edit',
  'react',
  'delete',
  'typing',
  'setStatus',
  'deleteMessage',
  'pin',
  'createChannel',
  'renameChannel',
  'editChannel',
  'deleteChannel',
  'ban',
  'unban',
  'kick',
  'mute',
  'unmute',
  'grant',
  'revoke',
  'defineRole',
  'setChannelAcl',
  'setJoinMode',
  'setPolicy',
  'setFileRules',
  'setDiscovery',
  'setDurability',
  'setHistoryVisible',
  'pinHub',
  'unpinHub',
  'revokeInvite',
  'revokeDevice',
  'join',
  'createRoom',
  'leave',
  'sendDm',
  'sendFile',
  'fetchFile',
  'syncNow',
  'connectionPaths',
  'createInvite',
] as const;
export type TabMethod = (typeof TAB_METHODS)[number];

export interface TabError {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
}

export type TabMessage =
  | { readonly t: 'relay'; readonly r: Relayed }
  | { readonly t: 'call'; readonly id: string; readonly method: TabMethod; readonly args: readonly unknown[] }
  | { readonly t: 'result'; readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly t: 'result'; readonly id: string; readonly ok: false; readonly error: TabError }
  | { readonly t: 'handover' }
  | { readonly t: 'hello' };

export type TabMessageErrorCode = 'shape' | 'kind' | 'method' | 'field';

/** A message on the tabs' channel that is not one of TabMessage. */
export class TabMessageError extends Error {
  readonly code: TabMessageErrorCode;
  readonly field: string;
  constructor(code: TabMessageErrorCode, field: string) {
    super(`bad tab message (${code} at ${field})`);
    this.name = 'TabMessageError';
    this.code = code;
    this.field = field;
  }
}

const MAX_ID = 64;
const MAX_ARGS = 8;
const MAX_TEXT = 4_096;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bytes = (v: unknown, field: string): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new TabMessageError('field', field);
  return v;
};
const text = (v: unknown, field: string, max = MAX_TEXT): string => {
  if (typeof v !== 'string' || v.length > max) throw new TabMessageError('field', field);
  return v;
};
const id = (v: unknown, field: string): string => {
  const s = text(v, field, MAX_ID);
  if (s.length === 0) throw new TabMessageError('field', field);
  return s;
};

const relayed = (v: unknown): Relayed => {
  if (!isRecord(v)) throw new TabMessageError('shape', 'r');
  if (v.kind === 'frame') {
    const room = v.room === undefined ? undefined : bytes(v.room, 'r.room');
    return { kind: 'frame', bytes: bytes(v.bytes, 'r.bytes'), room };
  }
  if (v.kind === 'signal') return { kind: 'signal', topic: text(v.topic, 'r.topic', 256), bytes: bytes(v.bytes, 'r.bytes') };
  if (v.kind === 'event') {
    if (!(TAB_EVENTS as readonly unknown[]).includes(v.name)) throw new TabMessageError('kind', 'r.name');
    // The event's own fields are the client's to read; it only emits them to this tab's views.
    if (!isRecord(v.event)) throw new TabMessageError('field', 'r.event');
    return v as unknown as Relayed;
  }
  throw new TabMessageError('kind', 'r.kind');
};

const tabError = (v: unknown): TabError => {
  if (!isRecord(v)) throw new TabMessageError('shape', 'error');
  const code = v.code === undefined ? undefined : text(v.code, 'error.code', 128);
  return { name: text(v.name, 'error.name', 128), message: text(v.message, 'error.message'), code };
};

/** The message `data` is, or a TabMessageError. */
export const decodeTabMessage = (data: unknown): TabMessage => {
  if (!isRecord(data)) throw new TabMessageError('shape', 'message');
  switch (data.t) {
    case 'relay':
      return { t: 'relay', r: relayed(data.r) };
    case 'call': {
      const callId = id(data.id, 'id');
      if (!(TAB_METHODS as readonly unknown[]).includes(data.method)) throw new TabMessageError('method', 'method');
      if (!Array.isArray(data.args) || data.args.length > MAX_ARGS) throw new TabMessageError('field', 'args');
      return { t: 'call', id: callId, method: data.method as TabMethod, args: data.args };
    }
    case 'result': {
      const callId = id(data.id, 'id');
      if (data.ok === true) return { t: 'result', id: callId, ok: true, value: data.value };
      if (data.ok === false) return { t: 'result', id: callId, ok: false, error: tabError(data.error) };
      throw new TabMessageError('field', 'ok');
    }
    case 'handover':
      return { t: 'handover' };
    case 'hello':
      return { t: 'hello' };
    default:
      throw new TabMessageError('kind', 't');
  }
};

/** An error as it crosses to another tab. */
export const toTabError = (e: unknown): TabError => {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { name: err.name.slice(0, 128), message: err.message.slice(0, MAX_TEXT), code: typeof code === 'string' ? code.slice(0, 128) : undefined };
};
