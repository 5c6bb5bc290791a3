/**
 * A room's public directory settings, carried by the SET_DISCOVERY authority entry (field `ds`): what
 * its members publish as LISTINGs (section 8.5). Absent `ds` takes the room out of the directory.
 * Every field obeys the LISTING rules, so a listing built from the settings always opens.
 */
import type { CborMap, CborValue } from '../codec/cbor.ts';
import { onlyKeys, reqArray, reqText, reqUint } from '../codec/fields.ts';
import { validateTag } from '../discovery/tag.ts';
import { InvalidFieldError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

export interface DiscoverySettings {
  /** `n`: directory name, 1..maxNameBytes, single line, not blank. */
  readonly name: string;
  /** `d`: description, 0..maxTextBytes. */
  readonly description: string;
  /** `g`: language tag (`en`, `pt-BR`, `und`). */
  readonly language: string;
  /** `tg`: 1..maxTags tags, strictly ascending. */
  readonly tags: readonly string[];
  /** `col`: icon colour 0xRRGGBB. */
  readonly color: number;
}

export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

export const readDiscoverySettings = (v: CborValue, f: string): DiscoverySettings => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(f, 'expected a map');
  const m = v as CborMap;
  onlyKeys(m, ['n', 'd', 'g', 'tg', 'col'], f);
  const name = reqText(m, 'n', f, LIMITS.maxNameBytes);
  if (name.trim().length === 0) throw new InvalidFieldError(`${f}.n`, 'name is empty');
  const language = reqText(m, 'g', f, LIMITS.maxLanguageBytes);
  if (!LANGUAGE_TAG.test(language)) throw new InvalidFieldError(`${f}.g`, 'not a language tag');
  const tags = reqArray(m, 'tg', f, LIMITS.maxTags).map((t, i) => validateTag(t as string, `${f}.tg[${i}]`));
  if (tags.length === 0) throw new InvalidFieldError(`${f}.tg`, 'at least one tag is required');
  for (let i = 1; i < tags.length; i++) {
    if ((tags[i - 1] as string) >= (tags[i] as string)) throw new InvalidFieldError(`${f}.tg`, 'tags must be strictly ascending');
  }
  return { name, description: reqText(m, 'd', f, LIMITS.maxTextBytes, false), language, tags, color: reqUint(m, 'col', f, 0xffffff) };
};

export const writeDiscoverySettings = (s: DiscoverySettings): CborMap => ({
  n: s.name,
  d: s.description,
  g: s.language,
  tg: [...s.tags].sort(),
  col: s.color,
});
