/**
 * Encoded transforms (Chromium's insertable streams: `createEncodedStreams()` on senders and
 * receivers of a peer connection made with `encodedInsertableStreams: true`). Outgoing frames are
 * sealed with the channel's voice key of the current epoch before the packetizer sees them; incoming
 * ones are opened (the sender's device key is in the AAD) before the decoder does. A frame that does
 * not open is dropped: the decoder conceals it as a loss. The forwarder taps sealed frames.
 */
import { openVoiceFrame, sealVoiceFrame } from '@parley/protocol';

export interface EncodedFrame {
  data: ArrayBuffer;
}
export interface EncodedStreams {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
}
interface HasEncodedStreams {
  createEncodedStreams(): EncodedStreams;
}

const opened = new WeakSet<object>();

/** The encoded streams of a sender or receiver, once (a second call would throw). */
export const encodedStreams = (endpoint: RTCRtpSender | RTCRtpReceiver): EncodedStreams | undefined => {
  if (opened.has(endpoint)) return undefined;
  const e = endpoint as unknown as Partial<HasEncodedStreams>;
  if (typeof e.createEncodedStreams !== 'function') throw new Error('this browser has no encoded transforms (createEncodedStreams)');
  opened.add(endpoint);
  return e.createEncodedStreams();
};

/** The voice keys a transform needs: the current epoch, and the key of any epoch this device holds. */
export interface FrameKeys {
  epoch(): number;
  key(epoch: number): Uint8Array | undefined;
}

/** Counters and an optional tap, for diagnostics and tests. */
export interface FrameTap {
  sealed: number;
  opened: number;
  dropped: number;
  /** Called with each plaintext frame before sealing (sender side). */
  onPlain?: (frame: Uint8Array) => void;
  /** Called with each sealed frame as it leaves (sender side). */
  onSealed?: (frame: Uint8Array) => void;
}

const pipe = (s: EncodedStreams, fn: (f: EncodedFrame, c: TransformStreamDefaultController<EncodedFrame>) => void): void => {
  s.readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform: fn }))
    .pipeTo(s.writable)
    .catch(() => undefined);
};

/** Seals every outgoing frame of `sender` as `device` (frames are dropped while no key of the current epoch is held). */
export const sealSender = (sender: RTCRtpSender, device: Uint8Array, keys: FrameKeys, tap: FrameTap): void => {
  const s = encodedStreams(sender);
  if (s === undefined) return;
  pipe(s, (frame, c) => {
    const epoch = keys.epoch();
    const key = keys.key(epoch);
    if (key === undefined) {
      tap.dropped++;
      return;
    }
    const plain = new Uint8Array(frame.data);
    tap.onPlain?.(plain);
    const sealed = sealVoiceFrame(key, epoch, device, plain, globalThis.crypto.getRandomValues(new Uint8Array(12)));
    frame.data = sealed.buffer.slice(sealed.byteOffset, sealed.byteOffset + sealed.byteLength) as ArrayBuffer;
    tap.sealed++;
    tap.onSealed?.(sealed);
    c.enqueue(frame);
  });
};

/**
 * Opens every incoming frame of `receiver` as coming from `source()` (a device key; looked up per
 * frame because a forwarder's track is assigned a source by the offer that created it). `raw` sees
 * each sealed frame first (the forwarder's relay).
 */
export const openReceiver = (
  receiver: RTCRtpReceiver,
  source: () => Uint8Array | undefined,
  keys: FrameKeys,
  tap: FrameTap,
  raw?: (sealed: Uint8Array) => void,
): void => {
  const s = encodedStreams(receiver);
  if (s === undefined) return;
  pipe(s, (frame, c) => {
    const sealed = new Uint8Array(frame.data);
    raw?.(sealed.slice());
    const from = source();
    if (from === undefined) {
      tap.dropped++;
      return;
    }
    try {
      const plain = openVoiceFrame((e) => keys.key(e), from, sealed);
      frame.data = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer;
      tap.opened++;
      c.enqueue(frame);
    } catch {
      tap.dropped++;
    }
  });
};

/**
 * The forwarder's outgoing side for one (speaker, listener) pair: the sender's own frames (from a
 * placeholder track) only pace the packetizer; each one is replaced by the next sealed frame
 * relayed from the speaker, or dropped when none is waiting. The forwarder never opens them.
 */
export const relaySender = (sender: RTCRtpSender, next: () => Uint8Array | undefined): void => {
  const s = encodedStreams(sender);
  if (s === undefined) return;
  pipe(s, (frame, c) => {
    const sealed = next();
    if (sealed === undefined) return;
    frame.data = sealed.buffer.slice(sealed.byteOffset, sealed.byteOffset + sealed.byteLength) as ArrayBuffer;
    c.enqueue(frame);
  });
};
