/**
 * Signed frames: the one binary form of every signed object.
 *
 *   frame   = version(0x01) | type(u8) | varint(len) | payload | signature(64)
 *   payload = canonical DAG-CBOR map; its field `a` is the signer's Ed25519 public key
 *   signed  = "parley/v1/" + TYPE_NAME + 0x00 + payload          (domain separation by type)
 *   id      = SHA-256(frame)
 *
 * Decoding runs decode -> validate (the type's body reader) -> verify, and never anything else first.
 */
import { concat, decodeVarint, encodeVarint, utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecodeError, LimitError, SignatureError, WrongTypeError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from './cbor.ts';
import { OBJECT_TYPES, type ObjectTypeName, typeName } from './object-type.ts';

export const FRAME_VERSION = 0x01;
export const SIGNATURE_BYTES = 64;

const domains = new Map<ObjectTypeName, Uint8Array>((Object.keys(OBJECT_TYPES) as ObjectTypeName[]).map((t) => [t, utf8(`parley/v1/${t}\u0000`)]));

export const signingInput = (type: ObjectTypeName, payload: Uint8Array): Uint8Array => concat(domains.get(type) as Uint8Array, payload);

/** A verified signed object: its frame bytes, id, decoded body and signer key. */
export interface Signed<T> {
  readonly type: ObjectTypeName;
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
  readonly signer: Uint8Array;
  readonly body: T;
}

/** How a body type maps to and from its CBOR payload map. `read` validates every field. */
export interface BodyCodec<T> {
  readonly type: ObjectTypeName;
  readonly maxPayload: number;
  write(body: T): CborMap;
  read(map: CborMap, field: string): T;
  /** The signer key inside the body (payload field `a`). */
  signer(body: T): Uint8Array;
}

export interface Frame {
  readonly type: ObjectTypeName;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

/** Splits a frame into its parts, with every length checked before slicing. */
export const parseFrame = (bytes: Uint8Array): Frame => {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('frame', 'expected bytes');
  if (bytes.length > LIMITS.maxFrameBytes) throw new LimitError('frame', LIMITS.maxFrameBytes, bytes.length);
  if (bytes.length < 3 + SIGNATURE_BYTES) throw new DecodeError('frame', 'too short');
  if (bytes[0] !== FRAME_VERSION) throw new DecodeError('frame.version', `unsupported version ${bytes[0]}`);
  const type = typeName(bytes[1] as number);
  if (type === undefined) throw new DecodeError('frame.type', `unknown type 0x${(bytes[1] as number).toString(16)}`);
  const { value: len, next } = decodeVarint(bytes, 2, 'frame.length', LIMITS.maxFrameBytes);
  if (next + len + SIGNATURE_BYTES !== bytes.length) throw new DecodeError('frame.length', 'length does not match frame size');
  return {
    type,
    payload: bytes.subarray(next, next + len),
    signature: bytes.subarray(next + len),
  };
};

export const buildFrame = (type: ObjectTypeName, payload: Uint8Array, signature: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(FRAME_VERSION, OBJECT_TYPES[type]), encodeVarint(payload.length), payload, signature);

/** Encodes and signs `body` with `secret` (the Ed25519 seed whose public key is `codec.signer(body)`). */
export const sign = <T>(codec: BodyCodec<T>, body: T, secret: Uint8Array, crypto: CryptoPort): Signed<T> => {
  const payload = encodeCbor(codec.write(body));
  if (payload.length > codec.maxPayload) throw new LimitError(`${codec.type}.payload`, codec.maxPayload, payload.length);
  // Round-trip through the reader so we never sign something peers would reject.
  const checked = codec.read(decodeCanonicalMap(payload, codec.type), codec.type);
  const signature = crypto.ed25519Sign(secret, signingInput(codec.type, payload));
  const bytes = buildFrame(codec.type, payload, signature);
  return { type: codec.type, id: crypto.sha256(bytes), bytes, signer: codec.signer(checked), body: checked };
};

/** The one Ed25519 check a frame needs: what `open` verifies inline and a worker pool verifies in batches. */
export interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Decodes and validates a frame WITHOUT verifying its signature, returning the object and the check
 * still owed. Only for callers that verify `check` themselves (a worker pool) before trusting it.
 */
export const decodeUnverified = <T>(codec: BodyCodec<T>, bytes: Uint8Array, crypto: CryptoPort): { signed: Signed<T>; check: SignatureCheck } => {
  const frame = parseFrame(bytes);
  if (frame.type !== codec.type) throw new WrongTypeError('frame.type', codec.type, frame.type);
  if (frame.payload.length > codec.maxPayload) throw new LimitError(`${codec.type}.payload`, codec.maxPayload, frame.payload.length);
  const body = codec.read(decodeCanonicalMap(frame.payload, codec.type), codec.type);
  const signer = codec.signer(body);
  return {
    signed: { type: codec.type, id: crypto.sha256(bytes), bytes, signer, body },
    check: { publicKey: signer, message: signingInput(codec.type, frame.payload), signature: frame.signature },
  };
};

/** Decodes, validates and verifies a frame of the codec's type. Throws a typed ProtocolError. */
export const open = <T>(codec: BodyCodec<T>, bytes: Uint8Array, crypto: CryptoPort): Signed<T> => {
  const { signed, check } = decodeUnverified(codec, bytes, crypto);
  if (!crypto.ed25519Verify(check.publicKey, check.message, check.signature)) throw new SignatureError(`${codec.type}.signature`);
  return signed;
};
