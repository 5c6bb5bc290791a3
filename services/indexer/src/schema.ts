/**
 * The indexer's Postgres schema (drizzle-orm), the same on Postgres and PGlite. Migrations in
 * ../migrations are generated from this file with `npm run generate -w services/indexer`.
 *
 *   listings   every LISTING frame that opened (form, clock, work, signature) and has not expired, one row
 *              per (room, publisher account): a re-crawl of the same listing or a newer one from the same
 *              publisher replaces it, never duplicates; `verified` once the room's authority log showed the
 *              publisher is a member and the listing matches the room's SET_DISCOVERY settings
 *   rooms      one row per listed room, from its newest verified listing: the searchable document
 *              (`search`, a generated tsvector with a GIN index), tag paths (GIN), activity and votes
 *   votes      the latest VOTE per (room, voter account)
 *   presence   distinct peers seen announcing a room (PRESENCE records), for the activity signal
 *   room_head_terms  one row per (lexeme of a room's name and tags, room) with the lexeme's rank in the room
 *              (kept by triggers): relevance for a one-word query reads a page of it in rank order
 *   tags       every tag path the crawler knows (seeds and paths found in listings), with crawl times
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => {
    const out = new Uint8Array(v.length);
    out.set(v);
    return out;
  },
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const listings = pgTable(
  'listings',
  {
    room: text('room').notNull(),
    account: text('account').notNull(),
    id: text('id').notNull(),
    signer: text('signer').notNull(),
    issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    bytes: bytea('bytes').notNull(),
    seenAt: bigint('seen_at', { mode: 'number' }).notNull(),
    /** H(name, description, language, tags, colour): a re-publish of the same content keeps its check. */
    content: text('content').notNull(),
    /** Membership checked against the room's authority log (and its settings matched); only verified listings are served. */
    verified: boolean('verified').notNull().default(false),
    /** Membership checks tried so far (an unreachable room is retried, up to a bound). */
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'listings_pkey', columns: [t.room, t.account] }),
    index('listings_expires').on(t.expiresAt),
    index('listings_pending').on(t.verified, t.attempts, t.seenAt),
  ],
);

export const rooms = pgTable(
  'rooms',
  {
    room: text('room').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    language: text('language').notNull(),
    tags: text('tags').array().notNull(),
    /** The tags and all their ancestors: what a tag filter matches. */
    tagPaths: text('tag_paths').array().notNull(),
    /** The tag paths' words (`gaming fps`), filled by the indexer: array_to_string is not immutable, so a generated column cannot use it. */
    tagText: text('tag_text').notNull(),
    color: integer('color').notNull(),
    listingId: text('listing_id').notNull(),
    firstSeen: bigint('first_seen', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    /** Distinct peers that announced the room over the last day. */
    activity: integer('activity').notNull().default(0),
    up: integer('up').notNull().default(0),
    down: integer('down').notNull().default(0),
    score: integer('score').notNull().default(0),
    /** Name and tags only: what relevance ranks first (search.ts). */
    head: tsvector('head')
      .notNull()
      .generatedAlwaysAs(sql`setweight(to_tsvector('english'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B')`),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, "name"), 'A') || setweight(to_tsvector('english'::regconfig, "description"), 'C') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B')`,
      ),
  },
  (t) => [
    index('rooms_search').using('gin', t.search),
    index('rooms_head').using('gin', t.head),
    index('rooms_tag_paths').using('gin', t.tagPaths),
    index('rooms_expires').on(t.expiresAt),
    // Browsing orders: the key descending, then the room id (search.ts orders exactly so).
    index('rooms_activity').on(t.activity.desc(), t.room),
    index('rooms_first_seen').on(t.firstSeen.desc(), t.room),
    index('rooms_score').on(t.score.desc(), t.room),
    index('rooms_lower_name').on(sql`lower(${t.name})`),
  ],
);

/**
 * One row per (tag path, room), mirroring the room's sort keys: browsing a tag in an order walks
 * (tag, key desc, room) and stops after a page, whatever the tag's size or how its rooms' keys are
 * distributed (filtering the rooms_* order indexes by tag_paths read up to half the table when a tag's
 * rooms all sat at one end of the order). Kept equal to `rooms` by triggers (migration 0002), so no
 * write path can forget it.
 */
export const roomTags = pgTable(
  'room_tags',
  {
    tag: text('tag').notNull(),
    room: text('room').notNull(),
    activity: integer('activity').notNull(),
    score: integer('score').notNull(),
    firstSeen: bigint('first_seen', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'room_tags_pkey', columns: [t.room, t.tag] }),
    index('room_tags_activity').on(t.tag, t.activity.desc(), t.room),
    index('room_tags_first_seen').on(t.tag, t.firstSeen.desc(), t.room),
    index('room_tags_score').on(t.tag, t.score.desc(), t.room),
  ],
);

/**
 * One row per (lexeme of the room's `head`, room), with ts_rank_cd(search, that lexeme): the first
 * relevance tier of a one-word query, already in order. Ranking the tier from the GIN index meant
 * fetching and ranking every room whose name or tags hold the word (1,700 of 100,000 rooms for a
 * common word) to return 20; this index returns the 20 (search.ts). Kept equal to `rooms` by
 * triggers (migration 0004). Name and tag lexemes only (about five a room): description-only matches
 * rank after them and are read from the GIN index when a page needs them.
 */
export const roomHeadTerms = pgTable(
  'room_head_terms',
  {
    term: text('term').notNull(),
    room: text('room').notNull(),
    rank: real('rank').notNull(),
    /** The room's tag paths, in the index too: a tag filter is checked on index entries alone. */
    tagPaths: text('tag_paths').array().notNull(),
  },
  (t) => [index('room_head_terms_rank').on(t.term, t.rank.desc(), t.room, t.tagPaths), index('room_head_terms_room').using('hash', t.room)],
);

export const votes = pgTable(
  'votes',
  {
    room: text('room').notNull(),
    voter: text('voter').notNull(),
    up: boolean('up').notNull(),
    issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
    id: text('id').notNull(),
  },
  (t) => [primaryKey({ name: 'votes_pkey', columns: [t.room, t.voter] })],
);

export const presence = pgTable(
  'presence',
  {
    room: text('room').notNull(),
    peer: text('peer').notNull(),
    seenAt: bigint('seen_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'presence_pkey', columns: [t.room, t.peer] }), index('presence_seen').on(t.seenAt)],
);

export const tags = pgTable('tags', {
  path: text('path').primaryKey(),
  firstSeen: bigint('first_seen', { mode: 'number' }).notNull(),
  lastCrawled: bigint('last_crawled', { mode: 'number' }).notNull().default(0),
  /** Valid listings found at the last crawl. */
  listings: integer('listings').notNull().default(0),
});
