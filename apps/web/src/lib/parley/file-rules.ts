/**
 * A room's file rules (PROTOCOL 12.5) as the portal shows and edits them, pure so they are tested
 * in Node: the largest file typed in MB, the allowed types from presets or typed in (checked as the
 * protocol checks them), and why a file is refused, in words. Whether a file is refused is always
 * decided by the protocol's `fileRefusal`, the check the client makes before it encrypts or fetches;
 * this module only puts the reason into a sentence.
 */
import { type FileRules, fileRefusal, isMediaTypeRule, LIMITS } from '@parley/protocol';
import { attachmentType, formatBytes, MAX_ATTACHMENT_BYTES } from './attachments.ts';

const MB = 1024 * 1024;

/** One-click type choices in the settings (`type/*` rules, or exact types). */
export const TYPE_PRESETS: readonly { readonly label: string; readonly types: readonly string[] }[] = [
  { label: 'Images', types: ['image/*'] },
  { label: 'Video', types: ['video/*'] },
  { label: 'Audio', types: ['audio/*'] },
  { label: 'PDF', types: ['application/pdf'] },
];

/** "Images (image/*)" for a preset's rule, the rule itself otherwise. */
export const typeLabel = (rule: string): string => {
  const p = TYPE_PRESETS.find((x) => x.types.length === 1 && x.types[0] === rule);
  return p === undefined ? rule : `${p.label} (${rule})`;
};

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The largest file as typed in MB (1 MB = 1,048,576 bytes, as sizes are shown): empty means no limit of the room's own. */
export const parseMaxMb = (text: string): Parsed<number | undefined> => {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^\d+(\.\d+)?$/.test(t)) return { ok: false, error: 'Largest file: a number of MB, such as 10 or 0.5, or empty for no limit.' };
  const bytes = Math.round(Number(t) * MB);
  if (bytes < 1) return { ok: false, error: 'Largest file: more than 0 MB.' };
  if (bytes > LIMITS.maxFileBytes) return { ok: false, error: `Largest file: at most ${LIMITS.maxFileBytes / MB} MB.` };
  return { ok: true, value: bytes };
};

/** The MB box's text for a size in bytes ("" for none): whole numbers as they are, others to three places. */
export const mbText = (bytes: number | undefined): string => (bytes === undefined ? '' : String(Number((bytes / MB).toFixed(3))));

/** A type typed in, checked as the protocol checks a rule: `type/subtype` or `type/*`, lower case. */
export const parseTypeRule = (text: string, have: readonly string[]): Parsed<string> => {
  const t = text.trim();
  if (!isMediaTypeRule(t)) return { ok: false, error: `“${t}” is not a type: write it in lower case as type/subtype or type/*, such as image/png or text/*.` };
  if (new TextEncoder().encode(t).length > LIMITS.maxFileTypeBytes) return { ok: false, error: `A type is at most ${LIMITS.maxFileTypeBytes} characters.` };
  if (have.includes(t)) return { ok: false, error: `${t} is already allowed.` };
  if (have.length >= LIMITS.maxFileTypes) return { ok: false, error: `A community allows at most ${LIMITS.maxFileTypes} types.` };
  return { ok: true, value: t };
};

/** The rules a form describes: no size and no type means no rules of the room's own (undefined). */
export const rulesOf = (maxBytes: number | undefined, types: readonly string[]): FileRules | undefined =>
  maxBytes === undefined && types.length === 0 ? undefined : { maxBytes, types: types.length === 0 ? undefined : [...new Set(types)].sort() };

/** Whether two rule sets say the same (so Save can say "Nothing changed"). */
export const sameRules = (a: FileRules | undefined, b: FileRules | undefined): boolean =>
  a?.maxBytes === b?.maxBytes && [...(a?.types ?? [])].sort().join() === [...(b?.types ?? [])].sort().join();

/** The rules in one sentence, for members who read them. */
export const describeRules = (r: FileRules | undefined): string => {
  const size =
    r?.maxBytes === undefined || r.maxBytes >= MAX_ATTACHMENT_BYTES
      ? `files up to ${formatBytes(MAX_ATTACHMENT_BYTES)} (this portal’s limit)`
      : `files up to ${formatBytes(r.maxBytes)}`;
  const types = r?.types === undefined ? 'of any type' : `of these types only: ${r.types.map(typeLabel).join(', ')}`;
  return `Members share ${size}, ${types}.`;
};

/**
 * Why the room's rules refuse this file, in words, or undefined when they allow it. `type` is what
 * the portal sends or the reference says (a browser's type goes through attachmentType first).
 */
export const ruleProblem = (rules: FileRules | undefined, f: { readonly name: string; readonly size: number; readonly type: string }): string | undefined => {
  if (fileRefusal(rules, f.size, f.type) === undefined || rules === undefined) return undefined;
  if (rules.maxBytes !== undefined && f.size > rules.maxBytes)
    return `${f.name} is ${formatBytes(f.size)}: this community takes files up to ${formatBytes(rules.maxBytes)}.`;
  const allowed = (rules.types ?? []).map(typeLabel).join(', ');
  return `${f.name} is ${f.type === '' ? 'of no known type' : f.type}: this community takes only ${allowed}.`;
};

/** As ruleProblem, for a file picked, dropped or pasted in the browser (its type as the portal will send it). */
export const pickedFileProblem = (rules: FileRules | undefined, f: { readonly name: string; readonly size: number; readonly type: string }) =>
  ruleProblem(rules, { name: f.name, size: f.size, type: attachmentType(f.type) });
