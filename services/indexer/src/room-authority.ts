/**
 * What the DHT cannot check about a listing (PROTOCOL 8.5): that its publisher is a member of the
 * room, signing with the account key or a device certified for it, and that it carries the room's own
 * directory settings (SET_DISCOVERY). The indexer fetches the room's authority log from peers that
 * announce the room (up to three, entries united, each opened and replayed by the protocol core)
 * and caches the replayed state. A listing for a room nobody serves cannot be checked and is never
 * served; it is retried a bounded number of times and then waits to expire.
 */
import type { ParleyNode } from '@parley/net';
import {
  type AuthorityEntry,
  CAP,
  type CryptoPort,
  equals,
  isPinnedHubListing,
  type Listing,
  openEntry,
  ProtocolError,
  type RoomState,
  replayAuthority,
  type Signed,
  toHex,
} from '@parley/protocol';

export interface RoomAuthority {
  /**
   * The room's replayed authority log, or undefined when no peer served it. `maxAgeMs`: fetch again if
   * the cached log is older (a listing refused by a cached log may be from a member who joined since).
   */
  state(room: Uint8Array, maxAgeMs?: number): Promise<RoomState | undefined>;
}

export type ListingVerdict = 'ok' | 'not-member' | 'wrong-device' | 'unlisted' | 'settings-mismatch';

/** Checks a listing against its room's replayed log (the part `openListing` cannot do). */
export const checkListingAgainstRoom = (state: RoomState, l: Listing): ListingVerdict => {
  const last = state.length - 1;
  // A pinned hub lists the rooms it serves under its own libp2p key (PROTOCOL 8.5); anyone else must be a member.
  if (!isPinnedHubListing(state.policy().hubs, l)) {
    if (!state.can(l.account, CAP.READ, undefined, last)) return 'not-member';
    if (!equals(l.signer, l.account) && !state.devicesOf(l.account).some((d) => equals(d.device, l.signer) && d.revokedAt === undefined)) return 'wrong-device';
  }
  const s = state.discovery();
  if (s === undefined) return 'unlisted';
  const same =
    s.name === l.name &&
    s.description === l.description &&
    s.language === l.language &&
    s.color === l.color &&
    s.tags.length === l.tags.length &&
    s.tags.every((t, i) => t === l.tags[i]);
  return same ? 'ok' : 'settings-mismatch';
};

export interface DhtRoomAuthorityOptions {
  readonly node: ParleyNode;
  readonly crypto: CryptoPort;
  readonly now: () => number;
  /** How long a fetched log is trusted before it is fetched again. Default 5 minutes. */
  readonly ttlMs?: number;
  /** How long "nobody serves this room" is remembered. Default 1 minute. */
  readonly missTtlMs?: number;
  /** Time limit of one room's lookup and fetch. Default 10 s. */
  readonly timeoutMs?: number;
  /** Aborted when the indexer stops. */
  readonly stopped?: () => AbortSignal;
  /** Peers seen announcing the room (for the activity signal). */
  readonly onPeers?: (room: Uint8Array, peers: string[]) => void;
}

export class DhtRoomAuthority implements RoomAuthority {
  readonly #o: DhtRoomAuthorityOptions;
  readonly #cache = new Map<string, { state: RoomState | undefined; at: number; until: number }>();

  constructor(o: DhtRoomAuthorityOptions) {
    this.#o = o;
  }

  async state(room: Uint8Array, maxAgeMs?: number): Promise<RoomState | undefined> {
    const key = toHex(room);
    const now = this.#o.now();
    const hit = this.#cache.get(key);
    if (hit !== undefined && hit.until > now && (maxAgeMs === undefined || now - hit.at <= maxAgeMs)) return hit.state;
    const state = await this.#fetch(room).catch(() => undefined);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, { state, at: now, until: now + (state === undefined ? (this.#o.missTtlMs ?? 60_000) : (this.#o.ttlMs ?? 5 * 60_000)) });
    return state;
  }

  async #fetch(room: Uint8Array): Promise<RoomState | undefined> {
    const limit = AbortSignal.timeout(this.#o.timeoutMs ?? 10_000);
    const stopped = this.#o.stopped?.();
    const signal = stopped === undefined ? limit : AbortSignal.any([limit, stopped]);
    const peers = await this.#o.node.findRoomPeers(room, { signal });
    this.#o.onPeers?.(room, [...new Set(peers.filter((p) => p.presence !== undefined).map((p) => p.peerId))]);
    const entries = new Map<string, Signed<AuthorityEntry>>();
    let served = 0;
    for (const p of peers) {
      if (served >= 3 || signal.aborted) break;
      try {
        const frames = await this.#o.node.getAuthority(p.peerId, room, { signal });
        served++;
        for (const f of frames) {
          try {
            const e = openEntry(f, this.#o.crypto);
            entries.set(toHex(e.id), e);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw err;
          }
        }
      } catch {
        // unreachable or refusing peer: try the next
      }
    }
    if (entries.size === 0) return undefined;
    const state = replayAuthority([...entries.values()], this.#o.crypto, room);
    return state.heads().length === 0 ? undefined : state;
  }
}
