/**
 * The directory indexer's search API as the Discover page reads it (services/indexer http.ts):
 * `GET /v1/search`, `GET /v1/tags` and `POST /v1/votes` on the origin the portal names. Everything that comes back is
 * checked before it is shown (an indexer is a replaceable third party, not an authority); a failure
 * is a DirectoryError whose `kind` says what went wrong in words the page can show.
 */

export type DirectorySort = 'relevance' | 'activity' | 'age' | 'votes';

export interface DirectoryQuery {
  readonly q?: string;
  readonly tag?: string;
  readonly sort?: DirectorySort;
  readonly limit?: number;
  readonly cursor?: string;
}

/** One room as the indexer lists it (PROTOCOL 8.5 fields plus the indexer's signals). */
export interface DirectoryRoom {
  /** Room id, 64 lowercase hex characters. */
  readonly room: string;
  readonly name: string;
  readonly description: string;
  readonly language: string;
  readonly tags: readonly string[];
  /** Icon colour 0xRRGGBB. */
  readonly color: number;
  /** Distinct presence records seen for the room over the last day. */
  readonly activity: number;
  readonly votes: { readonly up: number; readonly down: number; readonly score: number };
  /** When the indexer first saw the room (ms). */
  readonly firstSeen: number;
}

export interface DirectoryPage {
  readonly rooms: readonly DirectoryRoom[];
  /** Cursor of the next page, or null on the last. */
  readonly next: string | null;
}

export interface DirectoryTag {
  readonly path: string;
  readonly rooms: number;
}

export type DirectoryErrorKind = 'unreachable' | 'rate-limited' | 'bad-query' | 'bad-answer';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  readonly kind: DirectoryErrorKind;
  constructor(kind: DirectoryErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** A room from the wire, or undefined when any field is missing or out of bounds (such a row is dropped, not shown). */
export const parseDirectoryRoom = (v: unknown): DirectoryRoom | undefined => {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const votes = r.votes as Record<string, unknown> | null | undefined;
  if (
    !(typeof r.room === 'string' && HEX64.test(r.room)) ||
    !isText(r.name, 96) ||
    r.name.trim() === '' ||
    !isText(r.description, 1024) ||
    !isText(r.language, 16) ||
    !Array.isArray(r.tags) ||
    r.tags.length > 8 ||
    !r.tags.every((t) => isText(t, 64)) ||
    !(isCount(r.color) && r.color >= 0 && r.color <= 0xffffff) ||
    !(isCount(r.activity) && r.activity >= 0) ||
    typeof votes !== 'object' ||
    votes === null ||
    !isCount(votes.up) ||
    !isCount(votes.down) ||
    !isCount(votes.score) ||
    !isCount(r.firstSeen)
  )
    return undefined;
  return {
    room: r.room,
    name: r.name,
    description: r.description,
    language: r.language,
    tags: r.tags as string[],
    color: r.color,
    activity: r.activity,
    votes: { up: votes.up, down: votes.down, score: votes.score },
    firstSeen: r.firstSeen,
  };
};

const getJson = async (url: string, signal: AbortSignal | undefined): Promise<unknown> => {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' }, credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new DirectoryError('unreachable', 'The directory could not be reached.');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 429) throw new DirectoryError('rate-limited', 'The directory is busy; try again in a moment.');
  if (res.status === 400) {
    const msg = (body as { message?: unknown } | undefined)?.message;
    throw new DirectoryError('bad-query', typeof msg === 'string' ? msg.slice(0, 200) : 'The directory did not understand that search.');
  }
  if (!res.ok || body === undefined) throw new DirectoryError('unreachable', `The directory answered ${res.status}.`);
  return body;
};

/** One page of search results. */
export const searchDirectory = async (origin: string, query: DirectoryQuery, signal?: AbortSignal): Promise<DirectoryPage> => {
  const params = new URLSearchParams();
  const q = query.q?.trim() ?? '';
  if (q !== '') params.set('q', q.slice(0, 200));
  if (query.tag !== undefined && query.tag !== '') params.set('tag', query.tag);
  if (query.sort !== undefined) params.set('sort', query.sort);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  const body = (await getJson(`${origin}/v1/search?${params}`, signal)) as { rooms?: unknown; next?: unknown };
  if (!Array.isArray(body.rooms) || !(body.next === null || (typeof body.next === 'string' && body.next.length <= 256)))
    throw new DirectoryError('bad-answer', 'The directory sent an answer this page cannot read.');
  const rooms = body.rooms.map(parseDirectoryRoom).filter((r): r is DirectoryRoom => r !== undefined);
  return { rooms, next: body.next };
};

/** Known tag paths with their room counts, most rooms first. */
export const directoryTags = async (origin: string, signal?: AbortSignal): Promise<DirectoryTag[]> => {
  const body = (await getJson(`${origin}/v1/tags`, signal)) as { tags?: unknown };
  if (!Array.isArray(body.tags)) throw new DirectoryError('bad-answer', 'The directory sent an answer this page cannot read.');
  return body.tags
    .filter((t): t is DirectoryTag => typeof t === 'object' && t !== null && isText((t as DirectoryTag).path, 64) && isCount((t as DirectoryTag).rooms))
    .map((t) => ({ path: t.path, rooms: t.rooms }))
    .sort((a, b) => b.rooms - a.rooms || (a.path < b.path ? -1 : 1));
};

/** Sends one VOTE frame; resolves with whether it counted (false: an older vote by the same account stands). */
export const postVote = async (origin: string, frame: Uint8Array): Promise<boolean> => {
  let res: Response;
  try {
    res = await fetch(`${origin}/v1/votes`, {
      method: 'POST',
      body: frame as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new DirectoryError('unreachable', 'The directory could not be reached.');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 429) throw new DirectoryError('rate-limited', 'The directory is busy; try again in a moment.');
  if (res.status === 400) throw new DirectoryError('bad-query', 'The directory refused this vote.');
  const counted = (body as { counted?: unknown } | undefined)?.counted;
  if (!res.ok || typeof counted !== 'boolean') throw new DirectoryError('unreachable', `The directory answered ${res.status}.`);
  return counted;
};
