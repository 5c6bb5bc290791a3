/**
 * What an owner types to list a community (tags comma-separated as people write them, a
 * description) checked against LISTING's rules (PROTOCOL 8.5) before anything is signed, so a bad
 * tag is an error in words, not a half-made public room.
 */
import { normalizeTag } from '@parley/protocol';

/** What a public community shows in the directory (PROTOCOL 8.5); tags normalised, the client sorts them. */
export interface PublicListing {
  readonly description: string;
  readonly tags: readonly string[];
}

const bytes = (s: string): number => new TextEncoder().encode(s).length;

/** The listing, or what is wrong with it in words: 1..8 tags, a description of at most 1024 bytes, a name of at most 96 bytes. */
export const publicListing = (name: string, description: string, rawTags: string): PublicListing | string => {
  if (bytes(name) > 96) return 'A public community’s name is at most 96 bytes.';
  if (bytes(description) > 1024) return 'The description is at most 1024 bytes.';
  const typed = rawTags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const tags: string[] = [];
  for (const t of typed) {
    try {
      tags.push(normalizeTag(t));
    } catch {
      return `“${t.slice(0, 40)}” is not a tag: use letters, digits and hyphens, with / for a sub-tag (gaming/chess).`;
    }
  }
  const distinct = [...new Set(tags)];
  if (distinct.length === 0) return 'A public community needs at least one tag, so people can find it.';
  if (distinct.length > 8) return 'A public community has at most 8 tags.';
  return { description, tags: distinct };
};
