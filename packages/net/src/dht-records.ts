/**
 * kad-dht validators and selectors for Parley's record namespaces. kad-dht picks both by the second
 * path segment of the key (`/parley/...` -> `parley`), so one validator dispatches on the third:
 *
 *   /parley/room/<64 hex>   a signed PRESENCE record for that room (protocol `openPresence`)
 *   /parley/tag/<64 hex>    a LISTING set for that tag key (protocol `openListingSet`)
 *
 * Without a validator for the namespace, remote peers reset the stream and get() finds nothing. Each
 * validator throws the protocol core's typed error (`ProtocolError`), which kad-dht treats as "invalid
 * record": a PUT is refused and a fetched value is dropped.
 */
import {
  type CryptoPort,
  fromHex,
  fromUtf8,
  InvalidFieldError,
  type Listing,
  openListingSet,
  openPresence,
  type Presence,
  ProtocolError,
  type Signed,
  selectPresence,
} from '@parley/protocol';

export interface RecordVerifyContext {
  readonly crypto: CryptoPort;
  readonly now: () => number;
  /** Proof-of-work difficulty a listing must meet (protocol LISTING_DIFFICULTY in production). */
  readonly listingDifficulty: number;
}

export const PARLEY_NAMESPACE = 'parley';

type ParsedKey = { readonly kind: 'room' | 'tag'; readonly id: Uint8Array };

const KEY = /^\/parley\/(room|tag)\/([0-9a-f]{64})$/;

/** Parses a Parley DHT key; throws InvalidFieldError for anything else under `/parley/`. */
export const parseDhtKey = (key: Uint8Array): ParsedKey => {
  const m = KEY.exec(fromUtf8(key, 'dht.key'));
  if (m === null) throw new InvalidFieldError('dht.key', 'not /parley/room/<hex> or /parley/tag/<hex>');
  return { kind: m[1] as 'room' | 'tag', id: fromHex(m[2] as string, 'dht.key') };
};

const openRoomRecord = (ctx: RecordVerifyContext, room: Uint8Array, value: Uint8Array): Signed<Presence> => openPresence(value, ctx.crypto, ctx.now(), room);

/**
 * A stored tag set ages: listings inside it expire one by one. The set stays valid while at least one
 * listing in it is valid and every other one failed only by expiring; any other failure (bad
 * signature, wrong tag, too little work) rejects the whole record.
 */
const openTagRecord = (ctx: RecordVerifyContext, key: Uint8Array, value: Uint8Array): readonly Signed<Listing>[] => {
  const set = openListingSet(value, key, ctx.crypto, ctx.now(), ctx.listingDifficulty);
  const fatal = set.rejected.find((r) => r.error.code !== 'ERR_EXPIRED');
  if (fatal !== undefined) throw fatal.error;
  if (set.listings.length === 0) throw set.rejected[0]?.error ?? new InvalidFieldError('listingSet', 'empty set');
  return set.listings;
};

/** The kad-dht validator for the `parley` namespace. */
export const parleyValidator =
  (ctx: RecordVerifyContext) =>
  (key: Uint8Array, value: Uint8Array): void => {
    const k = parseDhtKey(key);
    if (k.kind === 'room') openRoomRecord(ctx, k.id, value);
    else openTagRecord(ctx, k.id, value);
  };

/** Verifies each candidate; invalid ones are never chosen. Returns [index, opened] pairs. */
const openAll = <T>(records: readonly Uint8Array[], open: (v: Uint8Array) => T): [number, T][] => {
  const out: [number, T][] = [];
  records.forEach((r, i) => {
    try {
      out.push([i, open(r)]);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
    }
  });
  return out;
};

/** Tag sets: the one with the most valid listings, then the newest listing, then the lowest index. */
const betterSet = (a: readonly Signed<Listing>[], b: readonly Signed<Listing>[]): boolean => {
  if (a.length !== b.length) return a.length > b.length;
  const newest = (s: readonly Signed<Listing>[]): number => s.reduce((m, l) => Math.max(m, l.body.issuedAt), 0);
  return newest(a) > newest(b);
};

/**
 * The kad-dht selector for the `parley` namespace: the index of the best record. Presence: the later
 * expiry, then the lower id (protocol `selectPresence`). Invalid candidates lose to any valid one; if
 * none is valid the first is returned (kad-dht validates fetched values before selecting anyway).
 */
export const parleySelector =
  (ctx: RecordVerifyContext) =>
  (key: Uint8Array, records: Uint8Array[]): number => {
    const k = parseDhtKey(key);
    if (k.kind === 'room') {
      const valid = openAll(records, (r) => openRoomRecord(ctx, k.id, r));
      const best = selectPresence(valid.map(([, p]) => p));
      return best < 0 ? 0 : (valid[best] as [number, Signed<Presence>])[0];
    }
    const valid = openAll(records, (r) => openTagRecord(ctx, k.id, r));
    let best: [number, readonly Signed<Listing>[]] | undefined;
    for (const v of valid) if (best === undefined || betterSet(v[1], best[1])) best = v;
    return best?.[0] ?? 0;
  };
