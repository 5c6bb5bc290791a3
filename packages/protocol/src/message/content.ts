/**
 * Message content: the plaintext inside an envelope's ciphertext, a canonical CBOR map
 *
 *   { b?: text, rt?: reply-to message id (32), m?: mentioned account keys (strictly ascending), em?: emoji,
 *     fl?: a shared file's reference (file/file-ref.ts) }
 *
 * Which fields an envelope may carry depends on its op (cleartext field `o`), so the decoder takes
 * the op: new message = b and/or fl (+ rt, m); edit = b (+ m); delete = {}; react / unreact = em.
 */

import { compare, equals } from '../bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { compact, has, onlyKeys, optBytes, reqKeyList, reqText } from '../codec/fields.ts';
import { InvalidFieldError, LimitError } from '../errors.ts';
import { type FileRef, readFileRef, writeFileRef } from '../file/file-ref.ts';
import { LIMITS } from '../limits.ts';

export type EnvelopeOp = 'edit' | 'delete' | 'react' | 'unreact';
export const ENVELOPE_OPS: readonly EnvelopeOp[] = ['edit', 'delete', 'react', 'unreact'];

/** Content limits (see LIMITS); the ciphertext bound LIMITS.maxCiphertextBytes sits above them. */
export const CONTENT_LIMITS = {
  maxBodyBytes: LIMITS.maxBodyBytes,
  maxMentions: LIMITS.maxMentions,
  maxEmojiBytes: LIMITS.maxEmojiBytes,
  maxContentBytes: LIMITS.maxContentBytes,
} as const;

export interface Content {
  /** Message text (new message, edit). Newlines and tabs allowed, other control characters not. */
  readonly text?: string | undefined;
  /** The message this one replies to (new message only). */
  readonly replyTo?: Uint8Array | undefined;
  /** Mentioned accounts, strictly ascending (new message, edit). */
  readonly mentions?: readonly Uint8Array[] | undefined;
  /** The reaction (react, unreact). */
  readonly emoji?: string | undefined;
  /** A shared file (new message only); the text is then an optional caption. */
  readonly file?: FileRef | undefined;
}

const ALLOWED: Record<EnvelopeOp | 'message', readonly string[]> = {
  message: ['b', 'rt', 'm', 'fl'],
  edit: ['b', 'm'],
  delete: [],
  react: ['em'],
  unreact: ['em'],
};

const nonEmpty = (s: string, field: string): string => {
  if (s.length === 0) throw new InvalidFieldError(field, 'must not be empty');
  return s;
};

const readContent = (m: CborMap, op: EnvelopeOp | undefined, f: string): Content => {
  const kind = op ?? 'message';
  onlyKeys(m, ALLOWED[kind], f);
  if (kind === 'delete') return {};
  if (kind === 'react' || kind === 'unreact') return { emoji: nonEmpty(reqText(m, 'em', f, CONTENT_LIMITS.maxEmojiBytes), `${f}.em`) };
  let mentions: Uint8Array[] | undefined;
  if (has(m, 'm')) {
    mentions = reqKeyList(m, 'm', f, CONTENT_LIMITS.maxMentions);
    // Absent, not empty, so that each content has one encoding.
    if (mentions.length === 0) throw new InvalidFieldError(`${f}.m`, 'omit instead of an empty list');
  }
  const file = has(m, 'fl') ? readFileRef(m.fl as CborMap, `${f}.fl`) : undefined;
  // A file's caption may be absent; a message without a file needs its text.
  const text = file !== undefined && !has(m, 'b') ? undefined : nonEmpty(reqText(m, 'b', f, CONTENT_LIMITS.maxBodyBytes, false), `${f}.b`);
  return compactContent({ text, replyTo: optBytes(m, 'rt', f, 32), mentions, file });
};

const compactContent = (c: Content): Content => {
  const out: { -readonly [K in keyof Content]: Content[K] } = {};
  if (c.text !== undefined) out.text = c.text;
  if (c.replyTo !== undefined) out.replyTo = c.replyTo;
  if (c.mentions !== undefined) out.mentions = c.mentions;
  if (c.emoji !== undefined) out.emoji = c.emoji;
  if (c.file !== undefined) out.file = c.file;
  return out;
};

/** Decodes and validates content for an envelope with op `op` (undefined = new message). */
export const decodeContent = (bytes: Uint8Array, op: EnvelopeOp | undefined): Content => {
  if (bytes.length > CONTENT_LIMITS.maxContentBytes) throw new LimitError('content', CONTENT_LIMITS.maxContentBytes, bytes.length);
  return readContent(decodeCanonicalMap(bytes, 'content'), op, 'content');
};

/** Encodes content for op `op`; throws the same typed errors a reader would, so nothing invalid is sent. */
export const encodeContent = (content: Content, op: EnvelopeOp | undefined): Uint8Array => {
  // Mentions are a set: sorted and de-duplicated here so callers need not care.
  const sorted = [...(content.mentions ?? [])].sort(compare).filter((k, i, a) => i === 0 || !equals(k, a[i - 1] as Uint8Array));
  const mentions = sorted.length === 0 ? undefined : sorted;
  const fl = content.file === undefined ? undefined : writeFileRef(content.file);
  const bytes = encodeCbor(compact({ b: content.text, rt: content.replyTo, m: mentions, em: content.emoji, fl }));
  decodeContent(bytes, op);
  return bytes;
};
