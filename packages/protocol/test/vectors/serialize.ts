/** Stable JSON for vector files: documented keys first, the rest sorted, so regenerating is byte-identical. */
import type { VectorFile } from './vector-file.ts';

const FILE_KEYS = ['type', 'description', 'valid', 'invalid'];
const CASE_KEYS = ['name', 'hex', 'frames', 'id', 'expect', 'error', 'note'];

/** Known keys in their documented order first, then any others alphabetically; nested objects sorted too. */
const ordered = (value: unknown, first: readonly string[] = []): unknown => {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const known = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  return Object.fromEntries([...known, ...rest].map((k) => [k, ordered(obj[k])]));
};

export const serialize = (file: VectorFile): string => {
  const top = ordered({ ...file, valid: [], invalid: [] }, FILE_KEYS) as Record<string, unknown>;
  top.valid = file.valid.map((c) => ordered(c, CASE_KEYS));
  top.invalid = file.invalid.map((c) => ordered(c, CASE_KEYS));
  return `${JSON.stringify(top, null, 2)}\n`;
};
