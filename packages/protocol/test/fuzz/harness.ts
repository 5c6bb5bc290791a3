/**
 * Fuzz harness for decoders: random inputs plus mutations of valid seeds (bit flips, byte
 * substitutions, truncation, extension, splices, length-field tampering). Every input must either
 * decode or throw a ProtocolError; anything else (TypeError, RangeError, a hang) fails the test.
 * Time-bounded: stops at `iterations` or `timeBudgetMs`, whichever comes first, and reports both.
 */
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors.ts';
import { seededRandom } from '../helpers.ts';

export interface FuzzTarget {
  readonly name: string;
  /** Valid encodings to mutate. */
  readonly seeds: readonly Uint8Array[];
  readonly decode: (bytes: Uint8Array) => unknown;
}

export interface FuzzReport {
  readonly name: string;
  readonly inputs: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly ms: number;
}

export const FUZZ_ITERATIONS = Number(process.env.PARLEY_FUZZ_ITERATIONS ?? 100_000);
export const FUZZ_BUDGET_MS = Number(process.env.PARLEY_FUZZ_BUDGET_MS ?? 60_000);

const mutate = (seed: Uint8Array, r: (n: number) => number): Uint8Array => {
  const b = seed.slice();
  const op = r(8);
  switch (op) {
    case 0: // bit flips
      for (let i = 0, n = 1 + r(4); i < n && b.length > 0; i++) b[r(b.length)] = (b[r(b.length)] as number) ^ (1 << r(8));
      return b;
    case 1: // random byte substitution
      for (let i = 0, n = 1 + r(8); i < n && b.length > 0; i++) b[r(b.length)] = r(256);
      return b;
    case 2: // truncation
      return b.subarray(0, r(b.length + 1));
    case 3: {
      // extension with junk
      const extra = new Uint8Array(1 + r(32)).map(() => r(256));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return out;
    }
    case 4: {
      // splice: duplicate a random slice in place
      if (b.length < 2) return b;
      const s = r(b.length);
      const e = s + r(b.length - s);
      const out = new Uint8Array(b.length + (e - s));
      out.set(b.subarray(0, e));
      out.set(b.subarray(s, e), e);
      out.set(b.subarray(e), e + (e - s));
      return out;
    }
    case 5: // interesting bytes at random places (CBOR length prefixes, 0xff, 0x00)
      for (let i = 0, n = 1 + r(3); i < n && b.length > 0; i++) b[r(b.length)] = [0x00, 0xff, 0x7f, 0x80, 0x1b, 0x5b, 0x9b, 0xbb, 0xfb, 0xd8][r(10)] as number;
      return b;
    case 6: // tamper with the frame length varint region
      if (b.length > 3) b[2 + r(2)] = r(256);
      return b;
    default: {
      // delete a slice
      if (b.length < 2) return b;
      const s = r(b.length);
      const e = Math.min(b.length, s + 1 + r(16));
      const out = new Uint8Array(b.length - (e - s));
      out.set(b.subarray(0, s));
      out.set(b.subarray(e), s);
      return out;
    }
  }
};

export const fuzz = (target: FuzzTarget, iterations = FUZZ_ITERATIONS, budgetMs = FUZZ_BUDGET_MS): FuzzReport => {
  const rnd = seededRandom(`fuzz:${target.name}:${process.env.PARLEY_FUZZ_SEED ?? '1'}`);
  // Pull randomness in blocks: fuzzing is about volume, so amortise the PRNG.
  let pool = rnd(65536);
  let p = 0;
  const byte = (): number => {
    if (p >= pool.length) {
      pool = rnd(65536);
      p = 0;
    }
    return pool[p++] as number;
  };
  const r = (n: number): number => (n <= 1 ? 0 : ((byte() << 16) | (byte() << 8) | byte()) % n);
  const started = performance.now();
  let accepted = 0;
  let rejected = 0;
  let i = 0;
  for (; i < iterations; i++) {
    if ((i & 1023) === 0 && performance.now() - started > budgetMs) break;
    let input: Uint8Array;
    if (target.seeds.length === 0 || r(10) === 0) input = new Uint8Array(r(300)).map(() => byte());
    else input = mutate(target.seeds[r(target.seeds.length)] as Uint8Array, r);
    try {
      target.decode(input);
      accepted++;
    } catch (e) {
      if (!(e instanceof ProtocolError)) {
        assert.fail(`${target.name}: non-protocol error ${(e as Error)?.name}: ${(e as Error)?.message} on input ${Buffer.from(input).toString('hex')}`);
      }
      rejected++;
    }
  }
  return { name: target.name, inputs: i, accepted, rejected, ms: Math.round(performance.now() - started) };
};
