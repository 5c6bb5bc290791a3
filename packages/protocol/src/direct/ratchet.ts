/**
 * A Double Ratchet session between two devices (Signal's Double Ratchet spec, section 3), started
 * with an X3DH-style agreement on the devices' certified X25519 box keys (PROTOCOL 13.2):
 *
 *   initiator A (box key IKa, fresh ephemeral EKa), responder B (box key SPKb):
 *   SK = HKDF-SHA256(salt = 32 zero bytes, ikm = DH(IKa, SPKb) || DH(EKa, SPKb),
 *                    info = "parley/v1/dm-x3dh" || IKa || SPKb || EKa, 32)
 *   A: DHs = fresh pair, DHr = SPKb, (RK, CKs) = KDF_RK(SK, DH(DHs, SPKb))
 *   B: on A's first message, DHs = its box pair for one DH ratchet step, then a fresh pair
 *
 * EKa names the session (`session`, sent in every header). There are no one-time prekeys: until B's
 * first reply reaches A, A's messages are only as secret as B's long-term box key (an attacker who
 * later learns it and recorded them can read them). From the first DH ratchet step on, a leaked
 * state reveals neither earlier nor (after the next step) later messages.
 *
 * Pure and immutable: every call returns a new state and never touches its input, so a failed
 * decryption changes nothing. Old chain, root and message keys are absent from the new state (a
 * caller that persists only the latest state has deleted them). Randomness is passed in.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equals, utf8 } from '../bytes.ts';
import type { CryptoPort, RandomSource } from '../crypto/port.ts';
import { DecryptError, InvalidFieldError, LimitError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';
import { writeU64 } from '../keys/seal.ts';
import { dh, kdfChain, kdfRoot, openWithMessageKey, sealWithMessageKey } from './ratchet-kdf.ts';

/** Message keys one header may make a chain skip (messages lost or still on their way). */
export const MAX_SKIP = 500;
/** Skipped message keys a session keeps; beyond it the oldest are deleted (those messages stay unreadable). */
export const MAX_SKIPPED_KEYS = 1000;
export const RATCHET_HEADER_BYTES = 80;

export interface SkippedKey {
  /** The sender's ratchet public key of the chain. */
  readonly dh: Uint8Array;
  readonly n: number;
  readonly key: Uint8Array;
}

export interface RatchetState {
  /** The initiator's ephemeral X25519 public key: names the session in every header. */
  readonly session: Uint8Array;
  /** This device's and the other device's Ed25519 keys (the session belongs to this pair). */
  readonly self: Uint8Array;
  readonly peer: Uint8Array;
  readonly rootKey: Uint8Array;
  readonly sendSecret: Uint8Array;
  readonly sendPublic: Uint8Array;
  readonly recvPublic: Uint8Array | undefined;
  readonly sendChain: Uint8Array | undefined;
  readonly recvChain: Uint8Array | undefined;
  readonly sendCount: number;
  readonly recvCount: number;
  readonly prevCount: number;
  readonly skipped: readonly SkippedKey[];
}

export interface RatchetHeader {
  readonly session: Uint8Array;
  /** The sender's current ratchet public key. */
  readonly dh: Uint8Array;
  /** Messages in the sender's previous sending chain. */
  readonly pn: number;
  /** This message's number in the current sending chain. */
  readonly n: number;
}

/** session (32) || dh (32) || u64be(pn) || u64be(n): the header as the AEAD binds it. */
export const headerBytes = (h: RatchetHeader): Uint8Array => {
  const out = new Uint8Array(RATCHET_HEADER_BYTES);
  out.set(h.session, 0);
  out.set(h.dh, 32);
  writeU64(out, 64, h.pn);
  writeU64(out, 72, h.n);
  return out;
};

const X3DH_INFO = utf8('parley/v1/dm-x3dh');
const ZERO32 = new Uint8Array(32);

const x3dh = (dh1: Uint8Array, dh2: Uint8Array, initiatorBox: Uint8Array, responderBox: Uint8Array, ephemeral: Uint8Array): Uint8Array =>
  hkdf(sha256, concat(dh1, dh2), ZERO32, concat(X3DH_INFO, initiatorBox, responderBox, ephemeral), 32);

const pair = (secret: Uint8Array, crypto: CryptoPort): KeyPair => ({ secret, publicKey: crypto.x25519PublicKey(secret) });

export interface SessionDevices {
  /** This device's Ed25519 key and X25519 box keypair. */
  readonly self: Uint8Array;
  readonly box: KeyPair;
  /** The other device's Ed25519 key and certified X25519 box key. */
  readonly peer: Uint8Array;
  readonly peerBox: Uint8Array;
}

/** Starts a session as the initiator. `random(64)` gives the ephemeral and the first ratchet secret. */
export const initiateSession = (d: SessionDevices, random: RandomSource, crypto: CryptoPort): RatchetState => {
  const r = random(64);
  const ek = pair(r.slice(0, 32), crypto);
  const sk = x3dh(dh(crypto, d.box.secret, d.peerBox, 'dm.peerBox'), dh(crypto, ek.secret, d.peerBox, 'dm.peerBox'), d.box.publicKey, d.peerBox, ek.publicKey);
  const dhs = pair(r.slice(32, 64), crypto);
  const { rootKey, chainKey } = kdfRoot(sk, dh(crypto, dhs.secret, d.peerBox, 'dm.peerBox'));
  return {
    session: ek.publicKey,
    self: d.self,
    peer: d.peer,
    rootKey,
    sendSecret: dhs.secret,
    sendPublic: dhs.publicKey,
    recvPublic: d.peerBox,
    sendChain: chainKey,
    recvChain: undefined,
    sendCount: 0,
    prevCount: 0,
    recvCount: 0,
    skipped: [],
  };
};

/** Encrypts one message. `context` is bound with the header into the AEAD's associated data. */
export const ratchetEncrypt = (
  s: RatchetState,
  plaintext: Uint8Array,
  context: Uint8Array,
  crypto: CryptoPort,
): { state: RatchetState; header: RatchetHeader; ciphertext: Uint8Array } => {
  if (s.sendChain === undefined) throw new InvalidFieldError('ratchet.sendChain', 'this session has no sending chain yet');
  const { chainKey, messageKey } = kdfChain(s.sendChain);
  const header: RatchetHeader = { session: s.session, dh: s.sendPublic, pn: s.prevCount, n: s.sendCount };
  const ciphertext = sealWithMessageKey(messageKey, concat(context, headerBytes(header)), plaintext, crypto);
  return { state: { ...s, sendChain: chainKey, sendCount: s.sendCount + 1 }, header, ciphertext };
};

interface Mutable {
  rootKey: Uint8Array;
  sendSecret: Uint8Array;
  sendPublic: Uint8Array;
  recvPublic: Uint8Array | undefined;
  sendChain: Uint8Array | undefined;
  recvChain: Uint8Array | undefined;
  sendCount: number;
  recvCount: number;
  prevCount: number;
  skipped: SkippedKey[];
}

/** Keeps the keys of messages n = recvCount .. until-1 of the current receiving chain. */
const skipUntil = (m: Mutable, until: number): void => {
  if (m.recvChain === undefined || m.recvPublic === undefined) return;
  if (until - m.recvCount > MAX_SKIP) throw new LimitError('ratchet.skip', MAX_SKIP, until - m.recvCount);
  while (m.recvCount < until) {
    const { chainKey, messageKey } = kdfChain(m.recvChain);
    m.skipped.push({ dh: m.recvPublic, n: m.recvCount, key: messageKey });
    m.recvChain = chainKey;
    m.recvCount++;
  }
  if (m.skipped.length > MAX_SKIPPED_KEYS) m.skipped.splice(0, m.skipped.length - MAX_SKIPPED_KEYS);
};

/**
 * Decrypts one message: a key kept for a skipped message, else the current receiving chain, else a
 * DH ratchet step to the header's new key (`random(32)` is then the next sending secret). Throws
 * DecryptError when the message does not authenticate, was already read, or its key was dropped;
 * LimitError when it would skip more than MAX_SKIP messages. The input state is never changed.
 */
export const ratchetDecrypt = (
  s: RatchetState,
  header: RatchetHeader,
  ciphertext: Uint8Array,
  context: Uint8Array,
  random: RandomSource,
  crypto: CryptoPort,
): { state: RatchetState; plaintext: Uint8Array } => {
  if (!equals(header.session, s.session)) throw new DecryptError('dm.header.i', 'not this session');
  const aad = concat(context, headerBytes(header));
  const at = s.skipped.findIndex((k) => k.n === header.n && equals(k.dh, header.dh));
  if (at >= 0) {
    const plaintext = openWithMessageKey((s.skipped[at] as SkippedKey).key, aad, ciphertext, crypto, 'dm.x');
    return { state: { ...s, skipped: s.skipped.filter((_, i) => i !== at) }, plaintext };
  }
  const m: Mutable = { ...s, skipped: [...s.skipped] };
  if (m.recvPublic === undefined || !equals(header.dh, m.recvPublic) || m.recvChain === undefined) {
    skipUntil(m, header.pn);
    m.prevCount = m.sendCount;
    m.sendCount = 0;
    m.recvCount = 0;
    m.recvPublic = header.dh;
    const recv = kdfRoot(m.rootKey, dh(crypto, m.sendSecret, header.dh, 'dm.header.k'));
    m.recvChain = recv.chainKey;
    const next = pair(random(32), crypto);
    const send = kdfRoot(recv.rootKey, dh(crypto, next.secret, header.dh, 'dm.header.k'));
    m.rootKey = send.rootKey;
    m.sendChain = send.chainKey;
    m.sendSecret = next.secret;
    m.sendPublic = next.publicKey;
  } else if (header.n < m.recvCount) {
    throw new DecryptError('dm.header.n', 'message already read, or its key was dropped');
  }
  skipUntil(m, header.n);
  const { chainKey, messageKey } = kdfChain(m.recvChain as Uint8Array);
  const plaintext = openWithMessageKey(messageKey, aad, ciphertext, crypto, 'dm.x');
  m.recvChain = chainKey;
  m.recvCount++;
  return { state: { ...s, ...m }, plaintext };
};

/**
 * Accepts a session another device initiated, by decrypting its first message to arrive (any of the
 * initiator's first sending chain: `pn` must be 0). `initiatorBox` is the sender device's certified
 * box key. The responder's box secret is used for one DH step and is not in the returned state.
 */
export const acceptSession = (
  d: SessionDevices,
  header: RatchetHeader,
  ciphertext: Uint8Array,
  context: Uint8Array,
  random: RandomSource,
  crypto: CryptoPort,
): { state: RatchetState; plaintext: Uint8Array } => {
  if (header.pn !== 0) throw new DecryptError('dm.header.p', 'no session, and this is not a message of the first chain');
  const sk = x3dh(
    dh(crypto, d.box.secret, d.peerBox, 'dm.peerBox'),
    dh(crypto, d.box.secret, header.session, 'dm.header.i'),
    d.peerBox,
    d.box.publicKey,
    header.session,
  );
  const start: RatchetState = {
    session: header.session,
    self: d.self,
    peer: d.peer,
    rootKey: sk,
    sendSecret: d.box.secret,
    sendPublic: d.box.publicKey,
    recvPublic: undefined,
    sendChain: undefined,
    recvChain: undefined,
    sendCount: 0,
    prevCount: 0,
    recvCount: 0,
    skipped: [],
  };
  return ratchetDecrypt(start, header, ciphertext, context, random, crypto);
};
