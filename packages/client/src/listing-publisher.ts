/**
 * Publishes a room's directory LISTING (PROTOCOL 8.5) while this device is online: for every room
 * whose authority log lists it (SET_DISCOVERY) and where this account is a member (or, for a hub, that
 * pins it), it signs a listing
 * with the room's settings, solves its proof of work in slices (so a tab stays responsive), and
 * publishes it under every tag key through the node. It re-publishes when half the TTL has passed or
 * the settings changed; when the settings are withdrawn it stops (the last listing expires).
 */
import {
  type Author,
  type CryptoPort,
  createListing,
  type DiscoverySettings,
  LISTING_DIFFICULTY,
  type Listing,
  ProofOfWorkError,
  type RoomState,
  type Signed,
  toHex,
} from '@parley/protocol';

export interface ListingSink {
  publishListing(listing: Uint8Array): Promise<{ readonly stored: Record<string, number> }>;
}

export interface ListingPublisherDeps {
  readonly node: ListingSink;
  readonly author: Author;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  /** Rooms this device is in, with their replayed state. */
  readonly rooms: () => Iterable<{ readonly id: Uint8Array; readonly state: RoomState }>;
  /**
   * Whether this publisher may list the room now. Default: the author's account is a member. A hub
   * passes "the room pins my peer id" (it signs with its libp2p key; PROTOCOL 8.5).
   */
  readonly eligible?: (state: RoomState) => boolean;
  /** Work each listing carries. Default LISTING_DIFFICULTY (the network's). */
  readonly difficulty?: number;
  /** Listing lifetime. Default 1 h; re-published after half of it. */
  readonly ttlMs?: number;
  /** Attempts per slice of the proof-of-work search before yielding to the event loop. Default 32,768. */
  readonly sliceAttempts?: number;
  readonly random?: (n: number) => Uint8Array;
}

export interface PublishedListing {
  readonly room: Uint8Array;
  readonly listing: Signed<Listing>;
  /** Tag path -> DHT peers that stored the merged set. */
  readonly stored: Record<string, number>;
  /** Time spent solving the proof of work (ms). */
  readonly powMs: number;
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const settingsKey = (s: DiscoverySettings): string => JSON.stringify([s.name, s.description, s.language, s.tags, s.color]);

/** Signs a listing, searching for its work in slices of `slice` attempts and yielding in between. */
export const solveListing = async (
  body: Omit<Listing, 'nonce'>,
  secret: Uint8Array,
  crypto: CryptoPort,
  difficulty: number,
  slice: number,
  startNonce: number,
  signal?: AbortSignal,
): Promise<Signed<Listing>> => {
  for (let start = startNonce; ; start += slice) {
    signal?.throwIfAborted();
    try {
      return createListing(body, secret, crypto, { difficulty, startNonce: start, maxIterations: slice });
    } catch (e) {
      if (!(e instanceof ProofOfWorkError)) throw e;
    }
    await yieldToLoop();
  }
};

export class ListingPublisher {
  readonly #deps: ListingPublisherDeps;
  readonly #last = new Map<string, { key: string; issuedAt: number }>();
  readonly #stopping = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<PublishedListing[]> | undefined;

  constructor(deps: ListingPublisherDeps) {
    this.#deps = deps;
  }

  get ttlMs(): number {
    return this.#deps.ttlMs ?? 60 * 60_000;
  }

  /** Checks every room now and on an interval (default a tenth of the TTL, at most a minute). */
  start(intervalMs = Math.min(60_000, Math.max(1_000, Math.floor(this.ttlMs / 10)))): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.tick().catch(() => undefined), intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
    void this.tick().catch(() => undefined);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopping.abort();
  }

  /** One pass over the rooms; publishes what is due. Concurrent calls share one pass. */
  tick(): Promise<PublishedListing[]> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<PublishedListing[]> {
    const out: PublishedListing[] = [];
    const d = this.#deps;
    for (const { id, state } of d.rooms()) {
      if (this.#stopping.signal.aborted) break;
      const hex = toHex(id);
      const settings = state.discovery();
      const eligible = d.eligible ?? ((st: RoomState) => st.isMember(d.author.account, st.length - 1));
      if (settings === undefined || !eligible(state)) {
        this.#last.delete(hex);
        continue;
      }
      const key = settingsKey(settings);
      const last = this.#last.get(hex);
      if (last !== undefined && last.key === key && d.now() < last.issuedAt + this.ttlMs / 2) continue;
      const issuedAt = d.now();
      const body: Omit<Listing, 'nonce'> = {
        signer: d.author.signer.publicKey,
        account: d.author.account,
        room: id,
        name: settings.name,
        description: settings.description,
        language: settings.language,
        tags: settings.tags,
        color: settings.color,
        issuedAt,
        expiresAt: issuedAt + this.ttlMs,
      };
      const random = d.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
      const r = random(4);
      const start = ((r[0] ?? 0) << 16) | ((r[1] ?? 0) << 8) | (r[2] ?? 0);
      const t0 = performance.now();
      const listing = await solveListing(
        body,
        d.author.signer.secret,
        d.crypto,
        d.difficulty ?? LISTING_DIFFICULTY,
        d.sliceAttempts ?? 32_768,
        start * 256,
        this.#stopping.signal,
      );
      const powMs = performance.now() - t0;
      const { stored } = await d.node.publishListing(listing.bytes);
      this.#last.set(hex, { key, issuedAt });
      out.push({ room: id, listing, stored, powMs });
    }
    return out;
  }
}
