/** Byte helpers: hex, UTF-8, comparison and minimal unsigned LEB128 varints. */
import { DecodeError, LimitError } from './errors.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export const toHex = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] as number];
  return s;
};

export const fromHex = (hex: string, field = 'hex'): Uint8Array => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new DecodeError(field, 'not lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
export const utf8 = (s: string): Uint8Array => enc.encode(s);
export const fromUtf8 = (b: Uint8Array, field = 'utf8'): string => {
  try {
    return dec.decode(b);
  } catch {
    throw new DecodeError(field, 'invalid UTF-8');
  }
};

export const concat = (...parts: readonly Uint8Array[]): Uint8Array => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export const equals = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Lexicographic byte order; shorter prefix first. */
export const compare = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
};

/** Encodes a non-negative safe integer as minimal unsigned LEB128. */
export const encodeVarint = (n: number): Uint8Array => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n} is not a non-negative safe integer`);
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
};

/**
 * Reads a minimal unsigned LEB128 varint at `offset`. Rejects non-minimal encodings (so every value
 * has exactly one encoding), values above `max`, and truncated input.
 */
export const decodeVarint = (b: Uint8Array, offset: number, field: string, max: number = Number.MAX_SAFE_INTEGER): { value: number; next: number } => {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    const at = offset + i;
    if (at >= b.length) throw new DecodeError(field, 'truncated varint');
    const byte = b[at] as number;
    value += (byte & 0x7f) * mul;
    if (value > max) throw new LimitError(field, max, value);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new DecodeError(field, 'non-minimal varint');
      return { value, next: at + 1 };
    }
    mul *= 0x80;
  }
  throw new DecodeError(field, 'varint too long');
};

const hexCache = new WeakMap<Uint8Array, string>();
// The last array asked for: rules look the same key up several times in a row (capsOf, rankOf, ...),
// and this check is far cheaper than the WeakMap.
let lastBytes: Uint8Array | undefined;
let lastHex = '';
/**
 * toHex memoised by array identity, for map keys on hot paths (replay looks the same keys up many
 * times). Only for arrays that are never mutated afterwards, like decoded object fields.
 */
export const hexOf = (b: Uint8Array): string => {
  if (b === lastBytes) return lastHex;
  let s = hexCache.get(b);
  if (s === undefined) {
    s = toHex(b);
    hexCache.set(b, s);
  }
  lastBytes = b;
  lastHex = s;
  return s;
};
