/**
 * Range fingerprints for range-based set reconciliation (Meyer, "Range-Based Set Reconciliation"):
 * the fingerprint of a set of object ids is their sum as 256-bit big-endian integers mod 2^256,
 * with the count alongside. Addition is commutative and associative, so the fingerprint of a union
 * of disjoint ranges is the sum of theirs, and SQL computes it with a plain SUM over four 64-bit
 * limbs per id (see `idLimbs`). Unlike XOR, a sum cannot be forged by Gaussian elimination; it is
 * still not collision-resistant against a patient adversary, so a sync protocol ends every
 * reconciliation of a small range by exchanging the ids themselves.
 */
import { InvalidArgumentError } from './errors.ts';

export interface Fingerprint {
  readonly count: number;
  /** Sum of the ids mod 2^256, 32 bytes big-endian. */
  readonly fingerprint: Uint8Array;
}

const MASK_256 = (1n << 256n) - 1n;
const MASK_64 = (1n << 64n) - 1n;
/** Limbs are stored as signed 64-bit integers: the unsigned word minus 2^63 (order-preserving). */
const LIMB_BIAS = 1n << 63n;

const toBigInt = (b: Uint8Array): bigint => {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
};

const toBytes32 = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  let x = v & MASK_256;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

export const EMPTY_FINGERPRINT: Fingerprint = { count: 0, fingerprint: new Uint8Array(32) };

/** The fingerprint of a set of ids (each 32 bytes; pass each id once). */
export const fingerprintOf = (ids: Iterable<Uint8Array>): Fingerprint => {
  let sum = 0n;
  let count = 0;
  for (const id of ids) {
    if (id.length !== 32) throw new InvalidArgumentError('ids', 'every id must be 32 bytes');
    sum += toBigInt(id);
    count++;
  }
  return { count, fingerprint: toBytes32(sum) };
};

/** The fingerprint of the union of disjoint sets. */
export const addFingerprints = (...parts: readonly Fingerprint[]): Fingerprint => {
  let sum = 0n;
  let count = 0;
  for (const p of parts) {
    sum += toBigInt(p.fingerprint);
    count += p.count;
  }
  return { count, fingerprint: toBytes32(sum) };
};

/** An id's four 64-bit words, most significant first, each biased into a signed 64-bit range. */
export const idLimbs = (id: Uint8Array): [bigint, bigint, bigint, bigint] => {
  const v = toBigInt(id);
  const limb = (i: number): bigint => ((v >> BigInt(64 * (3 - i))) & MASK_64) - LIMB_BIAS;
  return [limb(0), limb(1), limb(2), limb(3)];
};

/** The fingerprint from `count` and the exact SUMs of the four biased limb columns (as SQL returns them). */
export const fingerprintFromLimbSums = (count: number, sums: readonly [bigint, bigint, bigint, bigint]): Fingerprint => {
  let total = 0n;
  const bias = BigInt(count) * LIMB_BIAS;
  for (let i = 0; i < 4; i++) total += ((sums[i] as bigint) + bias) << BigInt(64 * (3 - i));
  return { count, fingerprint: toBytes32(total) };
};
