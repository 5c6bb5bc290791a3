/**
 * A file reference: what a message's content says about the file it shares (content key `fl`,
 * PROTOCOL 11.3). It travels encrypted inside the envelope, so only readers of the channel learn the
 * name, type, preview and salt; the envelope's cleartext field `m` repeats only the file id.
 *
 *   { i: file id (32), z: size (1..maxFileBytes), s: key salt (16), n: name, t: media type, p?: preview }
 */
import type { CborMap, CborValue } from '../codec/cbor.ts';
import { asMap, compact, has, onlyKeys, optBytes, reqBytes, reqText, reqUint } from '../codec/fields.ts';
import { InvalidFieldError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { FILE_SALT_BYTES } from './chunk-cipher.ts';
import { checkFileSize, FILE_ID_BYTES } from './piece-list.ts';

export interface FileRef {
  /** The content address (piece-list.ts). */
  readonly id: Uint8Array;
  /** Plaintext bytes. */
  readonly size: number;
  readonly salt: Uint8Array;
  /** File name as the sender gave it: one line, no path separators. */
  readonly name: string;
  /** Media type, lowercase `type/subtype` (no parameters). */
  readonly type: string;
  /** A small preview image (PNG, JPEG or WebP bytes), made by the sender. */
  readonly thumbnail?: Uint8Array | undefined;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The image formats a preview may have, by their leading bytes; anything else (SVG: scripts) is refused. */
const startsWith = (b: Uint8Array, magic: readonly number[], at = 0): boolean => magic.every((x, i) => b[at + i] === x);
export const thumbnailType = (b: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined => {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
};

const KEYS = ['i', 'z', 's', 'n', 't', 'p'];

export const readFileRef = (v: CborValue, f: string): FileRef => {
  const m = asMap(v, f);
  onlyKeys(m, KEYS, f);
  const name = reqText(m, 'n', f, LIMITS.maxFileNameBytes);
  if (name.length === 0 || /[/\\]/.test(name) || name === '.' || name === '..') throw new InvalidFieldError(`${f}.n`, 'a file name: not empty, no / or \\');
  const type = reqText(m, 't', f, LIMITS.maxMediaTypeBytes);
  if (!MEDIA_TYPE.test(type)) throw new InvalidFieldError(`${f}.t`, 'expected a lowercase media type type/subtype');
  const thumbnail = optBytes(m, 'p', f, undefined, LIMITS.maxThumbnailBytes);
  if (thumbnail !== undefined && thumbnailType(thumbnail) === undefined) throw new InvalidFieldError(`${f}.p`, 'a preview is PNG, JPEG or WebP');
  const ref: FileRef = {
    id: reqBytes(m, 'i', f, FILE_ID_BYTES),
    size: checkFileSize(reqUint(m, 'z', f), `${f}.z`),
    salt: reqBytes(m, 's', f, FILE_SALT_BYTES),
    name,
    type,
  };
  return has(m, 'p') ? { ...ref, thumbnail } : ref;
};

export const writeFileRef = (r: FileRef): CborMap => compact({ i: r.id, z: r.size, s: r.salt, n: r.name, t: r.type, p: r.thumbnail });
