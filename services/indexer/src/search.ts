/**
 * Directory search: full text (websearch syntax, `english` configuration, over the generated
 * tsvector: name weighted A, tags B, description C) with tag and language filters, four orders and
 * keyset (cursor) pagination. Relevance puts an exact name match (case-insensitive) first, then rooms
 * whose name or tags match, then ts_rank_cd, then the room id; the other orders sort by activity,
 * first appearance or vote score, then the room id. A one-word query reads its name-or-tag tier from
 * room_head_terms, where it is already ranked. The cursor is the last row's sort key, so pages never
 * repeat or skip a row that stays put. Inputs are checked here and arrive in SQL only as bound
 * parameters.
 */
import { validateTag } from '@parley/protocol';
import { rowsOf } from '@parley/store-postgres';
import { type SQL, sql } from 'drizzle-orm';
import { singleLexeme } from './search-lexeme.ts';
import type { IndexStore } from './store.ts';

export type SortOrder = 'relevance' | 'activity' | 'age' | 'votes';
export const SORTS: readonly SortOrder[] = ['relevance', 'activity', 'age', 'votes'];

export class SearchInputError extends Error {
  override readonly name = 'SearchInputError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SearchQuery {
  readonly q?: string | undefined;
  readonly tag?: string | undefined;
  readonly lang?: string | undefined;
  readonly sort?: SortOrder | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export interface RoomResult {
  readonly room: string;
  readonly name: string;
  readonly description: string;
  readonly language: string;
  readonly tags: string[];
  readonly color: number;
  readonly activity: number;
  readonly votes: { readonly up: number; readonly down: number; readonly score: number };
  readonly firstSeen: number;
  readonly expiresAt: number;
}

export interface SearchResult {
  readonly rooms: RoomResult[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next: string | null;
  readonly sort: SortOrder;
}

export const MAX_QUERY_CHARS = 200;
export const MAX_LIMIT = 50;
const LANG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
const ROOM = /^[0-9a-f]{64}$/;

/** Parses the query string of GET /v1/search; throws SearchInputError naming the bad parameter. */
export const parseSearchParams = (params: URLSearchParams): SearchQuery => {
  const known = new Set(['q', 'tag', 'lang', 'sort', 'limit', 'cursor']);
  for (const k of params.keys()) if (!known.has(k)) throw new SearchInputError('bad-parameter', `unknown parameter ${JSON.stringify(k.slice(0, 40))}`);
  const one = (k: string): string | undefined => {
    const all = params.getAll(k);
    if (all.length > 1) throw new SearchInputError('bad-parameter', `${k} given more than once`);
    return all[0];
  };
  const limitRaw = one('limit');
  let limit: number | undefined;
  if (limitRaw !== undefined) {
    if (!/^[0-9]{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_LIMIT)
      throw new SearchInputError('bad-limit', `limit must be 1..${MAX_LIMIT}`);
    limit = Number(limitRaw);
  }
  const sort = one('sort');
  if (sort !== undefined && !(SORTS as readonly string[]).includes(sort)) throw new SearchInputError('bad-sort', `sort must be one of ${SORTS.join(', ')}`);
  return { q: one('q'), tag: one('tag'), lang: one('lang'), sort: sort as SortOrder | undefined, limit, cursor: one('cursor') };
};

const encodeCursor = (keys: (number | string)[]): string => Buffer.from(JSON.stringify(keys)).toString('base64url');

const decodeCursor = (c: string, numbers: number): { keys: number[]; room: string } => {
  const bad = () => new SearchInputError('bad-cursor', 'cursor is not one this indexer issued for this order');
  if (c.length > 256 || !/^[A-Za-z0-9_-]+$/.test(c)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== numbers + 1) throw bad();
  const keys = v.slice(0, numbers);
  const room = v[numbers];
  if (!keys.every((k) => typeof k === 'number' && Number.isFinite(k)) || typeof room !== 'string' || !ROOM.test(room)) throw bad();
  return { keys: keys as number[], room };
};

interface Plan {
  /** Sort key expressions, each descending; the room id ascending breaks ties. */
  readonly keys: SQL[];
  readonly names: string[];
}

/** Runs a search at `now` (rooms whose listings expired before `now` are never returned). */
export const search = async (store: IndexStore, query: SearchQuery, now: number): Promise<SearchResult> => {
  const q = query.q?.trim() ?? '';
  if (q.length > MAX_QUERY_CHARS) throw new SearchInputError('bad-query', `q is longer than ${MAX_QUERY_CHARS} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(q)) throw new SearchInputError('bad-query', 'q contains control characters');
  let tag: string | undefined;
  if (query.tag !== undefined) {
    try {
      tag = validateTag(query.tag, 'tag');
    } catch {
      throw new SearchInputError('bad-tag', 'tag must be a path like gaming/fps (lowercase letters, digits, hyphens; 1..4 segments)');
    }
  }
  if (query.lang !== undefined && (query.lang.length > 16 || !LANG.test(query.lang)))
    throw new SearchInputError('bad-lang', 'lang must be a language tag like en or pt-BR');
  const limit = query.limit ?? 20;
  const hasText = q !== '';
  // Relevance needs a query; without one it means activity.
  const asked: SortOrder = query.sort ?? (hasText ? 'relevance' : 'activity');
  const sort: SortOrder = asked === 'relevance' && !hasText ? 'activity' : asked;
  const tq = sql`websearch_to_tsquery('english'::regconfig, ${q})`;
  const exact = sql`lower(name) = lower(${q})`;
  // Browsing one tag walks room_tags' (tag, key desc, room) index: a page costs a page, whatever the tag.
  const browseTag = tag !== undefined && !hasText ? tag : undefined;
  const t = browseTag === undefined ? sql.raw('r.') : sql.raw('t.');
  const plan: Plan =
    sort === 'relevance'
      ? { keys: [sql`(${exact})::int`, sql`(head @@ ${tq})::int`, sql`ts_rank_cd(search, ${tq})::float8`], names: ['exact', 'tier', 'rank'] }
      : sort === 'age'
        ? { keys: [sql`${t}first_seen`], names: ['k0'] }
        : sort === 'votes'
          ? { keys: [sql`${t}score`], names: ['k0'] }
          : { keys: [sql`${t}activity`], names: ['k0'] };
  const where: SQL[] = [sql`${t}expires_at >= ${now}`];
  if (browseTag !== undefined) where.push(sql`t.tag = ${browseTag}`);
  else if (tag !== undefined) where.push(sql`r.tag_paths @> ARRAY[${tag}]::text[]`);
  if (query.lang !== undefined) where.push(sql`(lower(language) = lower(${query.lang}) or lower(language) like lower(${query.lang}) || '-%')`);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, plan.names.length);
  const from = browseTag === undefined ? sql`rooms r` : sql`room_tags t join rooms r on r.room = t.room`;
  const run = (extra: SQL[], after: boolean, n: number) => page(store, plan, from, [...where, ...extra], after ? cursor : undefined, n);
  let rows: Record<string, unknown>[];
  if (sort !== 'relevance') rows = await run(hasText ? [sql`(search @@ ${tq} or ${exact})`] : [], true, limit + 1);
  else {
    // Relevance is (exact name, name-or-tag match, rank, room). Matches in the name or tags (the `head`
    // vector, far fewer rows than the description's) come first, so a page is usually filled from them
    // alone; rows that match only the description are ranked only when the page needs them.
    const c = cursor?.keys ?? [1, 1];
    const pastHeads = cursor !== undefined && c[0] === 0 && c[1] === 0;
    const lexeme = pastHeads ? undefined : await singleLexeme(store, q);
    if (pastHeads) rows = [];
    else if (lexeme === undefined) rows = await run([sql`(head @@ ${tq} or ${exact})`], true, limit + 1);
    else {
      // One word: exact names first (the lower(name) index), then the head-term index in rank order,
      // a page at a time, instead of ranking every room whose name or tags hold the word.
      // Both in one statement, each part ordered and limited on its own.
      const heads: Plan = { keys: [sql`0`, sql`1`, sql`h.rank`], names: plan.names };
      const filters = [...where, sql`h.term = ${lexeme}`, sql`not (${exact})`];
      if (tag !== undefined) filters.push(sql`h.tag_paths @> ARRAY[${tag}]::text[]`);
      const headPart = pageQuery(heads, sql`room_head_terms h join rooms r on r.room = h.room`, filters, cursor, limit + 1);
      rows =
        c[0] === 1
          ? await store.read(
              sql`select * from ((${pageQuery(plan, from, [...where, exact], cursor, limit + 1)}) union all (${headPart})) u order by ${orderOf(plan)}, room asc limit ${limit + 1}`,
            )
          : await store.read(headPart);
    }
    if (rows.length <= limit)
      rows = [...rows, ...(await run([sql`search @@ ${tq}`, sql`not (head @@ ${tq})`, sql`not (${exact})`], pastHeads, limit + 1 - rows.length))];
  }
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  const next = rows.length > limit && last !== undefined ? encodeCursor([...plan.names.map((n) => Number(last[n])), String(last.room)]) : null;
  return { sort, next, rooms: shown.map(toResult) };
};

/** One ordered, keyset-paginated read: rows of `from` (rooms as `r`) matching `where`, strictly after `cursor` in the plan's order. */
const page = (store: IndexStore, plan: Plan, from: SQL, where: SQL[], cursor: Cursor | undefined, n: number): Promise<Record<string, unknown>[]> =>
  store.read(pageQuery(plan, from, where, cursor, n));

type Cursor = { keys: number[]; room: string };

const orderOf = (plan: Plan): SQL =>
  sql.join(
    plan.names.map((name) => sql`${sql.raw(name)} desc nulls last`),
    sql`, `,
  );

/** The statement of `page`. */
const pageQuery = (plan: Plan, from: SQL, where: SQL[], cursor: Cursor | undefined, n: number): SQL => {
  const cols = plan.keys.map((k, i) => sql`${k} as ${sql.raw(plan.names[i] as string)}`);
  const inner = sql`select r.room, r.name, r.description, r.language, r.tags, r.color, r.activity, r.up, r.down, r.score, r.first_seen, r.expires_at,
    ${sql.join(cols, sql`, `)} from ${from} where ${sql.join(where, sql` and `)}`;
  let after = sql`true`;
  if (cursor !== undefined) {
    // (k0, k1, ...) descending, then room ascending: the rows strictly after the cursor's.
    const ors: SQL[] = [];
    for (let i = 0; i <= plan.names.length; i++) {
      const eq = plan.names.slice(0, i).map((name, j) => sql`${sql.raw(name)} = ${cursor.keys[j]}`);
      const last = i < plan.names.length ? sql`${sql.raw(plan.names[i] as string)} < ${cursor.keys[i]}` : sql`room > ${cursor.room}`;
      ors.push(sql.join([...eq, last], sql` and `));
    }
    after = sql`(${sql.join(
      ors.map((o) => sql`(${o})`),
      sql` or `,
    )})`;
  }
  return sql`select * from (${inner}) s where ${after} order by ${orderOf(plan)}, room asc limit ${n}`;
};

const toResult = (r: Record<string, unknown>): RoomResult => ({
  room: String(r.room),
  name: String(r.name),
  description: String(r.description),
  language: String(r.language),
  tags: r.tags as string[],
  color: Number(r.color),
  activity: Number(r.activity),
  votes: { up: Number(r.up), down: Number(r.down), score: Number(r.score) },
  firstSeen: Number(r.first_seen),
  expiresAt: Number(r.expires_at),
});

export const roomById = async (store: IndexStore, room: string, now: number): Promise<RoomResult | undefined> => {
  const r = rowsOf(await store.db.execute(sql`select * from rooms where room = ${room} and expires_at >= ${now}`))[0];
  return r === undefined ? undefined : toResult(r);
};
