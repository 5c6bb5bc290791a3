/**
 * Invite URL, like a magnet link: `https://<host>/join#<fragment>`.
 *
 *   fragment = base64url, no padding, of canonical CBOR
 *              { v: 1, r: room id (32), b: [multiaddr text, ...], t?: INVITE_TOKEN frame,
 *                k?: private-room key material (1..1024 bytes), n?: room name hint,
 *                h?: the room's authority heads when the invite was made (1..16 ids, ascending) }
 *
 * Everything secret sits in the fragment, which browsers never send to a server. `parseInviteUrl`
 * checks all of it and throws InvalidInviteError naming the field (THREATS 27, 33).
 *
 * What a tamper can do: the room id is the trust anchor (everything fetched for the room is verified
 * against it, up to the creator's GENESIS signature), and the token is signed and must name the same
 * room, so changing either is detected or yields an invite to a different room the user then sees.
 * The hub list is NOT signed: whoever edits it can only point the joiner at other availability nodes
 * (an eclipse or denial of service, THREATS 24), never grant or change authority, because nothing a
 * hub serves is believed without signatures that chain to the room id. The name hint is unsigned too
 * and is shown only until the GENESIS entry is fetched. The heads are unsigned as well: they only
 * tell the joiner which entries its copy of the log must reach before it trusts it (a peer that
 * withholds entries is noticed, THREATS 25); a forged head can only make the join wait and fail.
 */
import { equals } from '../bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { compact, has, onlyKeys, optBytes, optText, reqBytes, reqKeyList, reqUint } from '../codec/fields.ts';
import type { Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { reqAddrList } from '../discovery/presence.ts';
import { InvalidInviteError, ProtocolError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { type InviteToken, inviteTokenCodec, openInviteToken } from './invite-token.ts';

export const INVITE_VERSION = 1;
export const INVITE_PATH = '/join';
/** Largest token frame accepted in an invite: 2-byte header, 2-byte length, payload, signature. */
const MAX_TOKEN_FRAME = 4 + inviteTokenCodec.maxPayload + 64;

/** The content of an invite, as encoded. */
export interface InvitePayload {
  readonly room: Uint8Array;
  /** Bootstrap / hub multiaddrs, in order of preference. */
  readonly addrs: readonly string[];
  /** An INVITE_TOKEN frame. */
  readonly token?: Uint8Array | undefined;
  /** Key material for a private room. */
  readonly key?: Uint8Array | undefined;
  /** Unsigned room name hint for the join screen. */
  readonly name?: string | undefined;
  /** The room's authority heads when the invite was made: the joiner's log must reach them. */
  readonly heads?: readonly Uint8Array[] | undefined;
}

/** A parsed, checked invite. */
export interface Invite {
  /** `https://host[:port]` (or `http://localhost...`). */
  readonly origin: string;
  readonly room: Uint8Array;
  readonly addrs: readonly string[];
  /** The verified token; its room equals `room`. */
  readonly token?: Signed<InviteToken> | undefined;
  readonly key?: Uint8Array | undefined;
  readonly name?: string | undefined;
  readonly heads?: readonly Uint8Array[] | undefined;
}

// ---- base64url, strict: alphabet A-Z a-z 0-9 - _, no padding, unused bits zero ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export const base64urlEncode = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] as number) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((b.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) s += B64[(n >> (18 - 6 * j)) & 63];
  }
  return s;
};

/** Decodes strict unpadded base64url; throws InvalidInviteError(field) on anything else. */
export const base64urlDecode = (s: string, field: string): Uint8Array => {
  if (s.length % 4 === 1) throw new InvalidInviteError(field, 'base64url length is impossible');
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? (B64_INDEX[c] as number) : -1;
    if (v < 0) throw new InvalidInviteError(field, `not base64url at position ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new InvalidInviteError(field, 'base64url has non-zero padding bits');
  return out;
};

// ---- origin ----

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https anywhere; http only for localhost. No credentials (`user@`), which are a phishing device. */
const checkUrlBase = (u: URL, field: string): void => {
  if (u.username !== '' || u.password !== '') throw new InvalidInviteError(field, 'credentials are not allowed in an invite URL');
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname)) return;
  throw new InvalidInviteError(field, 'scheme must be https (http only for localhost)');
};

// ---- payload ----

const readPayload = (m: CborMap): InvitePayload => {
  const f = 'invite';
  onlyKeys(m, ['v', 'r', 'b', 't', 'k', 'n', 'h'], f);
  if (reqUint(m, 'v', f) !== INVITE_VERSION) throw new InvalidInviteError('invite.v', `unsupported invite version (expected ${INVITE_VERSION})`);
  const key = optBytes(m, 'k', f, undefined, LIMITS.maxInviteKeyBytes);
  if (key !== undefined && key.length === 0) throw new InvalidInviteError('invite.k', 'key material is empty');
  return {
    room: reqBytes(m, 'r', f, 32),
    addrs: reqAddrList(m, 'b', f),
    token: optBytes(m, 't', f, undefined, MAX_TOKEN_FRAME),
    key,
    name: optText(m, 'n', f, LIMITS.maxNameBytes),
    heads: readHeads(m, f),
  };
};

const readHeads = (m: CborMap, f: string): Uint8Array[] | undefined => {
  if (!has(m, 'h')) return undefined;
  const heads = reqKeyList(m, 'h', f, LIMITS.maxAuthHeads);
  if (heads.length === 0) throw new InvalidInviteError('invite.h', 'omit the heads rather than send none');
  return heads;
};

/**
 * Runs `fn`, turning any other protocol error into an InvalidInviteError: payload errors keep their
 * field (`invite.b[2]`), token errors are reported as `invite.t` with the inner field in the message.
 */
const asInviteError = <T>(fn: () => T, token = false): T => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InvalidInviteError || !(e instanceof ProtocolError)) throw e;
    const err = token ? new InvalidInviteError('invite.t', `${e.code}: ${e.message}`) : new InvalidInviteError(e.field, `${e.code}: ${e.message}`);
    err.cause = e;
    throw err;
  }
};

/** The fragment (without `#`) for `p`. Validates `p` exactly as the parser will (not the token signature). */
export const encodeInviteFragment = (p: InvitePayload): string => {
  const bytes = encodeCbor(
    compact({ v: INVITE_VERSION, r: p.room, b: [...p.addrs], t: p.token, k: p.key, n: p.name, h: p.heads === undefined ? undefined : [...p.heads] }),
  );
  asInviteError(() => readPayload(decodeCanonicalMap(bytes, 'invite')));
  return base64urlEncode(bytes);
};

/** `<origin>/join#<fragment>`; `origin` is `https://host[:port]` (or http on localhost), nothing after it. */
export const encodeInviteUrl = (p: InvitePayload, origin: string): string => {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    throw new InvalidInviteError('invite.origin', 'not a URL');
  }
  checkUrlBase(u, 'invite.origin');
  if (u.origin !== origin.replace(/\/$/, '')) throw new InvalidInviteError('invite.origin', 'expected scheme://host[:port] only');
  const url = `${u.origin}${INVITE_PATH}#${encodeInviteFragment(p)}`;
  if (url.length > LIMITS.maxInviteUrlChars) throw new InvalidInviteError('invite.url', `longer than ${LIMITS.maxInviteUrlChars} characters`);
  return url;
};

/**
 * Parses and checks an invite URL: length first, then URL syntax, scheme, path (no query), fragment
 * (strict base64url -> canonical CBOR -> fields -> every multiaddr), then the token's signature and
 * that it names the same room. Throws InvalidInviteError naming the field.
 */
export const parseInviteUrl = (url: string, crypto: CryptoPort): Invite => {
  if (typeof url !== 'string') throw new InvalidInviteError('invite.url', 'expected text');
  if (url.length > LIMITS.maxInviteUrlChars) throw new InvalidInviteError('invite.url', `longer than ${LIMITS.maxInviteUrlChars} characters`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidInviteError('invite.url', 'not a URL');
  }
  checkUrlBase(u, 'invite.url');
  if (u.pathname !== INVITE_PATH) throw new InvalidInviteError('invite.path', `path must be ${INVITE_PATH}`);
  if (u.search !== '') throw new InvalidInviteError('invite.query', 'an invite has no query string (secrets belong in the fragment)');
  if (u.hash.length <= 1) throw new InvalidInviteError('invite.fragment', 'missing');
  const bytes = base64urlDecode(u.hash.slice(1), 'invite.fragment');
  const p = asInviteError(() => readPayload(decodeCanonicalMap(bytes, 'invite')));
  let token: Signed<InviteToken> | undefined;
  if (p.token !== undefined) {
    const frame = p.token;
    token = asInviteError(() => openInviteToken(frame, crypto), true);
    if (!equals(token.body.room, p.room)) throw new InvalidInviteError('invite.t.r', 'token is for another room');
  }
  return { origin: u.origin, room: p.room, addrs: p.addrs, token, key: p.key, name: p.name, heads: p.heads };
};
