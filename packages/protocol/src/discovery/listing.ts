/**
 * LISTING: a room's public directory entry, stored in the DHT under each of its tags' keys, with a
 * hashcash proof of work (proof-of-work.ts) so that flooding a tag costs CPU time (THREATS 22).
 *
 * Payload: { a: publisher device or account key (signer), u: publisher account, r: room id, n: name,
 * d: description (newlines allowed), g: language tag, tg: tags (sorted, unique), col: icon colour
 * 0xRRGGBB, t: issued ms, x: expires ms (t < x <= t + 24 h), w: work nonce (8 bytes) }.
 *
 * What a DHT node can check is checked here: form, signature, clock, work. Whether `u` is a member of
 * room `r` (and `a` a device certified for `u`), or `a` = `u` is the libp2p key of one of the room's
 * pinned hubs (isPinnedHubListing), needs the room's authority log: the indexer checks it
 * before serving a listing; a DHT node cannot, so a non-member can occupy a room's slot in a tag set
 * until the room re-publishes (it costs the attacker one proof of work per slot per refresh).
 */
import { compare, equals, toHex } from '../bytes.ts';
import { type CborMap, decodeCanonical, encodeCbor } from '../codec/cbor.ts';
import { asArray, asBytes, onlyKeys, reqArray, reqBytes, reqText, reqUint } from '../codec/fields.ts';
import type { BodyCodec, Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError, ProtocolError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { checkRecordClock, checkRecordLifetime, peerIdOfEd25519 } from './presence.ts';
import { openWithWork, POW_NONCE_BYTES, type SolveOptions, signWithWork } from './proof-of-work.ts';
import { tagKey, tagPublishPaths, validateTag } from './tag.ts';

export interface Listing {
  /** `a` */
  readonly signer: Uint8Array;
  /** `u` */
  readonly account: Uint8Array;
  /** `r` */
  readonly room: Uint8Array;
  /** `n`: 1..maxNameBytes, single line, not blank. */
  readonly name: string;
  /** `d`: 0..maxTextBytes, newlines and tabs allowed. */
  readonly description: string;
  /** `g`: BCP 47-ish language tag, e.g. `en`, `pt-BR`, `und`. */
  readonly language: string;
  /** `tg`: 1..maxTags valid tag paths, strictly ascending. */
  readonly tags: readonly string[];
  /** `col` */
  readonly color: number;
  /** `t` */
  readonly issuedAt: number;
  /** `x` */
  readonly expiresAt: number;
  /** `w`: proof-of-work nonce. */
  readonly nonce: Uint8Array;
}

const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

export const listingCodec: BodyCodec<Listing> = {
  type: 'LISTING',
  maxPayload: 4096,
  write: (l) => ({
    a: l.signer,
    u: l.account,
    r: l.room,
    n: l.name,
    d: l.description,
    g: l.language,
    tg: [...l.tags],
    col: l.color,
    t: l.issuedAt,
    x: l.expiresAt,
    w: l.nonce,
  }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'u', 'r', 'n', 'd', 'g', 'tg', 'col', 't', 'x', 'w'], f);
    const name = reqText(m, 'n', f, LIMITS.maxNameBytes);
    if (name.trim().length === 0) throw new InvalidFieldError(`${f}.n`, 'room name is empty');
    const language = reqText(m, 'g', f, LIMITS.maxLanguageBytes);
    if (!LANGUAGE.test(language)) throw new InvalidFieldError(`${f}.g`, 'not a language tag');
    const tags = reqArray(m, 'tg', f, LIMITS.maxTags).map((v, i) => validateTag(v as string, `${f}.tg[${i}]`));
    if (tags.length === 0) throw new InvalidFieldError(`${f}.tg`, 'at least one tag is required');
    for (let i = 1; i < tags.length; i++) {
      if ((tags[i - 1] as string) >= (tags[i] as string)) throw new InvalidFieldError(`${f}.tg`, 'tags must be strictly ascending');
    }
    const issuedAt = reqUint(m, 't', f);
    const expiresAt = reqUint(m, 'x', f);
    checkRecordLifetime(issuedAt, expiresAt, f);
    return {
      signer: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      name,
      description: reqText(m, 'd', f, LIMITS.maxTextBytes, false),
      language,
      tags,
      color: reqUint(m, 'col', f, 0xffffff),
      issuedAt,
      expiresAt,
      nonce: reqBytes(m, 'w', f, POW_NONCE_BYTES),
    };
  },
  signer: (l) => l.signer,
};

/** Solves the work (at `o.difficulty`) and signs. `body.nonce` is ignored. */
export const createListing = (body: Omit<Listing, 'nonce'>, secret: Uint8Array, crypto: CryptoPort, o: SolveOptions): Signed<Listing> =>
  signWithWork(listingCodec, { ...body, nonce: new Uint8Array(POW_NONCE_BYTES) }, secret, crypto, o);

/**
 * Opens a listing: decode, fields, clock (ExpiredError when now > x or t > now + 5 min), work at
 * `difficulty` or more (ProofOfWorkError), signature.
 */
export const openListing = (bytes: Uint8Array, crypto: CryptoPort, now: number, difficulty: number): Signed<Listing> =>
  openWithWork(listingCodec, bytes, crypto, difficulty, (l) => checkRecordClock(l.issuedAt, l.expiresAt, now, 'LISTING'));

/**
 * Whether a listing comes from one of the room's pinned hubs (`hubs`: SET_POLICY `h`, libp2p peer ids):
 * signed by the hub's own Ed25519 libp2p key, with that key as `u` too. The directory accepts it as
 * it accepts a member's, so a room stays listed while only its hubs are online.
 */
export const isPinnedHubListing = (hubs: readonly string[], l: Listing): boolean =>
  l.signer.length === 32 && equals(l.signer, l.account) && hubs.includes(peerIdOfEd25519(l.signer));

/** Hex keys of every tag key the listing belongs under: its tags and their ancestors. */
export const listingTagKeys = (l: Listing, crypto: CryptoPort): Set<string> => {
  const out = new Set<string>();
  for (const t of l.tags) for (const p of tagPublishPaths(t)) out.add(toHex(tagKey(p, crypto)));
  return out;
};

/** Order of a tag set: newest first, then lowest id. */
const newerFirst = (a: Signed<Listing>, b: Signed<Listing>): number => b.body.issuedAt - a.body.issuedAt || compare(a.id, b.id);

/**
 * Merges verified listings for one tag key: drops those expired at `now`, keeps one per room (latest
 * `t`, then lowest id), and keeps the `limit` newest (then lowest id). The result is sorted in that
 * order and depends only on the union of the inputs, never on their order.
 */
export const mergeListings = (existing: readonly Signed<Listing>[], incoming: readonly Signed<Listing>[], limit: number, now: number): Signed<Listing>[] => {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidFieldError('limit', 'expected a non-negative integer');
  const byRoom = new Map<string, Signed<Listing>>();
  for (const l of [...existing, ...incoming]) {
    if (now > l.body.expiresAt) continue;
    const k = toHex(l.body.room);
    const cur = byRoom.get(k);
    if (cur === undefined || newerFirst(l, cur) < 0) byRoom.set(k, l);
  }
  return [...byRoom.values()].sort(newerFirst).slice(0, limit);
};

/** Largest listing frame: header (2 + 2-byte varint) + payload + signature. */
const MAX_LISTING_FRAME = 4 + 4096 + 64;
/** Largest tag set: the array header plus maxTagListings byte strings of at most MAX_LISTING_FRAME. */
const MAX_SET_BYTES = 3 + LIMITS.maxTagListings * (3 + MAX_LISTING_FRAME);

/** A tag key's DHT value: a canonical CBOR array of listing frames, newest first (mergeListings order). */
export const encodeListingSet = (listings: readonly Signed<Listing>[]): Uint8Array => {
  if (listings.length > LIMITS.maxTagListings) throw new InvalidFieldError('listings', `more than ${LIMITS.maxTagListings}`);
  return encodeCbor(listings.map((l) => l.bytes));
};

export interface OpenedListingSet {
  /** Valid listings that belong under the key, merged (one per room, newest first). */
  readonly listings: Signed<Listing>[];
  /** Why each dropped element was dropped (index into the array). */
  readonly rejected: { readonly index: number; readonly error: ProtocolError }[];
}

/**
 * Opens a tag key's DHT value. A malformed container is an error; a bad element is dropped and
 * reported, never fatal, so one forged listing cannot hide the valid ones beside it. Elements must
 * belong under `key` (one of their tags or its ancestors hashes to it).
 */
export const openListingSet = (bytes: Uint8Array, key: Uint8Array, crypto: CryptoPort, now: number, difficulty: number): OpenedListingSet => {
  if (bytes.length > MAX_SET_BYTES) throw new LimitError('listingSet', MAX_SET_BYTES, bytes.length);
  const arr = asArray(decodeCanonical(bytes, 'listingSet'), 'listingSet', LIMITS.maxTagListings);
  const listings: Signed<Listing>[] = [];
  const rejected: { index: number; error: ProtocolError }[] = [];
  const keyHex = toHex(key);
  arr.forEach((v, index) => {
    try {
      const l = openListing(asBytes(v, `listingSet[${index}]`, undefined, MAX_LISTING_FRAME), crypto, now, difficulty);
      if (!listingTagKeys(l.body, crypto).has(keyHex)) throw new InvalidFieldError('LISTING.tg', 'not tagged for this key');
      listings.push(l);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      rejected.push({ index, error: e });
    }
  });
  return { listings: mergeListings([], listings, LIMITS.maxTagListings, now), rejected };
};
