/**
 * End-to-end encryption of voice frames (one encoded Opus frame each), applied by the sender's and
 * receivers' encoded transforms so that a forwarder relays bytes it cannot read, alter or re-attribute.
 *
 *   key   = HKDF-SHA256(ikm = channel epoch key, salt = room || channel, info = "parley/v1/voice" || u32be(epoch), 32)
 *   frame = 0x01 | u32be(epoch) | nonce(12) | ChaCha20-Poly1305(key, nonce, aad).encrypt(opus frame)
 *   aad   = "parley/v1/voice-frame" || sender device key || first 5 bytes of the frame
 *
 * The sender's device key in the AAD means a forwarder cannot present one speaker's frames as
 * another's; the epoch in the header lets a receiver pick the key across a rotation (a ban moves
 * voice to the new epoch, and the banned device holds no key for it).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from '../bytes.ts';
import { DecodeError, DecryptError, InvalidFieldError, LimitError } from '../errors.ts';

export const VOICE_FRAME_VERSION = 0x01;
export const VOICE_FRAME_HEADER = 17;
export const VOICE_FRAME_TAG = 16;
/** One sealed frame at most (an Opus frame is at most 1,275 bytes per 20 ms; 4 KiB leaves room for 120 ms frames). */
export const MAX_VOICE_FRAME_BYTES = 4096;

const KEY_INFO = utf8('parley/v1/voice');
const AAD_LABEL = utf8('parley/v1/voice-frame');

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

export const deriveVoiceKey = (epochKey: Uint8Array, room: Uint8Array, channel: Uint8Array, epoch: number): Uint8Array => {
  if (epochKey.length !== 32) throw new InvalidFieldError('voice.epochKey', 'expected 32 bytes');
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) throw new InvalidFieldError('voice.epoch', 'expected a u32');
  return hkdf(sha256, epochKey, concat(room, channel), concat(KEY_INFO, u32(epoch)), 32);
};

export interface VoiceFrameHeader {
  readonly epoch: number;
  readonly nonce: Uint8Array;
  readonly sealed: Uint8Array;
}

/** Splits a sealed frame, every length checked first. */
export const parseVoiceFrame = (bytes: Uint8Array): VoiceFrameHeader => {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('voiceFrame', 'expected bytes');
  if (bytes.length > MAX_VOICE_FRAME_BYTES) throw new LimitError('voiceFrame', MAX_VOICE_FRAME_BYTES, bytes.length);
  if (bytes.length < VOICE_FRAME_HEADER + VOICE_FRAME_TAG) throw new DecodeError('voiceFrame', 'too short');
  if (bytes[0] !== VOICE_FRAME_VERSION) throw new DecodeError('voiceFrame.version', `unsupported version ${bytes[0]}`);
  const epoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  return { epoch, nonce: bytes.subarray(5, VOICE_FRAME_HEADER), sealed: bytes.subarray(VOICE_FRAME_HEADER) };
};

const aad = (sender: Uint8Array, head: Uint8Array): Uint8Array => concat(AAD_LABEL, sender, head.subarray(0, 5));

/** Seals one encoded frame; `nonce` is 12 fresh random bytes. */
export const sealVoiceFrame = (key: Uint8Array, epoch: number, sender: Uint8Array, frame: Uint8Array, nonce: Uint8Array): Uint8Array => {
  if (nonce.length !== 12) throw new InvalidFieldError('voice.nonce', 'expected 12 bytes');
  if (frame.length + VOICE_FRAME_HEADER + VOICE_FRAME_TAG > MAX_VOICE_FRAME_BYTES) throw new LimitError('voice.frame', MAX_VOICE_FRAME_BYTES, frame.length);
  const head = concat(Uint8Array.of(VOICE_FRAME_VERSION), u32(epoch), nonce);
  return concat(head, chacha20poly1305(key, nonce, aad(sender, head)).encrypt(frame));
};

/**
 * Opens a sealed frame from `sender` with the key of its epoch (`keyFor` returns undefined for an
 * epoch this device holds no key for: ERR_DECRYPT, as for a failed tag).
 */
export const openVoiceFrame = (keyFor: (epoch: number) => Uint8Array | undefined, sender: Uint8Array, bytes: Uint8Array): Uint8Array => {
  const h = parseVoiceFrame(bytes);
  const key = keyFor(h.epoch);
  if (key === undefined) throw new DecryptError('voiceFrame.epoch', `no key for epoch ${h.epoch}`);
  try {
    return chacha20poly1305(key, h.nonce, aad(sender, bytes)).decrypt(h.sealed);
  } catch {
    throw new DecryptError('voiceFrame');
  }
};
