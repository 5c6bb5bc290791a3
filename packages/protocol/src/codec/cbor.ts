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

export const decodeCanonical = (b: Uint8Array, field: string): CborValue => {
  scanCbor(b, field);
  let value: CborValue;
  try {
    value = cborDecode(b, decodeOptions) as CborValue;
  } catch (e) {
    throw new DecodeError(field, `CBOR: ${(e as Error).message}`);
  }
  if (!equals(encodeCbor(value), b)) throw new NonCanonicalError(field);
  return value;
};

export const decodeCanonicalMap = (b: Uint8Array, field: string): CborMap => {
  const v = decodeCanonical(b, field);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new DecodeError(field, 'expected a CBOR map');
  }
  return v;
};
