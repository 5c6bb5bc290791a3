/**
 * PRESENCE: a signed, expiring DHT record saying "peer P serves room R at these addresses".
 *
 * Payload: { a: the peer's Ed25519 key (signer), p: its libp2p peer id, r: room id, o: role
 * 'client' | 'hub' | 'relay', m: multiaddrs, c: capability bits, t: issued ms, x: expires ms }.
 *
 * `p` must be the Ed25519 peer id of `a` (identity multihash, base58btc, as libp2p prints it), so a
 * record cannot advertise somebody else's peer id, and a dialer's Noise handshake proves the same key
 * the record was signed with. Presence is availability only: it grants nothing in the room, and a
 * client treats it as a hint to dial, never as proof of membership (THREATS 23, 24).
 *
 * Multiaddr validation lives here too because presence records and invite URLs share it (THREATS 27).
 */
import { multiaddr } from '@multiformats/multiaddr';
import { base58btc } from 'multiformats/bases/base58';
import { compare, concat, equals, toHex, utf8 } from '../bytes.ts';
import type { CborMap, CborValue } from '../codec/cbor.ts';
import { asText, onlyKeys, reqArray, reqBytes, reqEnum, reqText, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { ExpiredError, InvalidFieldError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

// ---- multiaddrs ----

/** Protocols an address may start with: something a peer can resolve or dial on the internet. */
const FIRST_PROTOCOLS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr']);
/** Protocols that make no sense across machines and are refused anywhere in an address. */
const LOCAL_PROTOCOLS = new Set(['unix', 'memory']);
const DNS_PROTOCOLS = new Set(['dns', 'dns4', 'dns6', 'dnsaddr']);
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Validates one multiaddr string: at most maxAddrBytes, parsed by @multiformats/multiaddr, in its
 * canonical string form (so one address has one spelling), starting with ip4/ip6/dns/dns4/dns6/dnsaddr,
 * DNS names lowercase LDH, no unix or memory component. Throws InvalidFieldError / LimitError naming `field`.
 */
export const validateMultiaddr = (s: string, field: string): string => {
  const text = asText(s, field, LIMITS.maxAddrBytes);
  let components: { name: string; value?: string | undefined }[];
  let canonical: string;
  try {
    const ma = multiaddr(text);
    canonical = ma.toString();
    components = ma.getComponents();
  } catch (e) {
    throw new InvalidFieldError(field, `not a multiaddr: ${(e as Error)?.message ?? 'parse error'}`);
  }
  if (canonical !== text) throw new InvalidFieldError(field, 'not in canonical multiaddr form');
  const first = components[0];
  if (first === undefined || !FIRST_PROTOCOLS.has(first.name)) throw new InvalidFieldError(field, 'must start with ip4, ip6, dns, dns4, dns6 or dnsaddr');
  for (const c of components) {
    if (LOCAL_PROTOCOLS.has(c.name)) throw new InvalidFieldError(field, `${c.name} addresses are not allowed`);
    if (DNS_PROTOCOLS.has(c.name) && !HOSTNAME.test(c.value ?? ''))
      throw new InvalidFieldError(field, 'DNS name must be lowercase letters, digits and hyphens');
  }
  return text;
};

/** Reads a list of distinct, valid multiaddrs (at most maxAddrs) from field `k` of `m`. */
export const reqAddrList = (m: CborMap, k: string, field: string): string[] => {
  const list = reqArray(m, k, field, LIMITS.maxAddrs).map((v: CborValue, i) => validateMultiaddr(v as string, `${field}.${k}[${i}]`));
  if (new Set(list).size !== list.length) throw new InvalidFieldError(`${field}.${k}`, 'duplicate address');
  return list;
};

// ---- presence ----

export type PresenceRole = 'client' | 'hub' | 'relay';
export const PRESENCE_ROLES: readonly PresenceRole[] = ['client', 'hub', 'relay'];

/** Capability bits of `c`. Unknown higher bits are carried and ignored, so new services need no version bump. */
export const PRESENCE_CAPS = {
  /** Stores room ciphertext and serves history sync. */
  STORE: 1 << 0,
  /** Offers circuit-relay v2 reservations. */
  RELAY: 1 << 1,
  /** Mints TURN credentials. */
  TURN: 1 << 2,
  /** Runs a DHT server. */
  DHT: 1 << 3,
  /** Accepts bootstrap connections. */
  BOOTSTRAP: 1 << 4,
} as const;

export interface Presence {
  /** `a`: the peer's Ed25519 signing key (the libp2p identity key). */
  readonly signer: Uint8Array;
  /** `p`: the libp2p peer id string of `signer`. */
  readonly peerId: string;
  /** `r` */
  readonly room: Uint8Array;
  /** `o` */
  readonly role: PresenceRole;
  /** `m` */
  readonly addrs: readonly string[];
  /** `c`: PRESENCE_CAPS bits. */
  readonly caps: number;
  /** `t` */
  readonly issuedAt: number;
  /** `x`: last valid ms; issuedAt < expiresAt <= issuedAt + 24 h. */
  readonly expiresAt: number;
}

/** The libp2p peer id of an Ed25519 public key: base58btc(identity multihash(protobuf PublicKey)). */
export const peerIdOfEd25519 = (publicKey: Uint8Array): string => {
  if (publicKey.length !== 32) throw new InvalidFieldError('publicKey', 'expected 32 bytes');
  return base58btc.baseEncode(concat(Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20), publicKey));
};

/** Checks issue/expiry times that do not depend on the clock: x > t and x - t <= maxRecordTtlMs. */
export const checkRecordLifetime = (t: number, x: number, field: string): void => {
  if (x <= t) throw new InvalidFieldError(`${field}.x`, 'expiry must be after the issue time');
  if (x - t > LIMITS.maxRecordTtlMs) throw new LimitError(`${field}.x`, LIMITS.maxRecordTtlMs, x - t);
};

/** Checks a record against the clock: expired once now > x; refused if issued more than the allowed skew ahead of now. */
export const checkRecordClock = (t: number, x: number | undefined, now: number, field: string): void => {
  if (x !== undefined && now > x) throw new ExpiredError(`${field}.x`, `expired at ${x}, now ${now}`);
  if (t > now + LIMITS.maxClockSkewMs) throw new ExpiredError(`${field}.t`, `issued at ${t}, more than ${LIMITS.maxClockSkewMs} ms ahead of ${now}`);
};

export const presenceCodec: BodyCodec<Presence> = {
  type: 'PRESENCE',
  maxPayload: 8192,
  write: (p) => ({ a: p.signer, p: p.peerId, r: p.room, o: p.role, m: [...p.addrs], c: p.caps, t: p.issuedAt, x: p.expiresAt }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'p', 'r', 'o', 'm', 'c', 't', 'x'], f);
    const signer = reqBytes(m, 'a', f, 32);
    const peerId = reqText(m, 'p', f, LIMITS.maxPeerIdBytes);
    if (peerId !== peerIdOfEd25519(signer)) throw new InvalidFieldError(`${f}.p`, 'not the peer id of the signing key');
    const issuedAt = reqUint(m, 't', f);
    const expiresAt = reqUint(m, 'x', f);
    checkRecordLifetime(issuedAt, expiresAt, f);
    return {
      signer,
      peerId,
      room: reqBytes(m, 'r', f, 32),
      role: reqEnum(m, 'o', f, PRESENCE_ROLES),
      addrs: reqAddrList(m, 'm', f),
      caps: reqUint(m, 'c', f, 0x7fffffff),
      issuedAt,
      expiresAt,
    };
  },
  signer: (p) => p.signer,
};

/** Signs a presence record with the peer's Ed25519 secret (libp2p identity seed). */
export const signPresence = (p: Presence, secret: Uint8Array, crypto: CryptoPort): Signed<Presence> => sign(presenceCodec, p, secret, crypto);

/**
 * Opens a presence record fetched for `room`: decode, fields, signature, then room and clock
 * (ExpiredError when now > x or t > now + 5 min).
 */
export const openPresence = (bytes: Uint8Array, crypto: CryptoPort, now: number, room: Uint8Array): Signed<Presence> => {
  const p = open(presenceCodec, bytes, crypto);
  if (!equals(p.body.room, room)) throw new InvalidFieldError('PRESENCE.r', 'record is for another room');
  checkRecordClock(p.body.issuedAt, p.body.expiresAt, now, 'PRESENCE');
  return p;
};

/** DHT selector order: the later expiry wins, then the lower id. Returns the better record. */
export const betterPresence = (a: Signed<Presence>, b: Signed<Presence>): Signed<Presence> => {
  if (a.body.expiresAt !== b.body.expiresAt) return a.body.expiresAt > b.body.expiresAt ? a : b;
  return compare(a.id, b.id) <= 0 ? a : b;
};

/** Index of the best record (kad-dht selector shape); -1 for an empty list. */
export const selectPresence = (records: readonly Signed<Presence>[]): number => {
  let best = -1;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Signed<Presence>;
    if (best < 0 || betterPresence(records[best] as Signed<Presence>, r) === r) best = i;
  }
  return best;
};

/** DHT key of a room's presence record: `/parley/room/<hex room id>`. */
export const presenceDhtKey = (room: Uint8Array): string => {
  if (room.length !== 32) throw new InvalidFieldError('room', 'expected 32 bytes');
  return `/parley/room/${toHex(room)}`;
};

export const presenceDhtKeyBytes = (room: Uint8Array): Uint8Array => utf8(presenceDhtKey(room));
