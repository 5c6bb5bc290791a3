/**
 * Canonical DAG-CBOR for every signed payload. Decoding is: pre-scan (limits, subset) -> strict
 * decode -> re-encode and compare, so each value has exactly one accepted byte string and an
 * object's id cannot be changed by re-encoding it.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { decode as cborDecode } from 'cborg';
import { equals } from '../bytes.ts';
import { DecodeError, NonCanonicalError } from '../errors.ts';
import { scanCbor } from './cbor-scan.ts';

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | { [k: string]: CborValue };
export type CborMap = { [k: string]: CborValue };

const decodeOptions = {
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false,
  strict: true,
  useMaps: false,
  rejectDuplicateMapKeys: true,
  tags: [],
};

export const encodeCbor = (value: CborValue): Uint8Array => dagCbor.encode(value);

/**
 * DAG-CBOR map key order: shorter keys first, then bytewise. For the ASCII keys the protocol uses,
 * UTF-16 code unit order equals byte order.
 */
const keyOrdered = (a: string, b: string): boolean => a.length < b.length || (a.length === b.length && a < b);
const ASCII_KEY = /^[\x20-\x7e]*$/;
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;

/**
 * True when every map in `v` has its keys in canonical order. Strict decoding already refuses
 * non-minimal integers and lengths, duplicate keys, floats, tags and indefinite lengths, so key order
 * is the only freedom left. Undefined when the walk cannot decide (non-ASCII or integer-like keys,
 * whose object order JavaScript does not keep): then the caller re-encodes and compares.
 */
const keysCanonical = (v: CborValue): boolean | undefined => {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return true;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = keysCanonical(x);
      if (r !== true) return r;
    }
    return true;
  }
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (!ASCII_KEY.test(k) || INTEGER_LIKE.test(k)) return undefined;
    if (i > 0 && !keyOrdered(keys[i - 1] as string, k)) return false;
    const r = keysCanonical(v[k] as CborValue);
    if (r !== true) return r;
  }
  return true;
};

export const decodeCanonical = (b: Uint8Array, field: string): CborValue => {
  scanCbor(b, field);
  let value: CborValue;
  try {
    value = cborDecode(b, decodeOptions) as CborValue;
  } catch (e) {
    throw new DecodeError(field, `CBOR: ${(e as Error).message}`);
  }
  const fast = keysCanonical(value);
  if (fast === false || (fast === undefined && !equals(encodeCbor(value), b))) throw new NonCanonicalError(field);
  return value;
};

export const decodeCanonicalMap = (b: Uint8Array, field: string): CborMap => {
  const v = decodeCanonical(b, field);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new DecodeError(field, 'expected a CBOR map');
  }
  return v;
};
