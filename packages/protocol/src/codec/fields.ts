/**
 * Field readers for decoded CBOR maps. Each checks type, size and range and throws
 * InvalidFieldError / LimitError naming the field (`entry.prev`, `invite.hubs[2]`).
 */
import { fromUtf8, utf8 } from '../bytes.ts';
import { InvalidFieldError, LimitError } from '../errors.ts';
import type { CborMap, CborValue } from './cbor.ts';

export const has = (m: CborMap, key: string): boolean => Object.hasOwn(m, key);

const get = (m: CborMap, key: string, field: string): CborValue => {
  if (!has(m, key)) throw new InvalidFieldError(field, 'missing');
  return m[key] as CborValue;
};

/** Rejects keys not in `allowed` so that no unknown data rides along under a signature. */
export const onlyKeys = (m: CborMap, allowed: readonly string[], field: string): void => {
  for (const k of Object.keys(m)) if (!allowed.includes(k)) throw new InvalidFieldError(`${field}.${k}`, 'unknown field');
};

export const asBytes = (v: CborValue, field: string, len?: number, max?: number): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new InvalidFieldError(field, 'expected bytes');
  if (len !== undefined && v.length !== len) throw new InvalidFieldError(field, `expected ${len} bytes, got ${v.length}`);
  if (max !== undefined && v.length > max) throw new LimitError(field, max, v.length);
  return v;
};

export const asUint = (v: CborValue, field: string, max: number = Number.MAX_SAFE_INTEGER): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidFieldError(field, 'expected an unsigned integer');
  if (v > max) throw new InvalidFieldError(field, `${v} is above ${max}`);
  return v;
};

export const asBool = (v: CborValue, field: string): boolean => {
  if (typeof v !== 'boolean') throw new InvalidFieldError(field, 'expected a boolean');
  return v;
};

/** A text field: UTF-8 size bound, no control characters other than newline/tab in long text. */
export const asText = (v: CborValue, field: string, maxBytes: number, singleLine = true): string => {
  if (typeof v !== 'string') throw new InvalidFieldError(field, 'expected text');
  const n = utf8(v).length;
  if (n > maxBytes) throw new LimitError(field, maxBytes, n);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  const bad = singleLine ? /[\u0000-\u001f\u007f]/ : /[\u0000-\u0008\u000b-\u001f\u007f]/;
  if (bad.test(v)) throw new InvalidFieldError(field, 'control characters are not allowed');
  return v;
};

export const asEnum = <T extends string>(v: CborValue, field: string, values: readonly T[]): T => {
  if (typeof v !== 'string' || !values.includes(v as T)) throw new InvalidFieldError(field, `expected one of ${values.join('|')}`);
  return v as T;
};

export const asArray = (v: CborValue, field: string, max: number): CborValue[] => {
  if (!Array.isArray(v)) throw new InvalidFieldError(field, 'expected an array');
  if (v.length > max) throw new LimitError(field, max, v.length);
  return v;
};

export const asMap = (v: CborValue, field: string): CborMap => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new InvalidFieldError(field, 'expected a map');
  return v;
};

export const reqBytes = (m: CborMap, k: string, field: string, len?: number, max?: number): Uint8Array =>
  asBytes(get(m, k, `${field}.${k}`), `${field}.${k}`, len, max);
export const reqUint = (m: CborMap, k: string, field: string, max?: number): number => asUint(get(m, k, `${field}.${k}`), `${field}.${k}`, max);
export const reqText = (m: CborMap, k: string, field: string, maxBytes: number, singleLine = true): string =>
  asText(get(m, k, `${field}.${k}`), `${field}.${k}`, maxBytes, singleLine);
export const reqBool = (m: CborMap, k: string, field: string): boolean => asBool(get(m, k, `${field}.${k}`), `${field}.${k}`);
export const reqEnum = <T extends string>(m: CborMap, k: string, field: string, values: readonly T[]): T =>
  asEnum(get(m, k, `${field}.${k}`), `${field}.${k}`, values);
export const reqArray = (m: CborMap, k: string, field: string, max: number): CborValue[] => asArray(get(m, k, `${field}.${k}`), `${field}.${k}`, max);

export const optBytes = (m: CborMap, k: string, field: string, len?: number, max?: number): Uint8Array | undefined =>
  has(m, k) ? reqBytes(m, k, field, len, max) : undefined;
export const optUint = (m: CborMap, k: string, field: string, max?: number): number | undefined => (has(m, k) ? reqUint(m, k, field, max) : undefined);
export const optText = (m: CborMap, k: string, field: string, maxBytes: number, singleLine = true): string | undefined =>
  has(m, k) ? reqText(m, k, field, maxBytes, singleLine) : undefined;
export const optBool = (m: CborMap, k: string, field: string): boolean | undefined => (has(m, k) ? reqBool(m, k, field) : undefined);

/** A list of 32-byte keys or ids, strictly ascending (so sets have one encoding) when `sorted`. */
export const reqKeyList = (m: CborMap, k: string, field: string, max: number, len = 32): Uint8Array[] => {
  const arr = reqArray(m, k, field, max).map((v, i) => asBytes(v, `${field}.${k}[${i}]`, len));
  for (let i = 1; i < arr.length; i++) {
    if (compareBytes(arr[i - 1] as Uint8Array, arr[i] as Uint8Array) >= 0) throw new InvalidFieldError(`${field}.${k}`, 'must be strictly ascending');
  }
  return arr;
};

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
};

export const textOf = (b: Uint8Array, field: string): string => fromUtf8(b, field);

/** Drops undefined values so optional fields are absent, not null, in the encoding. */
export const compact = (m: Record<string, CborValue | undefined>): CborMap => {
  const out: CborMap = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = v;
  return out;
};
