/**
 * Direct messages as envelopes in the direct form (PROTOCOL 13.3): an ENVELOPE whose `p` names the
 * addressee account, whose channel is that account's inbox in a room both share, and whose `x` is a
 * direct box of per-device ratchet ciphertexts. It travels, is stored and is synced exactly like a
 * channel envelope (device, seq, Lamport, heads), so hubs keep it as ciphertext with no new paths.
 *
 *   inbox(room, account) = SHA-256("parley/v1/dm-inbox" || room || account)[0..16]
 *   aad(device entry)    = SHA-256("parley/v1/dm-aad" || r || c || a || u64be(s) || recipient device)
 *                          || ratchet header (80)
 */

import { CAP } from '../authority/capabilities.ts';
import type { AuthorityView } from '../authority/view.ts';
import { compare, concat, equals, utf8 } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import { sign } from '../codec/signed.ts';
import type { CryptoPort, RandomSource } from '../crypto/port.ts';
import { CutoffError, DecryptError, InvalidFieldError, UnauthorizedError } from '../errors.ts';
import type { KeyPair } from '../identity/keys.ts';
import { KEY_ID_BYTES, writeU64 } from '../keys/seal.ts';
import { CHANNEL_ID_BYTES, type Envelope, envelopeCodec, NONCE_BYTES } from '../message/envelope.ts';
import { assertDeviceOf, headsPosition } from '../message/validate-envelope.ts';
import {
  type DirectBox,
  type DirectContent,
  type DirectRecipient,
  decodeDirectBox,
  decodeDirectContent,
  encodeDirectBox,
  encodeDirectContent,
} from './direct-box.ts';
import { acceptSession, type RatchetState, ratchetDecrypt, ratchetEncrypt } from './ratchet.ts';

const INBOX_LABEL = utf8('parley/v1/dm-inbox');
const AAD_LABEL = utf8('parley/v1/dm-aad');

/** The inbox channel of `account` in `room`: where direct envelopes to it are kept and gossiped. */
export const inboxChannel = (room: Uint8Array, account: Uint8Array, crypto: CryptoPort): Uint8Array =>
  crypto.sha256(concat(INBOX_LABEL, room, account)).slice(0, CHANNEL_ID_BYTES);

/** The context a device entry's ciphertext is bound to: this envelope slot and this recipient device. */
export const directContext = (e: Pick<Envelope, 'room' | 'channel' | 'device' | 'seq'>, recipient: Uint8Array, crypto: CryptoPort): Uint8Array => {
  const L = AAD_LABEL.length;
  const buf = new Uint8Array(L + 32 + 16 + 32 + 8 + 32);
  buf.set(AAD_LABEL, 0);
  buf.set(e.room, L);
  buf.set(e.channel, L + 32);
  buf.set(e.device, L + 48);
  writeU64(buf, L + 80, e.seq);
  buf.set(recipient, L + 88);
  return crypto.sha256(buf);
};

export interface DirectDraft {
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  /** The account whose inbox the envelope goes to: the addressee, or the sender (a copy for its other devices). */
  readonly inboxOf: Uint8Array;
  readonly seq: number;
  readonly lamport: number;
  readonly heads: readonly Uint8Array[];
  readonly content: DirectContent;
}

/** A recipient device and its session (initiated with `initiateSession` when there was none). */
export interface DirectTarget {
  readonly device: Uint8Array;
  readonly state: RatchetState;
}

/**
 * Encrypts `draft.content` to every target device with its session and signs the envelope with
 * `device`. Returns the envelope and each target's advanced session, in the targets' order.
 */
export const createDirectEnvelope = (
  draft: DirectDraft,
  targets: readonly DirectTarget[],
  device: KeyPair,
  crypto: CryptoPort,
): { envelope: Signed<Envelope>; states: RatchetState[] } => {
  if (targets.length === 0) throw new InvalidFieldError('dm.targets', 'at least one recipient device is required');
  const channel = inboxChannel(draft.room, draft.inboxOf, crypto);
  const slot = { room: draft.room, channel, device: device.publicKey, seq: draft.seq };
  const plaintext = encodeDirectContent(draft.content);
  const states: RatchetState[] = [];
  const recipients: DirectRecipient[] = targets.map((t) => {
    if (!equals(t.state.peer, t.device)) throw new InvalidFieldError('dm.targets', 'a session belongs to another device');
    const r = ratchetEncrypt(t.state, plaintext, directContext(slot, t.device, crypto), crypto);
    states.push(r.state);
    return { device: t.device, header: r.header, ciphertext: r.ciphertext };
  });
  const heads = [...draft.heads].sort(compare).filter((h, i, a) => i === 0 || !equals(h, a[i - 1] as Uint8Array));
  const body: Envelope = {
    ...slot,
    account: draft.account,
    lamport: draft.lamport,
    heads,
    epoch: 0,
    keyId: new Uint8Array(KEY_ID_BYTES),
    nonce: new Uint8Array(NONCE_BYTES),
    ciphertext: encodeDirectBox({ recipients }),
    op: undefined,
    target: undefined,
    peer: draft.inboxOf,
  };
  return { envelope: sign(envelopeCodec, body, device.secret, crypto), states };
};

/**
 * Authority checks for a direct envelope, against the replayed log of the room that carries it.
 * Returns its position and decoded box; throws a typed ProtocolError (UnknownReferenceError: hold).
 *   r is this room; heads known (p); a is a device of u, not revoked, s not above a cut-off;
 *   u and the addressee p may READ the room at p and u is not banned now; c = inbox(r, p);
 *   every recipient device is a certified, unrevoked device of p (not a itself).
 */
export const validateDirectEnvelope = (env: Signed<Envelope>, view: AuthorityView, crypto: CryptoPort): { position: number; box: DirectBox } => {
  const b = env.body;
  const peer = b.peer;
  if (peer === undefined) throw new InvalidFieldError('envelope.p', 'not a direct envelope');
  if (!equals(b.room, view.roomId)) throw new InvalidFieldError('envelope.r', 'not this room');
  const p = headsPosition(view, b.heads, 'envelope.h');
  const device = assertDeviceOf(view, b.device, b.account, 'envelope.a');
  const hit = view.cutoffViolation(b.device, b.channel, b.seq, p);
  if (hit !== undefined) throw new CutoffError('envelope.s', `seq ${b.seq} is above the ${hit.kind} cut-off ${hit.cutoff}`);
  if (device?.revoked === true && view.cutoffViolation(b.device, b.channel, Number.MAX_SAFE_INTEGER, p) === undefined) {
    throw new UnauthorizedError('envelope.a', 'device is revoked at the authority position');
  }
  if (!view.can(b.account, CAP.READ, undefined, p) || view.banned().some((x) => equals(x, b.account))) {
    throw new UnauthorizedError('envelope.u', 'the sender is not a member of the room');
  }
  if (!view.can(peer, CAP.READ, undefined, p)) throw new UnauthorizedError('envelope.p', 'the addressee is not a member of the room');
  if (!equals(b.channel, inboxChannel(b.room, peer, crypto))) throw new InvalidFieldError('envelope.c', "not the addressee's inbox channel");
  const box = decodeDirectBox(b.ciphertext, 'envelope.x');
  box.recipients.forEach((r, i) => {
    const d = view.deviceInfo(r.device);
    const f = `envelope.x.r[${i}].d`;
    if (equals(r.device, b.device)) throw new InvalidFieldError(f, 'the sending device is not a recipient');
    if (equals(r.device, peer)) return; // an account key acting as its own device
    if (d === undefined || !equals(d.account, peer)) throw new UnauthorizedError(f, 'not a certified device of the addressee');
    if (d.revoked) throw new UnauthorizedError(f, 'a revoked device');
  });
  return { position: p, box };
};

/** This device's entry in a direct envelope's box, if it is a recipient. */
export const directEntryFor = (box: DirectBox, device: Uint8Array): DirectRecipient | undefined => box.recipients.find((r) => equals(r.device, device));

export interface DirectReader {
  /** This device's Ed25519 key and X25519 box keypair. */
  readonly device: Uint8Array;
  readonly box: KeyPair;
}

/**
 * Decrypts this device's entry with the session its header names (one of `sessions`, all with the
 * sending device), or accepts a new session the sender started (`senderBox`: the sending device's
 * certified box key). Returns the content and the session's new state; throws DecryptError.
 */
export const openDirectEnvelope = (
  env: Envelope,
  box: DirectBox,
  me: DirectReader,
  sessions: readonly RatchetState[],
  senderBox: Uint8Array,
  random: RandomSource,
  crypto: CryptoPort,
): { content: DirectContent; state: RatchetState } => {
  const peer = env.peer;
  if (peer === undefined) throw new InvalidFieldError('envelope.p', 'not a direct envelope');
  const entry = directEntryFor(box, me.device);
  if (entry === undefined) throw new DecryptError('envelope.x', 'not encrypted to this device');
  const context = directContext(env, me.device, crypto);
  const known = sessions.find((s) => equals(s.session, entry.header.session) && equals(s.peer, env.device));
  const r =
    known === undefined
      ? acceptSession({ self: me.device, box: me.box, peer: env.device, peerBox: senderBox }, entry.header, entry.ciphertext, context, random, crypto)
      : ratchetDecrypt(known, entry.header, entry.ciphertext, context, random, crypto);
  const content = decodeDirectContent(r.plaintext);
  // The addressee named inside must be the inbox's owner, unless this is the sender's own copy.
  if (!equals(peer, env.account) && !equals(content.to, peer)) throw new InvalidFieldError('dm.content.w', 'not the inbox the envelope is in');
  return { content, state: r.state };
};
