/**
 * Mentions in the composer: the `@word` being typed at the caret, completing it to a member's
 * name, and which members a finished text mentions (`@Name` followed by a space, punctuation or the
 * end). Pure string functions; the member list comes from the room.
 */

export interface Mentionable {
  readonly account: Uint8Array;
  readonly name: string;
}

export interface MentionQuery {
  /** Index of the `@`. */
  readonly start: number;
  /** What follows the `@` up to the caret. */
  readonly query: string;
}

/** The mention being typed at `caret`: an `@` at the start or after whitespace, then no whitespace up to the caret. */
export const mentionQuery = (text: string, caret: number): MentionQuery | undefined => {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@]{0,32})$/.exec(before);
  if (m === null) return undefined;
  return { start: caret - (m[2] ?? '').length - 1, query: m[2] ?? '' };
};

/** Members whose name starts with (then contains) the query, case-insensitively; at most `max`. */
export const matchMembers = (members: readonly Mentionable[], query: string, max = 6): Mentionable[] => {
  const q = query.toLowerCase();
  const starts = members.filter((m) => m.name.toLowerCase().startsWith(q));
  const contains = members.filter((m) => !m.name.toLowerCase().startsWith(q) && m.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, max);
};

/** Replaces the query at `q` with `@name ` and says where the caret goes. */
export const completeMention = (text: string, q: MentionQuery, caret: number, name: string): { text: string; caret: number } => {
  const inserted = `@${name} `;
  return { text: text.slice(0, q.start) + inserted + text.slice(caret), caret: q.start + inserted.length };
};

const BOUNDARY = /[\s.,:;!?)'"\]]/;

/** The members `text` mentions: each `@Name` (longest name first, so "@Ann Lee" is not taken as "@Ann"). */
export const mentionedAccounts = (text: string, members: readonly Mentionable[]): Uint8Array[] => {
  const out: Uint8Array[] = [];
  const byLength = [...members].sort((a, b) => b.name.length - a.name.length);
  let rest = text;
  for (const m of byLength) {
    const needle = `@${m.name}`;
    let i = rest.indexOf(needle);
    let hit = false;
    while (i >= 0) {
      const after = rest[i + needle.length];
      const before = i === 0 ? undefined : rest[i - 1];
      if ((after === undefined || BOUNDARY.test(after)) && (before === undefined || /\s/.test(before))) {
        hit = true;
        // Blank it out, so a shorter name that is a prefix of this one does not match the same place.
        rest = rest.slice(0, i) + ' '.repeat(needle.length) + rest.slice(i + needle.length);
      }
      i = rest.indexOf(needle, i + 1);
    }
    if (hit) out.push(m.account);
  }
  return out;
};
