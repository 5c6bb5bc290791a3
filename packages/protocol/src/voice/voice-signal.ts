/**
 * VOICE_SIGNAL (type 0x60): one signalling message of a voice channel, gossiped on the channel's own
 * topic and signed by the device key. Never stored: it is checked, acted on and forgotten.
 *
 * Payload: { a: device (signer), u: account, r: room, c: channel, k: kind, s: session (8 bytes, fresh
 * per join), q: sequence within the session, t: time ms } plus, by kind:
 *   join / announce   b: upload capacity (kbit/s), o: uptime (ms) at `t`, f: flags (1 muted, 2 deafened)
 *   offer/answer/ice  d: target device, e: target session, p: payload (SDP or one ICE candidate; ASCII)
 *   leave             nothing more
 * Every other key is refused, so nothing unsigned-for rides along.
 */
import type { CborMap } from '../codec/cbor.ts';
import { compact, has, onlyKeys, reqBytes, reqEnum, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { ExpiredError, InvalidFieldError, LimitError } from '../errors.ts';

export const VOICE_KINDS = ['join', 'announce', 'leave', 'offer', 'answer', 'ice'] as const;
export type VoiceSignalKind = (typeof VOICE_KINDS)[number];

/** Bounds of the voice signalling format (PROTOCOL 11). */
export const VOICE_LIMITS = {
  /** One SDP or ICE candidate (UTF-8 bytes). */
  maxPayloadBytes: 16 * 1024,
  /** A signal's time may differ from the receiver's clock by at most this (replays of old signals are refused). */
  maxSkewMs: 30_000,
  /** Announced upload capacity, kbit/s (10 Gbit/s). */
  maxUploadKbps: 10_000_000,
  /** Announced uptime (ms): 1 year. */
  maxUptimeMs: 365 * 24 * 3600 * 1000,
  sessionBytes: 8,
} as const;

export const VOICE_FLAG_MUTED = 1;
export const VOICE_FLAG_DEAFENED = 2;

interface Base {
  readonly device: Uint8Array;
  readonly account: Uint8Array;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly session: Uint8Array;
  readonly seq: number;
  readonly time: number;
}
export interface VoicePresence extends Base {
  readonly kind: 'join' | 'announce';
  readonly uploadKbps: number;
  readonly uptimeMs: number;
  readonly flags: number;
}
export interface VoiceLeave extends Base {
  readonly kind: 'leave';
}
export interface VoiceDirected extends Base {
  readonly kind: 'offer' | 'answer' | 'ice';
  readonly target: Uint8Array;
  readonly targetSession: Uint8Array;
  readonly payload: string;
}
export type VoiceSignal = VoicePresence | VoiceLeave | VoiceDirected;

/** SDP and ICE candidates are ASCII lines ending in CR LF: printable ASCII, CR, LF and tab only. */
const readPayload = (m: CborMap, f: string): string => {
  const v = has(m, 'p') ? m.p : undefined;
  if (typeof v !== 'string') throw new InvalidFieldError(`${f}.p`, 'expected text');
  if (v.length > VOICE_LIMITS.maxPayloadBytes) throw new LimitError(`${f}.p`, VOICE_LIMITS.maxPayloadBytes, v.length);
  if (/[^\x20-\x7e\r\n\t]/.test(v)) throw new InvalidFieldError(`${f}.p`, 'only printable ASCII, CR, LF and tab');
  return v;
};

const BASE_KEYS = ['a', 'u', 'r', 'c', 'k', 's', 'q', 't'];

export const voiceSignalCodec: BodyCodec<VoiceSignal> = {
  type: 'VOICE_SIGNAL',
  maxPayload: VOICE_LIMITS.maxPayloadBytes + 512,
  write: (v) =>
    compact({
      a: v.device,
      u: v.account,
      r: v.room,
      c: v.channel,
      k: v.kind,
      s: v.session,
      q: v.seq,
      t: v.time,
      b: v.kind === 'join' || v.kind === 'announce' ? v.uploadKbps : undefined,
      o: v.kind === 'join' || v.kind === 'announce' ? v.uptimeMs : undefined,
      f: v.kind === 'join' || v.kind === 'announce' ? v.flags : undefined,
      d: v.kind === 'offer' || v.kind === 'answer' || v.kind === 'ice' ? v.target : undefined,
      e: v.kind === 'offer' || v.kind === 'answer' || v.kind === 'ice' ? v.targetSession : undefined,
      p: v.kind === 'offer' || v.kind === 'answer' || v.kind === 'ice' ? v.payload : undefined,
    }),
  read: (m: CborMap, f: string): VoiceSignal => {
    const kind = reqEnum(m, 'k', f, VOICE_KINDS);
    const base: Base = {
      device: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      room: reqBytes(m, 'r', f, 32),
      channel: reqBytes(m, 'c', f, 16),
      session: reqBytes(m, 's', f, VOICE_LIMITS.sessionBytes),
      seq: reqUint(m, 'q', f),
      time: reqUint(m, 't', f),
    };
    if (kind === 'join' || kind === 'announce') {
      onlyKeys(m, [...BASE_KEYS, 'b', 'o', 'f'], f);
      return {
        ...base,
        kind,
        uploadKbps: reqUint(m, 'b', f, VOICE_LIMITS.maxUploadKbps),
        uptimeMs: reqUint(m, 'o', f, VOICE_LIMITS.maxUptimeMs),
        flags: reqUint(m, 'f', f, VOICE_FLAG_MUTED | VOICE_FLAG_DEAFENED),
      };
    }
    if (kind === 'leave') {
      onlyKeys(m, BASE_KEYS, f);
      return { ...base, kind };
    }
    onlyKeys(m, [...BASE_KEYS, 'd', 'e', 'p'], f);
    return {
      ...base,
      kind,
      target: reqBytes(m, 'd', f, 32),
      targetSession: reqBytes(m, 'e', f, VOICE_LIMITS.sessionBytes),
      payload: readPayload(m, f),
    };
  },
  signer: (v) => v.device,
};

/** Signs a voice signal with the device's signing secret. */
export const signVoiceSignal = (v: VoiceSignal, secret: Uint8Array, crypto: CryptoPort): Signed<VoiceSignal> => sign(voiceSignalCodec, v, secret, crypto);

/**
 * decode -> fields -> signature -> clock: a signal whose `t` is more than VOICE_LIMITS.maxSkewMs
 * from `now` either way is refused (ERR_EXPIRED, field VOICE_SIGNAL.t), so an old offer cannot be
 * replayed into a later call. Membership is validateVoiceSignal's job.
 */
export const openVoiceSignal = (bytes: Uint8Array, crypto: CryptoPort, now: number): Signed<VoiceSignal> => {
  const s = open(voiceSignalCodec, bytes, crypto);
  if (Math.abs(s.body.time - now) > VOICE_LIMITS.maxSkewMs) {
    throw new ExpiredError('VOICE_SIGNAL.t', `time ${s.body.time} is more than ${VOICE_LIMITS.maxSkewMs} ms from ${now}`);
  }
  return s;
};
