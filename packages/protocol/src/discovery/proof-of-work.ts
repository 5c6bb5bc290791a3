/**
 * Hashcash proof of work for LISTING and VOTE records (THREATS 22: sybil floods cost CPU time).
 *
 *   digest = H("parley/v1/pow" || TYPE_NAME || 0x00 || H(payload without `w`) || nonce)
 *   work   = leading zero bits of digest;   valid iff work >= difficulty
 *
 * `nonce` is the record's field `w`: 8 bytes, a big-endian counter. The payload is hashed once first
 * so every attempt costs the same two SHA-256 blocks whatever the record's size: a solver with a
 * hand-tuned SHA-256 (midstate caching) gains nothing over an honest client calling the crypto port.
 * Measured costs and the chosen difficulties are in docs/PROTOCOL.md section 8.4.
 */
import { concat, utf8 } from '../bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../codec/cbor.ts';
import { type BodyCodec, parseFrame, type Signed, sign, signingInput } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, LimitError, ProofOfWorkError, SignatureError, WrongTypeError } from '../errors.ts';

export const POW_NONCE_BYTES = 8;
/** Listings: about 1 s of one laptop core (2^20 attempts expected; see PROTOCOL.md 8.4). */
export const LISTING_DIFFICULTY = 20;
/** Votes: about a quarter of that (2^18 attempts expected). */
export const VOTE_DIFFICULTY = 18;
/** Highest difficulty a caller may ask for; beyond it no honest client could publish. */
export const MAX_DIFFICULTY = 64;

const PREFIX = utf8('parley/v1/pow');

/** What the work is bound to: the object type (domain) and its payload without the nonce field. */
export interface PowInput {
  readonly domain: string;
  readonly payload: Uint8Array;
}

/** The fixed part of every attempt: prefix || domain || 0x00 || H(payload). */
export const powPrefix = (input: PowInput, crypto: CryptoPort): Uint8Array =>
  concat(PREFIX, utf8(input.domain), Uint8Array.of(0), crypto.sha256(input.payload));

export const leadingZeroBits = (h: Uint8Array): number => {
  let n = 0;
  for (let i = 0; i < h.length; i++) {
    const b = h[i] as number;
    if (b !== 0) return n + Math.clz32(b) - 24;
    n += 8;
  }
  return n;
};

const checkDifficulty = (d: number): number => {
  if (!Number.isInteger(d) || d < 0 || d > MAX_DIFFICULTY) throw new InvalidFieldError('difficulty', `expected an integer 0..${MAX_DIFFICULTY}`);
  return d;
};

/** Big-endian 8-byte encoding of a non-negative safe integer. */
export const powNonce = (n: number): Uint8Array => {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidFieldError('nonce', 'expected a non-negative safe integer');
  const b = new Uint8Array(POW_NONCE_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, Math.floor(n / 2 ** 32));
  v.setUint32(4, n >>> 0);
  return b;
};

/** Leading zero bits earned by `nonce` on `input`. */
export const powWork = (input: PowInput, nonce: Uint8Array, crypto: CryptoPort): number => {
  if (nonce.length !== POW_NONCE_BYTES) throw new InvalidFieldError('nonce', `expected ${POW_NONCE_BYTES} bytes`);
  return leadingZeroBits(crypto.sha256(concat(powPrefix(input, crypto), nonce)));
};

export const verifyPow = (input: PowInput, nonce: Uint8Array, difficulty: number, crypto: CryptoPort): boolean =>
  powWork(input, nonce, crypto) >= checkDifficulty(difficulty);

export interface PowSolution {
  readonly nonce: Uint8Array;
  /** Attempts made, including the winning one. */
  readonly attempts: number;
}

/**
 * Tries nonces startNonce, startNonce+1, ... for at most `maxIterations` attempts. Returns the first
 * nonce whose work reaches `difficulty`, or undefined. Pure and bounded: a caller that must stay
 * responsive calls it in slices, passing the next start nonce.
 */
export const solvePow = (input: PowInput, difficulty: number, startNonce: number, maxIterations: number, crypto: CryptoPort): PowSolution | undefined => {
  checkDifficulty(difficulty);
  powNonce(startNonce);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0) throw new InvalidFieldError('maxIterations', 'expected a non-negative safe integer');
  const prefix = powPrefix(input, crypto);
  const buf = new Uint8Array(prefix.length + POW_NONCE_BYTES);
  buf.set(prefix);
  const view = new DataView(buf.buffer, prefix.length, POW_NONCE_BYTES);
  const end = Math.min(startNonce + maxIterations, Number.MAX_SAFE_INTEGER + 1);
  for (let n = startNonce; n < end; n++) {
    view.setUint32(0, Math.floor(n / 2 ** 32));
    view.setUint32(4, n >>> 0);
    if (leadingZeroBits(crypto.sha256(buf)) >= difficulty) return { nonce: buf.slice(prefix.length), attempts: n - startNonce + 1 };
  }
  return undefined;
};

/** The payload a record's work is bound to: its canonical CBOR map without the nonce field `w`. */
export const payloadWithoutNonce = (m: CborMap): Uint8Array => {
  const { w: _nonce, ...rest } = m;
  return encodeCbor(rest);
};

export interface SolveOptions {
  readonly difficulty: number;
  /** First nonce to try (default 0); pass a random start so two publishers do not race the same nonces. */
  readonly startNonce?: number;
  /** Give up after this many attempts (default 2^32) with a ProofOfWorkError. */
  readonly maxIterations?: number;
}

/** Solves the work for `body` (its `nonce` is replaced) and signs the result. */
export const signWithWork = <T extends { readonly nonce: Uint8Array }>(
  codec: BodyCodec<T>,
  body: T,
  secret: Uint8Array,
  crypto: CryptoPort,
  o: SolveOptions,
): Signed<T> => {
  const payload = payloadWithoutNonce(codec.write({ ...body, nonce: new Uint8Array(POW_NONCE_BYTES) }));
  const solved = solvePow({ domain: codec.type, payload }, o.difficulty, o.startNonce ?? 0, o.maxIterations ?? 2 ** 32, crypto);
  if (solved === undefined) throw new ProofOfWorkError(`${codec.type}.w`, `no nonce found within ${o.maxIterations ?? 2 ** 32} attempts`);
  return sign(codec, { ...body, nonce: solved.nonce }, secret, crypto);
};

/**
 * The one verification path of records that carry work: frame -> decode -> fields -> `check` (clock,
 * room) -> work -> signature. The cheap checks run first so a flood of junk costs a verifier hashes,
 * not signature verifications.
 */
export const openWithWork = <T extends { readonly nonce: Uint8Array }>(
  codec: BodyCodec<T>,
  bytes: Uint8Array,
  crypto: CryptoPort,
  difficulty: number,
  check: (body: T) => void,
): Signed<T> => {
  checkDifficulty(difficulty);
  const frame = parseFrame(bytes);
  if (frame.type !== codec.type) throw new WrongTypeError('frame.type', codec.type, frame.type);
  if (frame.payload.length > codec.maxPayload) throw new LimitError(`${codec.type}.payload`, codec.maxPayload, frame.payload.length);
  const m = decodeCanonicalMap(frame.payload, codec.type);
  const body = codec.read(m, codec.type);
  check(body);
  const work = powWork({ domain: codec.type, payload: payloadWithoutNonce(m) }, body.nonce, crypto);
  if (work < difficulty) throw new ProofOfWorkError(`${codec.type}.w`, `work ${work} is below difficulty ${difficulty}`);
  const signer = codec.signer(body);
  if (!crypto.ed25519Verify(signer, signingInput(codec.type, frame.payload), frame.signature)) throw new SignatureError(`${codec.type}.signature`);
  return { type: codec.type, id: crypto.sha256(bytes), bytes, signer, body };
};
