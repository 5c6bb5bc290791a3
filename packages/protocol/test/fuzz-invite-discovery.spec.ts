/**
 * Fuzzes every invite and discovery decoder: random bytes and mutations of valid seeds must either
 * decode or throw a ProtocolError. The URL parser and the tag normaliser take strings, so their bytes
 * are read as (lossy) UTF-8; a second URL target mutates the fragment's CBOR and re-wraps it in a
 * well-formed URL so the mutations reach the payload checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../src/bytes.ts';
import { encodeListingSet, mergeListings, openListing, openListingSet } from '../src/discovery/listing.ts';
import { openPresence, validateMultiaddr } from '../src/discovery/presence.ts';
import { normalizeTag, tagKey } from '../src/discovery/tag.ts';
import { openVote } from '../src/discovery/vote.ts';
import { openInviteToken } from '../src/invite/invite-token.ts';
import { base64urlDecode, base64urlEncode, parseInviteUrl } from '../src/invite/invite-url.ts';
import { type FuzzTarget, fuzz } from './fuzz/harness.ts';
import { crypto } from './helpers.ts';
import { ORIGIN, samples, T0 } from './vectors/gen-invite-discovery.ts';

const lossy = new TextDecoder('utf-8', { fatal: false });
const s = samples();

const targets: FuzzTarget[] = [
  { name: 'INVITE_TOKEN', seeds: s.tokens, decode: (b) => openInviteToken(b, crypto) },
  { name: 'invite URL (string)', seeds: s.urls.map(utf8), decode: (b) => parseInviteUrl(lossy.decode(b), crypto) },
  {
    name: 'invite URL (fragment CBOR)',
    seeds: s.urls.map((u) => base64urlDecode(u.slice(u.indexOf('#') + 1), 'seed')),
    decode: (b) => parseInviteUrl(`${ORIGIN}/join#${base64urlEncode(b)}`, crypto),
  },
  { name: 'PRESENCE', seeds: s.presences, decode: (b) => openPresence(b, crypto, T0, s.room) },
  // Difficulty 0 so that mutations get past the work check and reach the signature.
  { name: 'LISTING', seeds: s.listings, decode: (b) => openListing(b, crypto, T0, 0) },
  {
    name: 'LISTING set',
    seeds: [
      encodeListingSet(
        mergeListings(
          s.listings.map((l) => openListing(l, crypto, T0, 0)),
          [],
          4,
          T0,
        ),
      ),
    ],
    decode: (b) => openListingSet(b, tagKey('gaming', crypto), crypto, T0, 0),
  },
  { name: 'VOTE', seeds: s.votes, decode: (b) => openVote(b, crypto, T0, 0) },
  { name: 'tag (string)', seeds: ['gaming/fps', ' Board Games//Euro ', 'a/b/c/d'].map(utf8), decode: (b) => normalizeTag(lossy.decode(b)) },
  { name: 'multiaddr (string)', seeds: s.addrs.map(utf8), decode: (b) => validateMultiaddr(lossy.decode(b), 'm') },
];

describe('fuzz: invite and discovery decoders', () => {
  for (const t of targets) {
    it(t.name, (ctx) => {
      for (const seed of t.seeds) t.decode(seed); // every seed is valid
      const r = fuzz(t);
      ctx.diagnostic(`${r.name}: ${r.inputs} inputs in ${r.ms} ms (${Math.round((r.inputs / Math.max(r.ms, 1)) * 1000)}/s), ${r.accepted} accepted`);
      assert.ok(r.inputs > 0);
    });
  }
});
