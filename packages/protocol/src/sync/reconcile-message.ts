/**
 * Wire form of one reconciliation message: a canonical CBOR map { v: 1, r: [range...] }. Ranges are
 * contiguous: each starts where the previous ended (the first at -infinity) and ends at its upper
 * bound; the last range's bound is null = +infinity. A range is one of
 *
 *   [0, upperLamport, upperIdPrefix]                       skip: nothing to do here
 *   [1, upperLamport, upperIdPrefix, count, fingerprint]   compare: my count and 12-byte fingerprint
 *   [2, upperLamport, upperIdPrefix, [id, ...]]            ids: every id I hold in the range
 *
 * Bounds are strictly increasing; an id prefix is as short as separates neighbours.
 */
import { type CborValue, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { asArray, asBytes, asUint, onlyKeys } from '../codec/fields.ts';
import { DecodeError, InvalidFieldError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { type Bound, compareBound } from './reconcile-source.ts';

export const FINGERPRINT_BYTES = 12;

export type WireRange =
  | { readonly mode: 'skip'; readonly upper: Bound | undefined }
  | { readonly mode: 'fingerprint'; readonly upper: Bound | undefined; readonly count: number; readonly fingerprint: Uint8Array }
  | { readonly mode: 'ids'; readonly upper: Bound | undefined; readonly ids: readonly Uint8Array[] };

const MODES = ['skip', 'fingerprint', 'ids'] as const;

export const encodeReconcileMessage = (ranges: readonly WireRange[]): Uint8Array =>
  encodeCbor({
    v: 1,
    r: ranges.map((r): CborValue => {
      const head: CborValue[] = [MODES.indexOf(r.mode), r.upper === undefined ? null : r.upper.lamport, r.upper === undefined ? null : r.upper.id];
      if (r.mode === 'fingerprint') return [...head, r.count, r.fingerprint];
      if (r.mode === 'ids') return [...head, [...r.ids]];
      return head;
    }),
  });

export const decodeReconcileMessage = (bytes: Uint8Array): WireRange[] => {
  if (bytes.length > LIMITS.maxReconcileBytes) throw new LimitError('reconcile', LIMITS.maxReconcileBytes, bytes.length);
  const m = decodeCanonicalMap(bytes, 'reconcile');
  onlyKeys(m, ['v', 'r'], 'reconcile');
  if (m.v !== 1) throw new DecodeError('reconcile.v', 'unsupported version');
  const raw = asArray(m.r as CborValue, 'reconcile.r', LIMITS.maxReconcileRanges);
  const out: WireRange[] = [];
  let prev: Bound | undefined;
  for (let i = 0; i < raw.length; i++) {
    const f = `reconcile.r[${i}]`;
    const r = asArray(raw[i] as CborValue, f, 5);
    const mode = MODES[asUint(r[0] as CborValue, `${f}.mode`, 2)] as WireRange['mode'];
    let upper: Bound | undefined;
    if (r[1] === null && r[2] === null) {
      if (i !== raw.length - 1) throw new InvalidFieldError(`${f}.upper`, 'only the last range may end at +infinity');
    } else {
      upper = { lamport: asUint(r[1] as CborValue, `${f}.lamport`), id: asBytes(r[2] as CborValue, `${f}.id`, undefined, 32) };
      if (prev !== undefined && compareBound(prev, upper) >= 0) throw new InvalidFieldError(`${f}.upper`, 'bounds must increase');
      prev = upper;
    }
    if (i === raw.length - 1 && upper !== undefined) throw new InvalidFieldError(`${f}.upper`, 'the last range must end at +infinity');
    if (mode === 'skip') {
      if (r.length !== 3) throw new InvalidFieldError(f, 'a skip range has 3 fields');
      out.push({ mode, upper });
    } else if (mode === 'fingerprint') {
      if (r.length !== 5) throw new InvalidFieldError(f, 'a fingerprint range has 5 fields');
      out.push({ mode, upper, count: asUint(r[3] as CborValue, `${f}.count`), fingerprint: asBytes(r[4] as CborValue, `${f}.fingerprint`, FINGERPRINT_BYTES) });
    } else {
      if (r.length !== 4) throw new InvalidFieldError(f, 'an ids range has 4 fields');
      const ids = asArray(r[3] as CborValue, `${f}.ids`, LIMITS.maxReconcileIds).map((x, j) => asBytes(x, `${f}.ids[${j}]`, 32));
      out.push({ mode, upper, ids });
    }
  }
  if (out.length === 0) throw new InvalidFieldError('reconcile.r', 'at least one range');
  return out;
};
