/**
 * The device-link wire format (PROTOCOL 2.1): the one-time code and the three frames of
 * `/parley/link/1.0.0`. Everything is canonical CBOR, bounded before it is read (LINK_LIMITS, listed
 * in docs/LIMITS.md), and every reader throws the protocol's typed errors naming the field.
 *
 *   code   https://<origin>/link#<base64url(CBOR { v: 1, p: offering peer id, s: 32-byte secret,
 *          x: expiry ms, a: [offering node's multiaddrs] })>
 *   hello  { k: 'hello', v: 1, o: offer id, d: device Ed25519 key, x: device X25519 key, n?: label,
 *          g: Ed25519 signature by d over the transcript, m: HMAC-SHA256(secret, transcript) }
 *   grant  { k: 'grant', v: 1, c: DEVICE_CERT for (d, x), f: the offering device's DEVICE_CERT,
 *          p: the account's PROFILE, a: [multiaddrs], r: [{ i: room id, n?: name, h: [heads] }],
 *          m: HMAC-SHA256(secret, "parley/link/1/grant" || SHA-256(hello frame) || grant without m) }
 *   refused { k: 'refused', v: 1, e: reason }
 *
 * The hello transcript is "parley/link/1/hello" || CBOR { d, f: requester peer id, n?, o, t: offering
 * peer id, x }: it binds the keys to both ends of the Noise-authenticated connection.
 */
import { concat, utf8 } from '../bytes.ts';
import { type CborMap, type CborValue, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { validateMultiaddr } from '../discovery/presence.ts';
import { DecodeError, InvalidFieldError, LimitError } from '../errors.ts';
import { base64urlDecode, base64urlEncode } from '../invite/invite-url.ts';
import { LIMITS } from '../limits.ts';

export const LINK_PROTOCOL = '/parley/link/1.0.0';
export const LINK_VERSION = 1;
export const LINK_PATH = '/link';

export const LINK_LIMITS = {
  /** Largest link frame (a grant with every room). */
  maxFrameBytes: 256 * 1024,
  /** Largest code fragment (base64url characters). */
  maxCodeChars: 4096,
  /** Multiaddrs in a code or a grant. */
  maxAddrs: 8,
  /** Rooms in one grant. */
  maxRooms: 256,
  /** A DEVICE_CERT or PROFILE frame inside a grant. */
  maxSignedBytes: 1024,
  /** A code is valid for at most this long after it is made (ms). */
  maxTtlMs: 15 * 60_000,
  /** Wrong hellos an offer takes before it is withdrawn. */
  maxFailures: 5,
} as const;

export const REFUSAL_REASONS = ['unknown', 'expired', 'used', 'wrong-secret', 'failed'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface LinkCode {
  readonly peer: string;
  readonly secret: Uint8Array;
  readonly expiresAt: number;
  readonly addrs: readonly string[];
}

export interface LinkHello {
  readonly offer: Uint8Array;
  readonly device: Uint8Array;
  readonly boxKey: Uint8Array;
  readonly label?: string | undefined;
  readonly sig: Uint8Array;
  readonly mac: Uint8Array;
}

export interface LinkRoom {
  readonly id: Uint8Array;
  readonly name?: string | undefined;
  readonly heads: readonly Uint8Array[];
}

export interface LinkGrant {
  readonly cert: Uint8Array;
  readonly offererCert: Uint8Array;
  readonly profile: Uint8Array;
  readonly addrs: readonly string[];
  readonly rooms: readonly LinkRoom[];
  readonly mac: Uint8Array;
}

export type LinkFrame = ({ kind: 'hello' } & LinkHello) | ({ kind: 'grant' } & LinkGrant) | { kind: 'refused'; reason: RefusalReason };

// ---- field readers (bounded; errors name the field) ----

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{32,128}$/;

const get = (m: CborMap, k: string, f: string): CborValue => {
  if (!Object.hasOwn(m, k)) throw new InvalidFieldError(`${f}.${k}`, 'missing');
  return m[k] as CborValue;
};
const only = (m: CborMap, keys: readonly string[], f: string): void => {
  for (const k of Object.keys(m)) if (!keys.includes(k)) throw new InvalidFieldError(`${f}.${k}`, 'unknown field');
};
const bytes = (v: CborValue, f: string, len?: number, max?: number): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new InvalidFieldError(f, 'expected bytes');
  if (len !== undefined && v.length !== len) throw new InvalidFieldError(f, `expected ${len} bytes`);
  if (max !== undefined && v.length > max) throw new LimitError(f, max, v.length);
  return v;
};
const uint = (v: CborValue, f: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidFieldError(f, 'expected an unsigned integer');
  return v;
};
const text = (v: CborValue, f: string, maxBytes: number): string => {
  if (typeof v !== 'string') throw new InvalidFieldError(f, 'expected text');
  const n = utf8(v).length;
  if (n > maxBytes) throw new LimitError(f, maxBytes, n);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new InvalidFieldError(f, 'control characters are not allowed');
  return v;
};
const list = (v: CborValue, f: string, max: number): CborValue[] => {
  if (!Array.isArray(v)) throw new InvalidFieldError(f, 'expected an array');
  if (v.length > max) throw new LimitError(f, max, v.length);
  return v;
};
const map = (v: CborValue, f: string): CborMap => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(f, 'expected a map');
  return v as CborMap;
};
const version = (m: CborMap, f: string): void => {
  if (uint(get(m, 'v', f), `${f}.v`) !== LINK_VERSION) throw new InvalidFieldError(`${f}.v`, `unsupported version (expected ${LINK_VERSION})`);
};
const addrList = (v: CborValue, f: string): string[] => {
  const out = list(v, f, LINK_LIMITS.maxAddrs).map((a, i) => validateMultiaddr(a as string, `${f}[${i}]`));
  if (new Set(out).size !== out.length) throw new InvalidFieldError(f, 'duplicate address');
  return out;
};
const compact = (m: Record<string, CborValue | undefined>): CborMap => {
  const out: CborMap = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = v;
  return out;
};

// ---- the code ----

const encodeCodePayload = (c: LinkCode): Uint8Array =>
  encodeCbor({ v: LINK_VERSION, p: c.peer, s: c.secret, x: c.expiresAt, a: [...c.addrs.slice(0, LINK_LIMITS.maxAddrs)] });

export const encodeLinkCode = (c: LinkCode, origin: string): string => `${origin.replace(/\/+$/, '')}${LINK_PATH}#${base64urlEncode(encodeCodePayload(c))}`;

/** Parses a link code (the whole URL, or the fragment alone). Throws DecodeError / InvalidFieldError / LimitError naming `code.*`. */
export const parseLinkCode = (input: string): LinkCode => {
  const f = 'code';
  const s = input.trim();
  const hash = s.indexOf('#');
  if (hash >= 0) {
    const path = s.slice(0, hash);
    if (path !== '' && !/^https?:\/\/[^/#?]+\/link\/?$/.test(path))
      throw new InvalidFieldError(f, `not a link code URL (expected https://<host>${LINK_PATH}#...)`);
  }
  const frag = hash >= 0 ? s.slice(hash + 1) : s;
  if (frag.length === 0) throw new DecodeError(f, 'empty code');
  if (frag.length > LINK_LIMITS.maxCodeChars) throw new LimitError(f, LINK_LIMITS.maxCodeChars, frag.length);
  let raw: Uint8Array;
  try {
    raw = base64urlDecode(frag, f);
  } catch (e) {
    throw new DecodeError(f, (e as Error).message);
  }
  const m = decodeCanonicalMap(raw, f);
  only(m, ['v', 'p', 's', 'x', 'a'], f);
  version(m, f);
  const peer = text(get(m, 'p', f), `${f}.p`, 128);
  if (!PEER_ID.test(peer)) throw new InvalidFieldError(`${f}.p`, 'not a peer id');
  return { peer, secret: bytes(get(m, 's', f), `${f}.s`, 32), expiresAt: uint(get(m, 'x', f), `${f}.x`), addrs: addrList(get(m, 'a', f), `${f}.a`) };
};

// ---- MACs and transcripts ----

/** HMAC-SHA256 (RFC 2104) over the crypto port's SHA-256. */
export const hmacSha256 = (crypto: CryptoPort, key: Uint8Array, data: Uint8Array): Uint8Array => {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? crypto.sha256(key) : key);
  const ipad = k.map((b) => b ^ 0x36);
  const opad = k.map((b) => b ^ 0x5c);
  return crypto.sha256(concat(opad, crypto.sha256(concat(ipad, data))));
};

/** Constant-time comparison of two MACs. */
export const macEquals = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
};

/** The offer's public name: SHA-256("parley/link/1/id" || secret), first 16 bytes. */
export const offerId = (crypto: CryptoPort, secret: Uint8Array): Uint8Array => crypto.sha256(concat(utf8('parley/link/1/id'), secret)).slice(0, 16);

export const helloTranscript = (h: Omit<LinkHello, 'sig' | 'mac'>, requester: string, offerer: string): Uint8Array =>
  concat(utf8('parley/link/1/hello'), encodeCbor(compact({ d: h.device, f: requester, n: h.label, o: h.offer, t: offerer, x: h.boxKey })));

export const grantMac = (crypto: CryptoPort, secret: Uint8Array, helloFrame: Uint8Array, g: Omit<LinkGrant, 'mac'>): Uint8Array =>
  hmacSha256(crypto, secret, concat(utf8('parley/link/1/grant'), crypto.sha256(helloFrame), encodeCbor(grantBody(g))));

// ---- frames ----

const grantBody = (g: Omit<LinkGrant, 'mac'>): CborMap => ({
  k: 'grant',
  v: LINK_VERSION,
  c: g.cert,
  f: g.offererCert,
  p: g.profile,
  a: [...g.addrs],
  r: g.rooms.map((r) => compact({ i: r.id, n: r.name, h: [...r.heads] })),
});

export const encodeLinkFrame = (fr: LinkFrame): Uint8Array => {
  let body: CborMap;
  if (fr.kind === 'hello') body = compact({ k: 'hello', v: LINK_VERSION, o: fr.offer, d: fr.device, x: fr.boxKey, n: fr.label, g: fr.sig, m: fr.mac });
  else if (fr.kind === 'grant') body = { ...grantBody(fr), m: fr.mac };
  else body = { k: 'refused', v: LINK_VERSION, e: fr.reason };
  const out = encodeCbor(body);
  if (out.length > LINK_LIMITS.maxFrameBytes) throw new LimitError('link', LINK_LIMITS.maxFrameBytes, out.length);
  return out;
};

const readRoom = (v: CborValue, f: string): LinkRoom => {
  const m = map(v, f);
  only(m, ['i', 'n', 'h'], f);
  const heads = list(get(m, 'h', f), `${f}.h`, LIMITS.maxAuthHeads).map((h, i) => bytes(h, `${f}.h[${i}]`, 32));
  return { id: bytes(get(m, 'i', f), `${f}.i`, 32), name: Object.hasOwn(m, 'n') ? text(m.n as CborValue, `${f}.n`, LIMITS.maxNameBytes) : undefined, heads };
};

/** Decodes one link frame. Throws DecodeError / InvalidFieldError / LimitError naming `link.*`; never anything else. */
export const decodeLinkFrame = (b: Uint8Array): LinkFrame => {
  const f = 'link';
  if (!(b instanceof Uint8Array)) throw new DecodeError(f, 'expected bytes');
  if (b.length > LINK_LIMITS.maxFrameBytes) throw new LimitError(f, LINK_LIMITS.maxFrameBytes, b.length);
  const m = decodeCanonicalMap(b, f);
  const kind = get(m, 'k', f);
  if (kind === 'hello') {
    only(m, ['k', 'v', 'o', 'd', 'x', 'n', 'g', 'm'], f);
    version(m, f);
    return {
      kind,
      offer: bytes(get(m, 'o', f), `${f}.o`, 16),
      device: bytes(get(m, 'd', f), `${f}.d`, 32),
      boxKey: bytes(get(m, 'x', f), `${f}.x`, 32),
      label: Object.hasOwn(m, 'n') ? text(m.n as CborValue, `${f}.n`, LIMITS.maxNameBytes) : undefined,
      sig: bytes(get(m, 'g', f), `${f}.g`, 64),
      mac: bytes(get(m, 'm', f), `${f}.m`, 32),
    };
  }
  if (kind === 'grant') {
    only(m, ['k', 'v', 'c', 'f', 'p', 'a', 'r', 'm'], f);
    version(m, f);
    const max = LINK_LIMITS.maxSignedBytes;
    return {
      kind,
      cert: bytes(get(m, 'c', f), `${f}.c`, undefined, max),
      offererCert: bytes(get(m, 'f', f), `${f}.f`, undefined, max),
      profile: bytes(get(m, 'p', f), `${f}.p`, undefined, max),
      addrs: addrList(get(m, 'a', f), `${f}.a`),
      rooms: list(get(m, 'r', f), `${f}.r`, LINK_LIMITS.maxRooms).map((r, i) => readRoom(r, `${f}.r[${i}]`)),
      mac: bytes(get(m, 'm', f), `${f}.m`, 32),
    };
  }
  if (kind === 'refused') {
    only(m, ['k', 'v', 'e'], f);
    version(m, f);
    const e = get(m, 'e', f);
    if (typeof e !== 'string' || !(REFUSAL_REASONS as readonly string[]).includes(e)) throw new InvalidFieldError(`${f}.e`, 'unknown refusal reason');
    return { kind, reason: e as RefusalReason };
  }
  throw new InvalidFieldError(`${f}.k`, 'unknown frame kind');
};
