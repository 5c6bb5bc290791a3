/**
 * Browsing one tag straight from the DHT when no indexer is configured or reachable (issue 7: the
 * web app does not depend on any one indexer). The node reads the tag's listing set and opens every
 * listing (form, clock, proof of work, signature: PROTOCOL 8.5); what only an indexer checks, that
 * the publisher belongs to the room, is not checked here, and the page says so. Joining still
 * verifies the room against its id, as from any invite.
 */
import type { ParleyClient } from '@parley/client';
import { normalizeTag, toHex } from '@parley/protocol';
import type { DirectoryRoom } from './indexer-api.ts';

/** The tag in normal form, or undefined when what was typed is not one. */
export const tagOrUndefined = (typed: string): string | undefined => {
  try {
    return normalizeTag(typed);
  } catch {
    return undefined;
  }
};

export const browseTagFromNetwork = async (client: ParleyClient, tag: string, signal?: AbortSignal): Promise<DirectoryRoom[]> => {
  const read = await client.node.readTag(tag, { signal });
  return read.listings.map((l) => ({
    room: toHex(l.body.room),
    name: l.body.name,
    description: l.body.description,
    language: l.body.language,
    tags: l.body.tags,
    color: l.body.color,
    activity: 0,
    votes: { up: 0, down: 0, score: 0 },
    firstSeen: l.body.issuedAt,
  }));
};
