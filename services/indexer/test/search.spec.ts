/**
 * Search behaves, on PGlite and Postgres: exact-name matches rank first, filters by tag (with
 * descendants) and language, every order pages stably with cursors (no row repeated or skipped),
 * SQL / full-text injection strings are plain text, and bad parameters are typed errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tagPublishPaths } from '@parley/protocol';
import { rowsOf } from '@parley/store-postgres';
import { sql } from 'drizzle-orm';
import { type Database, IndexStore, openDatabase, parseSearchParams, SearchInputError, type SearchQuery, search } from '../src/index.ts';
import { operandLexeme } from '../src/search-lexeme.ts';
import { BACKENDS, seed } from './helpers.ts';

const NOW = 1_800_000_000_000;
const hex = (s: string): string => Buffer.from(seed(s)).toString('hex');

const ROOMS: { name: string; description: string; tags: string[]; language: string; activity: number; score: number; firstSeen: number }[] = [
  { name: 'Chess', description: 'The chess room', tags: ['games/board'], language: 'en', activity: 1, score: 0, firstSeen: NOW - 9_000 },
  {
    name: 'Chess Club Berlin',
    description: 'chess chess chess chess every evening, chess openings, chess endgames',
    tags: ['games/board'],
    language: 'de',
    activity: 40,
    score: 9,
    firstSeen: NOW - 8_000,
  },
  {
    name: 'Speed chess',
    description: 'Blitz and bullet chess',
    tags: ['games/board', 'sports'],
    language: 'en',
    activity: 12,
    score: 3,
    firstSeen: NOW - 7_000,
  },
  { name: 'Frag Night', description: 'FPS evenings', tags: ['gaming/fps'], language: 'en-GB', activity: 30, score: 5, firstSeen: NOW - 6_000 },
  {
    name: 'Retro corner',
    description: 'Old consoles and pixel art',
    tags: ['gaming/retro', 'art'],
    language: 'pt-BR',
    activity: 30,
    score: -2,
    firstSeen: NOW - 5_000,
  },
];
// Names whose lexemes hold a quote (`x.org/a''b`): the head-term index must quote them back exactly.
ROOMS.push(
  {
    name: "O'Brien's pub",
    description: "Irish sessions at o'brien's, go on Sundays",
    tags: ['social'],
    language: 'en',
    activity: 2,
    score: 1,
    firstSeen: NOW - 3_000,
  },
  {
    name: "http://x.org/a'b club",
    description: 'paths like C:\\games\\go and x.org/p\\q',
    tags: ['social/web'],
    language: 'en',
    activity: 2,
    score: 1,
    firstSeen: NOW - 3_000,
  },
);
// Filler with ties on every sort key, so that pagination must break ties by room id.
for (let i = 0; i < 57; i++) {
  ROOMS.push({
    name: `Board games ${i}`,
    description: 'board games night, chess sometimes',
    tags: ['games/board'],
    language: 'en',
    activity: i % 3,
    score: i % 2,
    firstSeen: NOW - (i % 4) * 1000,
  });
}

for (const make of BACKENDS) {
  describe(`directory search (${make().name})`, { timeout: 120_000 }, () => {
    const backend = make();
    let db: Database;
    let store: IndexStore;
    const run = (q: SearchQuery) => search(store, q, NOW);

    before(async () => {
      db = await openDatabase(await backend.database('search'));
      store = new IndexStore(db.db);
      for (const r of ROOMS) {
        const id = hex(r.name);
        const paths = [...new Set(r.tags.flatMap((t) => tagPublishPaths(t)))].sort();
        await store.upsertRoom(id, { ...r, color: 0, tagPaths: paths, listingId: id, expiresAt: NOW + 60_000 }, r.firstSeen);
        await db.db.execute(sql`update rooms set activity = ${r.activity}, score = ${r.score} where room = ${id}`);
      }
      // An expired room is never returned.
      await store.upsertRoom(
        hex('old'),
        { name: 'Chess', description: 'expired', language: 'en', tags: ['games'], tagPaths: ['games'], color: 0, listingId: 'x', expiresAt: NOW - 1 },
        NOW - 10_000,
      );
    });
    after(async () => {
      await db?.close();
      await backend.cleanup();
    });

    it('ranks the exact name match first, then by relevance', async () => {
      const r = await run({ q: 'chess' });
      assert.equal(r.sort, 'relevance');
      assert.equal(r.rooms[0]?.name, 'Chess', 'the room named exactly "chess" beats one that says chess eight times');
      assert.ok(r.rooms.some((x) => x.name === 'Chess Club Berlin'));
      assert.ok(!r.rooms.some((x) => x.description === 'expired'), 'expired rooms are never served');
      const exact = await run({ q: 'chess club berlin' });
      assert.equal(exact.rooms[0]?.name, 'Chess Club Berlin');
      const web = await run({ q: '"speed chess" -berlin' });
      assert.deepEqual(
        web.rooms.map((x) => x.name),
        ['Speed chess'],
        'websearch syntax: phrases and exclusion',
      );
      assert.equal((await run({ q: 'fps' })).rooms[0]?.name, 'Frag Night', 'tags are searchable words');
      assert.deepEqual(
        (await run({ q: 'retro gaming' })).rooms.map((x) => x.name),
        ['Retro corner'],
        'tag words are stemmed like the query (the tag gaming/retro matches "gaming")',
      );
      // A name or tag match outranks a description-only match, however often the description says it.
      const chess = (await run({ q: 'chess', limit: 50 })).rooms.map((x) => x.name);
      assert.deepEqual(chess.slice(0, 3), ['Chess', 'Chess Club Berlin', 'Speed chess'], 'the exact name, then name matches by rank');
      assert.ok(
        chess.slice(3).every((n) => n.startsWith('Board games')),
        'then the rooms that say chess only in their description',
      );
    });

    /** Every page of a one-word relevance search, concatenated, equals ranking all matches in one query. */
    const sameAsRankingAll = async (when: string) => {
      const words = ['chess', 'Chess', 'board', 'games', 'night', 'evening', 'fps', 'retro', 'art', 'pixel', 'club', 'berlin', 'sessions', 'pub'];
      words.push("o'brien's", "O'Brien's pub", 'brien', "x.org/a'b", "http://x.org/a'b club", 'C:\\games\\go', 'social', 'web', 'nothing-here');
      for (const q of words)
        for (const filter of [{}, { tag: 'games' }, { tag: 'social' }, { tag: 'sports' }, { lang: 'en' }]) {
          const paged: string[] = [];
          let cursor: string | undefined;
          for (let i = 0; i < 100; i++) {
            const p = await run({ q, ...filter, limit: 4, cursor });
            paged.push(...p.rooms.map((x) => x.room));
            if (p.next === null) break;
            cursor = p.next;
          }
          const tq = sql`websearch_to_tsquery('english'::regconfig, ${q})`;
          const tag = 'tag' in filter ? sql`tag_paths @> ARRAY[${filter.tag}]::text[]` : sql`true`;
          const lang = 'lang' in filter ? sql`(language = 'en' or language like 'en-%')` : sql`true`;
          const want = rowsOf(
            await db.db.execute(sql`select room from rooms where expires_at >= ${NOW} and (search @@ ${tq} or lower(name) = lower(${q})) and ${tag} and ${lang}
              order by (lower(name) = lower(${q}))::int desc, (head @@ ${tq})::int desc, ts_rank_cd(search, ${tq})::float8 desc, room asc`),
          ).map((r) => String(r.room));
          assert.deepEqual(paged, want, `${when}: ${JSON.stringify(q)} ${JSON.stringify(filter)}`);
        }
    };

    it('answers a one-word query from the ranked head-term index exactly as ranking every match would', async () => {
      await sameAsRankingAll('as seeded');
      const terms = rowsOf(await db.db.execute(sql`select term, rank from room_head_terms where room = ${hex("http://x.org/a'b club")}`));
      assert.ok(
        terms.some((t) => String(t.term) === "x.org/a'b" && Number(t.rank) > 0),
        `a lexeme with a quote is indexed and ranked (${JSON.stringify(terms)})`,
      );
      // The lexeme goes to a tsquery and back unchanged, whatever it holds.
      for (const lexeme of ["a'b", "''", 'a\\b', '\\', "x'\\'y", 'plain', 'ユニ']) {
        const text = String(rowsOf(await db.db.execute(sql`select parley_lexeme_query(${lexeme})::text as t`))[0]?.t);
        assert.equal(operandLexeme(text), lexeme, text);
      }
    });

    it('filters by tag (a parent finds its children) and by language (en matches en-GB)', async () => {
      const gaming = await run({ tag: 'gaming', limit: 50 });
      assert.deepEqual(gaming.rooms.map((x) => x.name).sort(), ['Frag Night', 'Retro corner']);
      assert.deepEqual(
        (await run({ tag: 'gaming/fps' })).rooms.map((x) => x.name),
        ['Frag Night'],
      );
      const en = await run({ q: 'frag', lang: 'en' });
      assert.deepEqual(
        en.rooms.map((x) => x.name),
        ['Frag Night'],
      );
      assert.deepEqual(
        (await run({ lang: 'pt' })).rooms.map((x) => x.name),
        ['Retro corner'],
      );
      assert.deepEqual(
        (await run({ q: 'chess', lang: 'de' })).rooms.map((x) => x.name),
        ['Chess Club Berlin'],
      );
    });

    it('pages stably in every order: the pages concatenate to the full ordered result, nothing repeated or skipped', async () => {
      for (const q of [
        { sort: 'activity' },
        { sort: 'age' },
        { sort: 'votes' },
        { q: 'chess', sort: 'relevance' },
        { q: 'board games' },
        { tag: 'games' },
      ] as SearchQuery[]) {
        const all = await run({ ...q, limit: 50 });
        const full = [...all.rooms];
        let cursor = all.next ?? undefined;
        while (cursor !== undefined) {
          const more = await run({ ...q, limit: 50, cursor });
          full.push(...more.rooms);
          cursor = more.next ?? undefined;
        }
        const paged: string[] = [];
        cursor = undefined;
        for (let i = 0; i < 100; i++) {
          const p = await run({ ...q, limit: 7, cursor });
          paged.push(...p.rooms.map((x) => x.room));
          if (p.next === null) break;
          cursor = p.next;
        }
        assert.deepEqual(
          paged,
          full.map((x) => x.room),
          `order ${JSON.stringify(q)}`,
        );
        assert.equal(new Set(paged).size, paged.length, 'no room twice');
        assert.ok(full.length >= 2);
      }
      const act = (await run({ sort: 'activity', limit: 3 })).rooms.map((x) => x.activity);
      assert.deepEqual(act, [40, 30, 30]);
      const votes = (await run({ sort: 'votes', limit: 1 })).rooms[0];
      assert.equal(votes?.name, 'Chess Club Berlin');
      assert.equal((await run({ sort: 'age', limit: 1 })).rooms[0]?.firstSeen, NOW);
    });

    it('treats SQL and full-text injection strings as text: no error, no effect', async () => {
      const nasty = [
        "'; drop table rooms; --",
        "chess' or '1'='1",
        'chess & !',
        '!!! ((( :* <-> |',
        '"unterminated',
        'chess:* | frag:*',
        '\\x00 \\\\ %% _ ',
        '$1 $$ $body$',
        'ユニコード 🎲',
        '-',
        'or',
      ];
      for (const q of nasty) {
        const r = await run({ q });
        assert.ok(Array.isArray(r.rooms), q);
      }
      // websearch syntax has no prefix operator: `chess:*` finds what `chess` finds.
      const plain = (await run({ q: 'chess', limit: 50 })).rooms.map((x) => x.room).sort();
      assert.deepEqual((await run({ q: 'chess:*', limit: 50 })).rooms.map((x) => x.room).sort(), plain);
      await assert.rejects(run({ tag: "games' or 1=1 --" }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-tag');
      await assert.rejects(run({ lang: "en'; --" }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-lang');
      const count = await db.db.execute(sql`select count(*)::int as n from rooms`);
      const n = Array.isArray(count) ? (count[0] as { n: number }).n : (count as unknown as { rows: { n: number }[] }).rows[0]?.n;
      assert.equal(n, ROOMS.length + 1, 'the table is intact');
    });

    it('refuses bad parameters with typed errors', async () => {
      const bad: [string, string][] = [
        ['limit=0', 'bad-limit'],
        ['limit=51', 'bad-limit'],
        ['limit=abc', 'bad-limit'],
        ['sort=random', 'bad-sort'],
        ['q=a&q=b', 'bad-parameter'],
        ['evil=1', 'bad-parameter'],
      ];
      for (const [qs, code] of bad)
        assert.throws(
          () => parseSearchParams(new URLSearchParams(qs)),
          (e: unknown) => e instanceof SearchInputError && e.code === code,
          qs,
        );
      await assert.rejects(run({ q: 'x'.repeat(201) }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-query');
      await assert.rejects(run({ q: 'a\u0000b' }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-query');
      await assert.rejects(run({ cursor: 'not-a-cursor' }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-cursor');
      const c = (await run({ sort: 'age', limit: 1 })).next as string;
      await assert.rejects(
        run({ q: 'chess', cursor: c }),
        (e: unknown) => e instanceof SearchInputError && e.code === 'bad-cursor',
        'a cursor of another order',
      );
      const forged = Buffer.from(JSON.stringify([1, 2, "x' or 1=1"])).toString('base64url');
      await assert.rejects(run({ sort: 'votes', cursor: forged }), (e: unknown) => e instanceof SearchInputError && e.code === 'bad-cursor');
    });
    // Runs last: it changes and deletes rooms.
    it('browses a tag in every order exactly as the whole directory filtered to it, and follows votes, activity, new tags and deletions', async () => {
      const tagsOf = async (): Promise<Map<string, string[]>> =>
        new Map(rowsOf(await db.db.execute(sql`select room, tag_paths from rooms`)).map((r) => [String(r.room), r.tag_paths as string[]]));
      const all = async (q: SearchQuery) => {
        const out = [];
        let cursor: string | undefined;
        do {
          const p = await run({ ...q, limit: 50, cursor });
          out.push(...p.rooms);
          cursor = p.next ?? undefined;
        } while (cursor !== undefined);
        return out;
      };
      const same = async (when: string) => {
        const paths = await tagsOf();
        for (const sort of ['activity', 'age', 'votes'] as const) {
          const everything = await all({ sort });
          for (const tag of ['games', 'games/board', 'gaming', 'gaming/retro', 'art', 'sports', 'music']) {
            for (const lang of [undefined, 'en']) {
              const got = (await all({ sort, tag, lang })).map((x) => x.room);
              const want = everything
                .filter((x) => paths.get(x.room)?.includes(tag) && (lang === undefined || x.language === lang || x.language.startsWith(`${lang}-`)))
                .map((x) => x.room);
              assert.deepEqual(got, want, `${when}: tag ${tag}, lang ${lang}, ${sort}`);
            }
          }
        }
      };
      await same('as seeded');
      const retro = hex('Retro corner');
      const chess = hex('Chess');
      await db.db.execute(sql`update rooms set activity = 99 where room = ${retro}`);
      await db.db.execute(sql`update rooms set score = -50, up = 0, down = 50 where room = ${chess}`);
      await same('after activity and votes changed');
      await store.upsertRoom(
        retro,
        {
          name: 'Retro corner',
          description: 'Old consoles and pixel art',
          language: 'pt-BR',
          tags: ['music/chiptune'],
          tagPaths: ['music', 'music/chiptune'],
          color: 0,
          listingId: 'retro-2',
          expiresAt: NOW + 60_000,
        },
        NOW,
      );
      await same('after a room changed its tags');
      assert.deepEqual((await run({ tag: 'gaming/retro' })).rooms, [], 'the old tag no longer lists it');
      await store.deleteRoom(retro);
      await same('after a room was deleted');
      assert.deepEqual((await run({ tag: 'music' })).rooms, [], 'a deleted room leaves its tags');
      await store.upsertRoom(
        chess,
        {
          name: 'Chess',
          description: 'Now a pixel art room',
          language: 'en',
          tags: ['art'],
          tagPaths: ['art'],
          color: 0,
          listingId: 'chess-2',
          expiresAt: NOW + 60_000,
        },
        NOW,
      );
      await sameAsRankingAll('after changes, a rename of the description and a deletion');
    });
  });
}
