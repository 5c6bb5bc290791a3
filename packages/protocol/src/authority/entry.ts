/**
 * AUTHORITY_ENTRY: one signed action in a room's authority log.
 *
 * Common payload fields: a signer device (or account) key, u account, r room id, s sequence number in
 * the device's authority stream (>= 1), l Lamport clock (0 for GENESIS, else 1 + max of prevs), p
 * previous entry ids (heads the author had seen, strictly ascending), t author's clock (ms,
 * informational), k kind. Kind-specific fields follow (see docs/PROTOCOL.md section 4).
 */
import type { CborMap, CborValue } from '../codec/cbor.ts';
import {
  asArray,
  asBytes,
  asMap,
  asText,
  asUint,
  compact,
  has,
  onlyKeys,
  optBool,
  optBytes,
  optText,
  optUint,
  reqBool,
  reqBytes,
  reqEnum,
  reqKeyList,
  reqText,
  reqUint,
} from '../codec/fields.ts';
import type { BodyCodec } from '../codec/signed.ts';
import { InvalidFieldError } from '../errors.ts';
import { isMediaTypeRule } from '../file/file-rules.ts';
import { LIMITS } from '../limits.ts';
import { MAX_ROLE_RANK } from './capabilities.ts';
import { type DiscoverySettings, readDiscoverySettings, writeDiscoverySettings } from './discovery-settings.ts';
import type { ChannelAcl, Durability, FileRules, JoinMode, RoomPolicy } from './view.ts';

export const ENTRY_KINDS = [
  'genesis',
  'join',
  'leave',
  'add_device',
  'revoke_device',
  'define_role',
  'grant',
  'revoke',
  'ban',
  'unban',
  'kick',
  'mute',
  'unmute',
  'set_policy',
  'create_channel',
  'edit_channel',
  'delete_channel',
  'set_channel_acl',
  'delete_message',
  'pin',
  'revoke_invite',
  'rotate',
  'set_discovery',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One cut-off row: objects by `device` in `stream` with seq above `seq` are invalid (see 4.4). */
export interface CutoffRow {
  readonly device: Uint8Array;
  /** Empty: the authority stream; 16 bytes: a channel. */
  readonly stream: Uint8Array;
  readonly seq: number;
}

export type EntryAction =
  | { kind: 'genesis'; name: string; nonce: Uint8Array; cert?: Uint8Array | undefined }
  | { kind: 'join'; cert?: Uint8Array | undefined; invite?: Uint8Array | undefined }
  | { kind: 'leave' }
  | { kind: 'add_device'; cert: Uint8Array }
  | { kind: 'revoke_device'; device: Uint8Array; cutoffs: CutoffRow[] }
  | { kind: 'define_role'; role: string; name: string; caps: number; rank: number; color: number }
  | { kind: 'grant'; target: Uint8Array; role: string }
  | { kind: 'revoke'; target: Uint8Array; role: string; cutoffs: CutoffRow[] }
  | { kind: 'ban'; target: Uint8Array; cutoffs: CutoffRow[]; purge: boolean; reason?: string | undefined }
  | { kind: 'unban'; target: Uint8Array }
  | { kind: 'kick'; target: Uint8Array; cutoffs: CutoffRow[] }
  | { kind: 'mute'; target: Uint8Array; cutoffs: CutoffRow[] }
  | { kind: 'unmute'; target: Uint8Array }
  | { kind: 'set_policy'; policy: RoomPolicy }
  | { kind: 'create_channel'; channel: Uint8Array; name: string; channelKind: 'text' | 'voice'; topic: string }
  | { kind: 'edit_channel'; channel: Uint8Array; name?: string | undefined; topic?: string | undefined; durability?: Durability | undefined }
  | { kind: 'delete_channel'; channel: Uint8Array }
  | { kind: 'set_channel_acl'; channel: Uint8Array; acl: ChannelAcl | undefined; cutoffs: CutoffRow[] }
  | { kind: 'delete_message'; channel: Uint8Array; message: Uint8Array; author: Uint8Array; reason?: string | undefined }
  | { kind: 'pin'; channel: Uint8Array; message: Uint8Array; pinned: boolean }
  | { kind: 'revoke_invite'; token: Uint8Array; issuer: Uint8Array }
  | { kind: 'rotate'; channel: Uint8Array }
  | { kind: 'set_discovery'; settings: DiscoverySettings | undefined };

export interface AuthorityEntry {
  readonly signer: Uint8Array;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly seq: number;
  readonly lamport: number;
  readonly prev: readonly Uint8Array[];
  readonly time: number;
  readonly action: EntryAction;
}

const JOIN_MODES: readonly JoinMode[] = ['open', 'invite', 'approval'];
const DURABILITIES: readonly Durability[] = ['strict', 'replicated', 'guaranteed'];
const ROLE_ID = /^[a-z0-9][a-z0-9_-]*$/;

const roleId = (v: CborValue, field: string): string => {
  const s = asText(v, field, LIMITS.maxRoleIdBytes);
  if (!ROLE_ID.test(s)) throw new InvalidFieldError(field, 'role id must match [a-z0-9][a-z0-9_-]*');
  return s;
};

const sortedUnique = <T>(items: T[], key: (t: T) => string, field: string): T[] => {
  for (let i = 1; i < items.length; i++) {
    if (key(items[i - 1] as T) >= key(items[i] as T)) throw new InvalidFieldError(field, 'must be strictly ascending');
  }
  return items;
};

const hexKey = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
};

const readCutoffs = (m: CborMap, f: string): CutoffRow[] => {
  const rows = asArray(m.x ?? [], `${f}.x`, LIMITS.maxCutoffs).map((v, i) => {
    const row = asArray(v, `${f}.x[${i}]`, 3);
    if (row.length !== 3) throw new InvalidFieldError(`${f}.x[${i}]`, 'expected [device, stream, seq]');
    const stream = asBytes(row[1] as CborValue, `${f}.x[${i}].stream`);
    if (stream.length !== 0 && stream.length !== 16) throw new InvalidFieldError(`${f}.x[${i}].stream`, 'expected 0 or 16 bytes');
    return { device: asBytes(row[0] as CborValue, `${f}.x[${i}].device`, 32), stream, seq: asUint(row[2] as CborValue, `${f}.x[${i}].seq`) };
  });
  return sortedUnique(rows, (r) => `${hexKey(r.device)}:${hexKey(r.stream)}`, `${f}.x`);
};
const writeCutoffs = (rows: readonly CutoffRow[]): CborValue => rows.map((r) => [r.device, r.stream, r.seq]);

/** Sorts cut-off rows into their one canonical order (device, then stream). */
export const sortCutoffs = (rows: readonly CutoffRow[]): CutoffRow[] =>
  [...rows].sort((a, b) => {
    const ka = `${hexKey(a.device)}:${hexKey(a.stream)}`;
    const kb = `${hexKey(b.device)}:${hexKey(b.stream)}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

const textList = (m: CborMap, k: string, f: string, max: number, maxBytes: number, isRole = false): string[] => {
  const arr = asArray(m[k] ?? [], `${f}.${k}`, max).map((v, i) => (isRole ? roleId(v, `${f}.${k}[${i}]`) : asText(v, `${f}.${k}[${i}]`, maxBytes)));
  return sortedUnique(arr, (s) => s, `${f}.${k}`);
};

const readFileRules = (v: CborValue, f: string): FileRules => {
  const m = asMap(v, f);
  onlyKeys(m, ['z', 't'], f);
  if (!has(m, 'z') && !has(m, 't')) throw new InvalidFieldError(f, 'names a size or types (absent when neither)');
  const maxBytes = optUint(m, 'z', f, LIMITS.maxFileBytes);
  if (maxBytes === 0) throw new InvalidFieldError(`${f}.z`, 'at least 1 byte');
  if (!has(m, 't')) return { maxBytes };
  const types = textList(m, 't', f, LIMITS.maxFileTypes, LIMITS.maxFileTypeBytes);
  for (const [i, t] of types.entries()) if (!isMediaTypeRule(t)) throw new InvalidFieldError(`${f}.t[${i}]`, 'expected type/subtype or type/*, lower case');
  return { maxBytes, types };
};
const writeFileRules = (r: FileRules): CborMap => compact({ z: r.maxBytes, t: r.types === undefined ? undefined : [...r.types].sort() });

const readPolicy = (v: CborValue, f: string): RoomPolicy => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(f, 'expected a map');
  onlyKeys(v, ['j', 'd', 'h', 'v', 'i', 'f'], f);
  return {
    join: reqEnum(v, 'j', f, JOIN_MODES),
    durability: reqEnum(v, 'd', f, DURABILITIES),
    hubs: textList(v, 'h', f, LIMITS.maxHubs, 128),
    historyVisible: reqBool(v, 'v', f),
    iceServers: textList(v, 'i', f, LIMITS.maxHubs, LIMITS.maxAddrBytes),
    ...(has(v, 'f') ? { files: readFileRules(v.f as CborValue, `${f}.f`) } : {}),
  };
};
const writePolicy = (p: RoomPolicy): CborMap => ({
  j: p.join,
  d: p.durability,
  h: [...p.hubs].sort(),
  v: p.historyVisible,
  i: [...p.iceServers].sort(),
  ...(p.files === undefined ? {} : { f: writeFileRules(p.files) }),
});

const readAcl = (v: CborValue, f: string): ChannelAcl => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(f, 'expected a map');
  onlyKeys(v, ['rr', 'sr', 'ac'], f);
  return {
    read: textList(v, 'rr', f, LIMITS.maxAclEntries, LIMITS.maxRoleIdBytes, true),
    send: textList(v, 'sr', f, LIMITS.maxAclEntries, LIMITS.maxRoleIdBytes, true),
    accounts: has(v, 'ac') ? reqKeyList(v, 'ac', f, LIMITS.maxAclEntries) : [],
  };
};
const writeAcl = (a: ChannelAcl): CborMap => ({
  rr: [...a.read].sort(),
  sr: [...a.send].sort(),
  ac: [...a.accounts].sort((x, y) => (hexKey(x) < hexKey(y) ? -1 : 1)),
});

const COMMON = ['a', 'u', 'r', 's', 'l', 'p', 't', 'k'];
const FIELDS: Record<EntryKind, readonly string[]> = {
  genesis: ['n', 'o', 'c'],
  join: ['c', 'i'],
  leave: [],
  add_device: ['c'],
  revoke_device: ['d', 'x'],
  define_role: ['ro', 'n', 'cp', 'rk', 'co'],
  grant: ['tg', 'ro'],
  revoke: ['tg', 'ro', 'x'],
  ban: ['tg', 'x', 'pg', 'rs'],
  unban: ['tg'],
  kick: ['tg', 'x'],
  mute: ['tg', 'x'],
  unmute: ['tg'],
  set_policy: ['po'],
  create_channel: ['ch', 'n', 'ck', 'tp'],
  edit_channel: ['ch', 'n', 'tp', 'du'],
  delete_channel: ['ch'],
  set_channel_acl: ['ch', 'acl', 'x'],
  delete_message: ['ch', 'm', 'au', 'rs'],
  pin: ['ch', 'm', 'pn'],
  revoke_invite: ['ti', 'iu'],
  rotate: ['ch'],
  set_discovery: ['ds'],
};

const CERT_MAX = 512;

const readAction = (kind: EntryKind, m: CborMap, f: string): EntryAction => {
  const target = (): Uint8Array => reqBytes(m, 'tg', f, 32);
  const channel = (): Uint8Array => reqBytes(m, 'ch', f, 16);
  switch (kind) {
    case 'genesis':
      return { kind, name: reqText(m, 'n', f, LIMITS.maxNameBytes), nonce: reqBytes(m, 'o', f, 16), cert: optBytes(m, 'c', f, undefined, CERT_MAX) };
    case 'join':
      return { kind, cert: optBytes(m, 'c', f, undefined, CERT_MAX), invite: optBytes(m, 'i', f, undefined, 1024) };
    case 'leave':
      return { kind };
    case 'add_device':
      return { kind, cert: reqBytes(m, 'c', f, undefined, CERT_MAX) };
    case 'revoke_device':
      return { kind, device: reqBytes(m, 'd', f, 32), cutoffs: readCutoffs(m, f) };
    case 'define_role':
      return {
        kind,
        role: roleId(m.ro as CborValue, `${f}.ro`),
        name: reqText(m, 'n', f, LIMITS.maxNameBytes),
        caps: reqUint(m, 'cp', f, 0xffffffff),
        rank: reqUint(m, 'rk', f, MAX_ROLE_RANK),
        color: reqUint(m, 'co', f, 0xffffff),
      };
    case 'grant':
      return { kind, target: target(), role: roleId(m.ro as CborValue, `${f}.ro`) };
    case 'revoke':
      return { kind, target: target(), role: roleId(m.ro as CborValue, `${f}.ro`), cutoffs: readCutoffs(m, f) };
    case 'ban':
      return { kind, target: target(), cutoffs: readCutoffs(m, f), purge: optBool(m, 'pg', f) ?? false, reason: optText(m, 'rs', f, LIMITS.maxTextBytes) };
    case 'unban':
    case 'unmute':
      return { kind, target: target() };
    case 'kick':
    case 'mute':
      return { kind, target: target(), cutoffs: readCutoffs(m, f) };
    case 'set_policy':
      return { kind, policy: readPolicy(m.po as CborValue, `${f}.po`) };
    case 'create_channel':
      return {
        kind,
        channel: channel(),
        name: reqText(m, 'n', f, LIMITS.maxNameBytes),
        channelKind: reqEnum(m, 'ck', f, ['text', 'voice'] as const),
        topic: optText(m, 'tp', f, LIMITS.maxTextBytes) ?? '',
      };
    case 'edit_channel':
      return {
        kind,
        channel: channel(),
        name: optText(m, 'n', f, LIMITS.maxNameBytes),
        topic: optText(m, 'tp', f, LIMITS.maxTextBytes),
        durability: has(m, 'du') ? reqEnum(m, 'du', f, DURABILITIES) : undefined,
      };
    case 'delete_channel':
    case 'rotate':
      return { kind, channel: channel() };
    case 'set_channel_acl':
      return { kind, channel: channel(), acl: has(m, 'acl') ? readAcl(m.acl as CborValue, `${f}.acl`) : undefined, cutoffs: readCutoffs(m, f) };
    case 'delete_message':
      return { kind, channel: channel(), message: reqBytes(m, 'm', f, 32), author: reqBytes(m, 'au', f, 32), reason: optText(m, 'rs', f, LIMITS.maxTextBytes) };
    case 'pin':
      return { kind, channel: channel(), message: reqBytes(m, 'm', f, 32), pinned: reqBool(m, 'pn', f) };
    case 'revoke_invite':
      return { kind, token: reqBytes(m, 'ti', f, 16), issuer: reqBytes(m, 'iu', f, 32) };
    case 'set_discovery':
      return { kind, settings: has(m, 'ds') ? readDiscoverySettings(m.ds as CborValue, `${f}.ds`) : undefined };
  }
};

const writeAction = (a: EntryAction): Record<string, CborValue | undefined> => {
  switch (a.kind) {
    case 'genesis':
      return { n: a.name, o: a.nonce, c: a.cert };
    case 'join':
      return { c: a.cert, i: a.invite };
    case 'leave':
      return {};
    case 'add_device':
      return { c: a.cert };
    case 'revoke_device':
      return { d: a.device, x: writeCutoffs(a.cutoffs) };
    case 'define_role':
      return { ro: a.role, n: a.name, cp: a.caps, rk: a.rank, co: a.color };
    case 'grant':
      return { tg: a.target, ro: a.role };
    case 'revoke':
      return { tg: a.target, ro: a.role, x: writeCutoffs(a.cutoffs) };
    case 'ban':
      return { tg: a.target, x: writeCutoffs(a.cutoffs), pg: a.purge ? true : undefined, rs: a.reason };
    case 'unban':
    case 'unmute':
      return { tg: a.target };
    case 'kick':
    case 'mute':
      return { tg: a.target, x: writeCutoffs(a.cutoffs) };
    case 'set_policy':
      return { po: writePolicy(a.policy) };
    case 'create_channel':
      return { ch: a.channel, n: a.name, ck: a.channelKind, tp: a.topic === '' ? undefined : a.topic };
    case 'edit_channel':
      return { ch: a.channel, n: a.name, tp: a.topic, du: a.durability };
    case 'delete_channel':
    case 'rotate':
      return { ch: a.channel };
    case 'set_channel_acl':
      return { ch: a.channel, acl: a.acl === undefined ? undefined : writeAcl(a.acl), x: writeCutoffs(a.cutoffs) };
    case 'delete_message':
      return { ch: a.channel, m: a.message, au: a.author, rs: a.reason };
    case 'pin':
      return { ch: a.channel, m: a.message, pn: a.pinned };
    case 'revoke_invite':
      return { ti: a.token, iu: a.issuer };
    case 'set_discovery':
      return { ds: a.settings === undefined ? undefined : writeDiscoverySettings(a.settings) };
  }
};

export const entryCodec: BodyCodec<AuthorityEntry> = {
  type: 'AUTHORITY_ENTRY',
  maxPayload: LIMITS.maxEntryBytes,
  write: (e) =>
    compact({ a: e.signer, u: e.account, r: e.room, s: e.seq, l: e.lamport, p: [...e.prev], t: e.time, k: e.action.kind, ...writeAction(e.action) }),
  read: (m, f) => {
    const kind = reqEnum(m, 'k', f, ENTRY_KINDS);
    onlyKeys(m, [...COMMON, ...FIELDS[kind]], f);
    const seq = reqUint(m, 's', f, LIMITS.maxCounter);
    if (seq < 1) throw new InvalidFieldError(`${f}.s`, 'sequence numbers start at 1');
    return {
      signer: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      seq,
      lamport: reqUint(m, 'l', f, LIMITS.maxCounter),
      prev: reqKeyList(m, 'p', f, LIMITS.maxPrevs),
      time: reqUint(m, 't', f),
      action: readAction(kind, m, f),
    };
  },
  signer: (e) => e.signer,
};
