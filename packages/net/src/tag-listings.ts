/**
 * Room listings on the DHT (PROTOCOL 8.5, 10): the value under `/parley/tag/<hex of H("tag:" path)>`
 * is a set of at most 32 LISTING frames. A DHT key holds one value and kad-dht replaces it on PUT,
 * so publishing is read -> merge (protocol `mergeListings`, independent of order) -> put, under every
 * key the listing belongs to (its tags and their ancestors). Two publishers racing may each drop the
 * other's listing from one copy; each re-publish merges it back.
 *
 * Reading asks the DHT for every copy it can find (the closest peers may hold different sets),
 * verifies every listing in every copy with the protocol core and merges them.
 */
import type { AbortOptions } from '@libp2p/interface';
import type { KadDHT } from '@libp2p/kad-dht';
import {
  type CryptoPort,
  encodeListingSet,
  LIMITS,
  type Listing,
  mergeListings,
  openListing,
  openListingSet,
  ProtocolError,
  type Signed,
  tagDhtKey,
  tagKey,
  tagPublishPaths,
  utf8,
} from '@parley/protocol';

export interface TagListingsDeps {
  readonly dht: KadDHT;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  readonly listingDifficulty: number;
  readonly queryTimeoutMs: number;
}

export interface TagRead {
  /** Valid listings under the tag, merged over every copy found (one per room, newest first). */
  readonly listings: Signed<Listing>[];
  /** Copies of the value seen (from peers and the local store). */
  readonly copies: number;
  /** Listings dropped while opening the copies (bad work, signature, expired, wrong tag...). */
  readonly rejected: number;
}

export interface PublishResult {
  /** Tag path -> DHT peers that stored the merged set. */
  readonly stored: Record<string, number>;
}

const isAbort = (e: unknown): boolean => (e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError';

export class TagListings {
  private readonly deps: TagListingsDeps;

  constructor(deps: TagListingsDeps) {
    this.deps = deps;
  }

  private signal(options: AbortOptions = {}): AbortSignal {
    const parts = [AbortSignal.timeout(this.deps.queryTimeoutMs)];
    if (options.signal !== undefined) parts.push(options.signal);
    return AbortSignal.any(parts);
  }

  /** Every valid listing under `path` that the DHT (and this node's own store) holds. */
  async read(path: string, options?: AbortOptions): Promise<TagRead> {
    const key = tagKey(path, this.deps.crypto);
    const values: Uint8Array[] = [];
    try {
      for await (const e of this.deps.dht.get(utf8(tagDhtKey(path, this.deps.crypto)), { signal: this.signal(options) })) {
        if (e.name === 'VALUE') values.push(e.value);
        else if (e.name === 'PEER_RESPONSE' && e.record !== undefined) values.push(e.record.value);
      }
    } catch (e) {
      // Not found anywhere, no peers yet, or the time limit: what was found so far stands.
      if (!isAbort(e) && !(e instanceof Error && /not found/i.test(e.message)) && (e as { name?: string }).name !== 'NotFoundError') throw e;
    }
    const now = this.deps.now();
    let listings: Signed<Listing>[] = [];
    let rejected = 0;
    for (const v of values) {
      try {
        const set = openListingSet(v, key, this.deps.crypto, now, this.deps.listingDifficulty);
        rejected += set.rejected.length;
        listings = mergeListings(listings, set.listings, Number.MAX_SAFE_INTEGER, now);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        rejected++;
      }
    }
    return { listings, copies: values.length, rejected };
  }

  /**
   * Publishes one listing (a LISTING frame) under each of its tags and their ancestors: reads the
   * current set, merges the listing in and puts the merged set (at most 32, newest first). Throws the
   * protocol's typed error for a listing that does not open at this node's difficulty.
   */
  async publish(listing: Uint8Array, options?: AbortOptions): Promise<PublishResult> {
    const own = openListing(listing, this.deps.crypto, this.deps.now(), this.deps.listingDifficulty);
    const paths = new Set<string>();
    for (const t of own.body.tags) for (const p of tagPublishPaths(t)) paths.add(p);
    const stored: Record<string, number> = {};
    for (const path of paths) {
      const current = await this.read(path, options);
      const merged = mergeListings(current.listings, [own], LIMITS.maxTagListings, this.deps.now());
      let n = 0;
      try {
        for await (const e of this.deps.dht.put(utf8(tagDhtKey(path, this.deps.crypto)), encodeListingSet(merged), { signal: this.signal(options) })) {
          if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') n++;
        }
      } catch (e) {
        if (!isAbort(e)) throw e;
      }
      stored[path] = n;
    }
    return { stored };
  }
}
