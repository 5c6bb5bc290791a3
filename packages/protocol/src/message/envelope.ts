/**
 * ENVELOPE (type 0x20): one signed, encrypted message event. Payload:
 *
 *   { a: device key (signer), u: account key, r: room id (32), c: channel id (16),
 *     s: seq >= 1 (per (device, channel), contiguous from 1), l: lamport >= 1,
 *     h: authority heads seen (1..16 ids, strictly ascending), e: epoch, k: key id (8),
 *     n: nonce (24), x: ciphertext (<= LIMITS.maxCiphertextBytes),
 *     o?: 'edit' | 'delete' | 'react' | 'unreact', f?: target message id (32; present iff o is),
 *     m?: id of the file the message shares (32; new messages only; equals the content's fl.i),
 *     p?: addressee account (32): the direct form (PROTOCOL 13.3): c is then the addressee's inbox,
 *         x a direct box of ratchet ciphertexts, e = 0, k and n all zero, and o, f, m absent }
 *
 * x = XChaCha20-Poly1305(epoch key, n, aad).encrypt(content), with
 * aad = H("parley/v1/aad" || r || c || u64be(e) || a || u64be(s)), so a ciphertext lifted into
 * another author's (or another slot's) envelope no longer decrypts.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { compare, equals, utf8 } from '../bytes.ts';
import type { CborMap } from '../codec/cbor.ts';
import { compact, has, onlyKeys, optBytes, reqBytes, reqEnum, reqKeyList, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { DecryptError, InvalidFieldError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';
import { KEY_ID_BYTES, keyIdOf, writeU64 } from '../keys/seal.ts';
import { LIMITS } from '../limits.ts';
import { type Content, decodeContent, ENVELOPE_OPS, type EnvelopeOp, encodeContent } from './content.ts';

export const NONCE_BYTES = 24;
export const CHANNEL_ID_BYTES = 16;

export interface Envelope {
  readonly device: Uint8Array;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly seq: number;
  readonly lamport: number;
  readonly heads: readonly Uint8Array[];
  readonly epoch: number;
  readonly keyId: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Undefined: a new message. */
  readonly op: EnvelopeOp | undefined;
  /** The message an op applies to; present iff `op` is. */
  readonly target: Uint8Array | undefined;
  /** The file this message shares (PROTOCOL 11.3), in the clear so that hubs can tie chunks to it. */
  readonly file?: Uint8Array | undefined;
  /** The direct form (PROTOCOL 13.3): the account whose inbox channel `channel` is. */
  readonly peer?: Uint8Array | undefined;
}

const KEYS = ['a', 'u', 'r', 'c', 's', 'l', 'h', 'e', 'k', 'n', 'x', 'o', 'f', 'm', 'p'];

const positive = (n: number, field: string): number => {
  if (n < 1) throw new InvalidFieldError(field, 'must be at least 1');
  return n;
};

export const envelopeCodec: BodyCodec<Envelope> = {
  type: 'ENVELOPE',
  // Ciphertext plus at most ~1 KiB of fixed fields and 16 heads.
  maxPayload: LIMITS.maxCiphertextBytes + 2048,
  write: (v) =>
    compact({
      a: v.device,
      u: v.account,
      r: v.room,
      c: v.channel,
      s: v.seq,
      l: v.lamport,
      h: [...v.heads],
      e: v.epoch,
      k: v.keyId,
      n: v.nonce,
      x: v.ciphertext,
      o: v.op,
      f: v.target,
      m: v.file,
      p: v.peer,
    }),
  read: (m: CborMap, f: string): Envelope => {
    onlyKeys(m, KEYS, f);
    const heads = reqKeyList(m, 'h', f, LIMITS.maxAuthHeads);
    if (heads.length === 0) throw new InvalidFieldError(`${f}.h`, 'at least one authority head is required');
    const op = has(m, 'o') ? reqEnum(m, 'o', f, ENVELOPE_OPS) : undefined;
    const target = optBytes(m, 'f', f, 32);
    if ((op === undefined) !== (target === undefined)) throw new InvalidFieldError(`${f}.f`, 'a target is required exactly when an op is present');
    const file = optBytes(m, 'm', f, 32);
    if (file !== undefined && op !== undefined) throw new InvalidFieldError(`${f}.m`, 'only a new message shares a file');
    const body: Envelope = {
      device: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      channel: reqBytes(m, 'c', f, CHANNEL_ID_BYTES),
      seq: positive(reqUint(m, 's', f), `${f}.s`),
      lamport: positive(reqUint(m, 'l', f), `${f}.l`),
      heads,
      epoch: reqUint(m, 'e', f),
      keyId: reqBytes(m, 'k', f, KEY_ID_BYTES),
      nonce: reqBytes(m, 'n', f, NONCE_BYTES),
      ciphertext: reqBytes(m, 'x', f, undefined, LIMITS.maxCiphertextBytes),
      op,
      target,
    };
    const peer = optBytes(m, 'p', f, 32);
    if (peer !== undefined) {
      if (op !== undefined || file !== undefined) throw new InvalidFieldError(`${f}.p`, 'a direct envelope is a new message and shares no file');
      if (body.epoch !== 0) throw new InvalidFieldError(`${f}.e`, 'must be 0 in a direct envelope');
      if (body.keyId.some((b) => b !== 0)) throw new InvalidFieldError(`${f}.k`, 'must be all zero in a direct envelope');
      if (body.nonce.some((b) => b !== 0)) throw new InvalidFieldError(`${f}.n`, 'must be all zero in a direct envelope');
      return { ...body, peer };
    }
    return file === undefined ? body : { ...body, file };
  },
  signer: (v) => v.device,
};

const AAD_LABEL = utf8('parley/v1/aad');

/** H("parley/v1/aad" || r || c || u64be(e) || a || u64be(s)). */
export const envelopeAad = (e: Pick<Envelope, 'room' | 'channel' | 'epoch' | 'device' | 'seq'>, crypto: CryptoPort): Uint8Array => {
  const L = AAD_LABEL.length;
  const buf = new Uint8Array(L + 32 + 16 + 8 + 32 + 8);
  buf.set(AAD_LABEL, 0);
  buf.set(e.room, L);
  buf.set(e.channel, L + 32);
  writeU64(buf, L + 48, e.epoch);
  buf.set(e.device, L + 56);
  writeU64(buf, L + 88, e.seq);
  return crypto.sha256(buf);
};

/** Everything an author chooses; the device key, key id and ciphertext are derived. */
export interface EnvelopeDraft {
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly seq: number;
  readonly lamport: number;
  /** Authority heads; sorted and de-duplicated here. */
  readonly heads: readonly Uint8Array[];
  readonly epoch: number;
  readonly op?: EnvelopeOp | undefined;
  readonly target?: Uint8Array | undefined;
  readonly content: Content;
}

/** Encrypts `draft.content` under `epochKey` with `nonce` (24 random bytes) and signs with `device`. */
export const createEnvelope = (draft: EnvelopeDraft, device: KeyPair, epochKey: Uint8Array, nonce: Uint8Array, crypto: CryptoPort): Signed<Envelope> => {
  if (nonce.length !== NONCE_BYTES) throw new InvalidFieldError('nonce', `expected ${NONCE_BYTES} bytes`);
  const heads = [...draft.heads].sort(compare).filter((h, i, a) => i === 0 || !equals(h, a[i - 1] as Uint8Array));
  const op = draft.op;
  const base = { device: device.publicKey, room: draft.room, channel: draft.channel, epoch: draft.epoch, seq: draft.seq };
  const plaintext = encodeContent(draft.content, op);
  const ciphertext = xchacha20poly1305(epochKey, nonce, envelopeAad(base, crypto)).encrypt(plaintext);
  const body: Envelope = {
    ...base,
    account: draft.account,
    lamport: draft.lamport,
    heads,
    keyId: keyIdOf(epochKey, crypto),
    nonce,
    ciphertext,
    op,
    target: draft.target,
    ...(draft.content.file === undefined ? {} : { file: draft.content.file.id }),
  };
  return sign(envelopeCodec, body, device.secret, crypto);
};

/** Decodes and signature-checks an envelope frame (no authority checks: see validateEnvelope). */
export const openEnvelope = (bytes: Uint8Array, crypto: CryptoPort): Signed<Envelope> => open(envelopeCodec, bytes, crypto);

/**
 * Decrypts and decodes an envelope's content. Throws DecryptError when `epochKey` is not the key
 * named by `k` or authentication fails (wrong key, altered ciphertext, re-attributed ciphertext), and
 * a field error when the plaintext is not valid content for the envelope's op.
 */
export const decryptEnvelope = (env: Envelope, epochKey: Uint8Array, crypto: CryptoPort): Content => {
  if (!equals(keyIdOf(epochKey, crypto), env.keyId)) throw new DecryptError('envelope.k', 'key does not match the key id');
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(epochKey, env.nonce, envelopeAad(env, crypto)).decrypt(env.ciphertext);
  } catch {
    throw new DecryptError('envelope.x');
  }
  const content = decodeContent(plaintext, env.op);
  // The cleartext file id and the encrypted reference must agree, or hubs would keep the wrong chunks.
  const fileId = content.file?.id;
  if ((fileId === undefined) !== (env.file === undefined) || (fileId !== undefined && !equals(fileId, env.file as Uint8Array))) {
    throw new InvalidFieldError('content.fl.i', 'must equal the envelope field m');
  }
  return content;
};
