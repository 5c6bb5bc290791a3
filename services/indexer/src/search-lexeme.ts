/**
 * The one lexeme a search text stands for, when websearch_to_tsquery('english') makes a single operand
 * of it (`drawing` → `draw`; not `"two words"`, `a or b`, `-a`, or a text of stop words only): what
 * the ranked head-term index (room_head_terms) answers directly. Asked of the database, which owns the
 * parser and stemmer; answers are remembered per text (the mapping is fixed for a configuration).
 */
import { sql } from 'drizzle-orm';
import type { IndexStore } from './store.ts';

const CACHE_MAX = 2_048;
const cache = new Map<string, string | null>();

/** A tsquery's text form for one operand: the lexeme quoted, quotes doubled and backslashes escaped. */
const OPERAND = /^'((?:[^'\\]|''|\\.)*)'$/s;

/** Parses `'lexeme'` (tsquery output) back to the lexeme; undefined for anything else. */
export const operandLexeme = (text: string): string | undefined => {
  const m = OPERAND.exec(text);
  return m === null ? undefined : (m[1] as string).replace(/''|\\(.)/gs, (_all, c: string | undefined) => (c === undefined ? "'" : c));
};

export const singleLexeme = async (store: IndexStore, q: string): Promise<string | undefined> => {
  const known = cache.get(q);
  if (known !== undefined) return known ?? undefined;
  const row = (await store.read(sql`select numnode(t)::int as n, t::text as s from websearch_to_tsquery('english'::regconfig, ${q}) as t`))[0];
  const lexeme = row !== undefined && Number(row.n) === 1 ? operandLexeme(String(row.s)) : undefined;
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(q, lexeme ?? null);
  return lexeme;
};
