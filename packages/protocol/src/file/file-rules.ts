/**
 * A room's file rules (PROTOCOL 12.5): the largest file and the media types members may share, set
 * by a MANAGE_ROOM holder in the room's policy (4.1, `f`). Senders check before they encrypt and
 * receivers before they fetch; a hub refuses uploads over the size (the type travels inside the
 * ciphertext, so only members can check it).
 */
import type { FileRules } from '../authority/view.ts';

const TOKEN = '[a-z0-9][a-z0-9!#$&^_.+-]*';
const RULE = new RegExp(`^${TOKEN}/(${TOKEN}|\\*)$`);
const TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/** A rule as the policy holds it: `type/subtype` or `type/*`, lower case. */
export const isMediaTypeRule = (s: string): boolean => RULE.test(s);

/** Whether a file's media type (parameters such as `; charset=` ignored, any case) matches one of `rules`. */
export const typeAllowed = (rules: readonly string[], type: string): boolean => {
  const t = (type.split(';')[0] ?? '').trim().toLowerCase();
  if (!TYPE.test(t)) return false;
  const major = t.slice(0, t.indexOf('/'));
  return rules.some((r) => r === t || r === `${major}/*`);
};

/** Why a file of `size` bytes and media `type` breaks `rules`, in words; undefined when it may be shared. */
export const fileRefusal = (rules: FileRules | undefined, size: number, type: string): string | undefined => {
  if (rules === undefined) return undefined;
  if (rules.maxBytes !== undefined && size > rules.maxBytes) return `${size} bytes is over this room's limit of ${rules.maxBytes} bytes`;
  if (rules.types !== undefined && !typeAllowed(rules.types, type))
    return `${type === '' ? 'a file of unknown type' : type} is not a type this room allows (${rules.types.join(', ')})`;
  return undefined;
};
