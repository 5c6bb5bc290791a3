/**
 * The portal's rules for attachments, pure so they are tested in Node: the size limit and its
 * message, a file's name and media type made acceptable to the protocol (PROTOCOL 12.3), sizes for
 * people, and which bytes may be shown as an image. The type a sender claims is never trusted for
 * display: only bytes that start like PNG, JPEG, GIF or WebP are previewed (never SVG, which can
 * carry scripts), and the blob they are shown from gets the type their bytes say.
 */
import { LIMITS, thumbnailType } from '@parley/protocol';

/** The largest file the portal sends (the whole file is encrypted in this tab's memory). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Images up to this size are fetched and shown inline without a click. */
export const AUTO_PREVIEW_BYTES = MAX_ATTACHMENT_BYTES;

export type PreviewType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** "0 B", "999 B", "1.5 KB", "25.0 MB" (powers of 1024, as file managers show them). */
export const formatBytes = (n: number): string => {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
};

/** Why this file cannot be sent, in words, or undefined when it can. */
export const attachmentProblem = (f: { readonly name: string; readonly size: number }): string | undefined => {
  if (f.size === 0) return `${f.name} is empty.`;
  if (f.size > MAX_ATTACHMENT_BYTES) return `${f.name} is ${formatBytes(f.size)}: files up to ${formatBytes(MAX_ATTACHMENT_BYTES)} can be sent.`;
  return undefined;
};

const utf8 = new TextEncoder();

/** A name the protocol accepts: one line, no path separators or control characters, at most 255 UTF-8 bytes. */
export const attachmentName = (name: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  let n = name.replace(/[/\\\u0000-\u001f\u007f\u2028\u2029]/g, '_').trim();
  while (utf8.encode(n).length > LIMITS.maxFileNameBytes) n = [...n].slice(0, -1).join('');
  return n === '' || n === '.' || n === '..' ? 'file' : n;
};

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The browser's type for a file, lowercase without parameters, or application/octet-stream. */
export const attachmentType = (type: string): string => {
  const t = (type.split(';')[0] ?? '').trim().toLowerCase();
  return MEDIA_TYPE.test(t) && utf8.encode(t).length <= LIMITS.maxMediaTypeBytes ? t : 'application/octet-stream';
};

/** The image type these bytes really are (by their first bytes), or undefined: anything else is not shown. */
export const previewType = (b: Uint8Array): PreviewType | undefined => {
  const t = thumbnailType(b);
  if (t !== undefined) return t;
  const gif = [0x47, 0x49, 0x46, 0x38];
  if (gif.every((x, i) => b[i] === x) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  return undefined;
};

/** Whether a file the sender calls `type` is worth fetching to show inline (its bytes decide in the end). */
export const looksLikeImage = (type: string): boolean => ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(type);
