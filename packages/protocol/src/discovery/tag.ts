/**
 * Tags: hierarchical topic paths such as `gaming/fps`. A valid path has 1..4 segments, each lowercase
 * ASCII letters and digits joined by single hyphens (`[a-z0-9]+(-[a-z0-9]+)*`), at most maxTagBytes in
 * all. A listing under `gaming/fps` is also published under each ancestor (`gaming`), so browsing a
 * parent finds its children's rooms.
 *
 * DHT key of a tag: H("tag:" || path) (32 bytes), written as `/parley/tag/<hex>`.
 */
import { toHex, utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

const SEGMENT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Checks that `path` is a valid tag in normal form and returns it; throws InvalidFieldError /
 * LimitError naming `field`. Use on everything read from the wire.
 */
export const validateTag = (path: string, field = 'tag'): string => {
  if (typeof path !== 'string') throw new InvalidFieldError(field, 'expected text');
  if (path.length > LIMITS.maxTagBytes) throw new LimitError(field, LIMITS.maxTagBytes, path.length);
  const segments = path.split('/');
  if (segments.length > LIMITS.maxTagSegments) throw new InvalidFieldError(field, `more than ${LIMITS.maxTagSegments} segments`);
  for (const s of segments) {
    if (!SEGMENT.test(s)) throw new InvalidFieldError(field, 'segments are lowercase a-z, 0-9 and single inner hyphens');
  }
  return path;
};

export const isValidTag = (path: string): boolean => {
  try {
    validateTag(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Normal form of what a person typed: trimmed, lowercased, empty segments dropped (so repeated,
 * leading and trailing slashes collapse), each segment trimmed, runs of spaces or hyphens turned into one
 * hyphen and hyphens at a segment's ends dropped. Then validated; idempotent on its own output.
 */
export const normalizeTag = (input: string, field = 'tag'): string => {
  if (typeof input !== 'string') throw new InvalidFieldError(field, 'expected text');
  // Bound the work before any allocation proportional to hostile input.
  if (input.length > LIMITS.maxTagBytes * 4) throw new LimitError(field, LIMITS.maxTagBytes * 4, input.length);
  const path = input
    .trim()
    .toLowerCase()
    .split('/')
    .map((s) =>
      s
        .trim()
        .replace(/[\s-]+/g, '-')
        .replace(/^-|-$/g, ''),
    )
    .filter((s) => s.length > 0)
    .join('/');
  if (path.length === 0) throw new InvalidFieldError(field, 'empty tag');
  return validateTag(path, field);
};

/** Proper ancestors, shortest first: `a/b/c` -> [`a`, `a/b`]. */
export const tagAncestors = (path: string): string[] => {
  const segments = validateTag(path).split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) out.push(segments.slice(0, i).join('/'));
  return out;
};

/** The path and its ancestors: every tag key a listing tagged `path` is published under. */
export const tagPublishPaths = (path: string): string[] => [...tagAncestors(path), path];

/** H("tag:" || path). */
export const tagKey = (path: string, crypto: CryptoPort): Uint8Array => crypto.sha256(utf8(`tag:${validateTag(path)}`));

/** `/parley/tag/<hex of tagKey>`. */
export const tagDhtKey = (path: string, crypto: CryptoPort): string => `/parley/tag/${toHex(tagKey(path, crypto))}`;
