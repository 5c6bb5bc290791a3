/**
 * What happens to each encoded audio frame, off the page's main thread: the engine hands the encoded
 * streams of every sender and receiver of its call to one dedicated worker (frame-worker.ts) that
 * runs a FrameTransforms. Outgoing microphone frames are sealed with
 * the channel's voice key of the current epoch before the packetizer sees them; incoming ones are
 * opened (the sender's device key is in the AAD) before the decoder does; a frame that does not open
 * is dropped and the decoder conceals it as a loss. On a forwarder, each frame a listener sends is
 * also handed, still sealed, to the relay sender of every other listener (ForwarderRelay: the worker
 * writes a copy of the received frame into that sender's encoded stream; relay senders hold no track,
 * so no encoder runs for them). The forwarder never opens relayed frames for them.
 *
 * The engine and the worker talk by messages (FrameCommand, FrameReport): keys, who listens, and
 * samples for diagnostics and tests. This module has no DOM or worker globals: Node tests drive it.
 */
import { openVoiceFrame, sealVoiceFrame, VOICE_FRAME_HEADER, VOICE_FRAME_TAG } from '@parley/protocol';
import { ForwarderRelay } from './forwarder-relay.ts';

/** What a transform does (sent with the streams it transforms). Devices are hex. */
export type FrameRole =
  /** This device's microphone on one link: seal as `device`. */
  | { readonly role: 'seal'; readonly device: string }
  /** Frames from `speaker` on a link with `link`; on a forwarder (`relay`), each sealed frame is also relayed to the other listeners. */
  | { readonly role: 'open'; readonly speaker: string; readonly link: string; readonly relay: boolean }
  /** On a forwarder: the sender that carries `speaker`'s frames to `listener` (frames are written into it, none come from it). */
  | { readonly role: 'relay'; readonly listener: string; readonly speaker: string };

/** Engine -> worker. */
export type FrameCommand =
  /** The current epoch and the keys of every epoch this device holds (by epoch). */
  | { readonly t: 'keys'; readonly epoch: number; readonly keys: readonly (readonly [number, Uint8Array])[] }
  /** On a forwarder: the devices it relays to now (not the standby links of the next in line). */
  | { readonly t: 'listeners'; readonly listeners: readonly string[] }
  /** A device's link closed: the relay sinks towards it go. */
  | { readonly t: 'forget'; readonly device: string }
  /** Report the next n plaintext frames before sealing / sealed frames as they leave / relayed frames. */
  | { readonly t: 'keep'; readonly plain?: number; readonly sealed?: number; readonly relay?: number }
  /** Answer with a 'stats' report. */
  | { readonly t: 'stats'; readonly id: number };

export interface FrameCounts {
  sealed: number;
  opened: number;
  dropped: number;
  relayed: number;
  overflow: number;
}

/** Worker -> engine. */
export type FrameReport =
  | { readonly t: 'plain'; readonly frame: Uint8Array }
  | { readonly t: 'sealed'; readonly frame: Uint8Array }
  | { readonly t: 'relayed'; readonly speaker: string; readonly listener: string; readonly frame: Uint8Array }
  | { readonly t: 'stats'; readonly id: number; readonly counts: FrameCounts }
  /** No frame has come from the link with `link` for QUIET_MS (it had sent some). */
  | { readonly t: 'quiet'; readonly link: string }
  /** A transform's streams ended with an error (`what`: its role and the error): its frames no longer pass. */
  | { readonly t: 'broken'; readonly what: string };

/**
 * A link that brought frames and then none for this long is reported quiet (ms): a live one brings
 * at least one every 400 ms (Opus DTX's comfort-noise updates while nobody speaks, 50 a second else).
 */
export const QUIET_MS = 1_200;

const fromHexBytes = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

const buffer = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** The frame transforms of one engine; `post` sends reports to it. */
export class FrameTransforms<F = unknown> {
  readonly relay: ForwarderRelay<F>;
  readonly counts: FrameCounts = { sealed: 0, opened: 0, dropped: 0, relayed: 0, overflow: 0 };
  readonly #keys = new Map<number, Uint8Array>();
  readonly #devices = new Map<string, Uint8Array>();
  readonly #post: (r: FrameReport) => void;
  #epoch: number | undefined;
  #listeners: readonly string[] = [];
  #keepPlain = 0;
  #keepSealed = 0;
  #keepRelay = 0;
  /** Per link (device hex): when its last frame came, and whether it has been reported quiet since. */
  readonly #lastFrame = new Map<string, { at: number; quiet: boolean }>();

  readonly #now: () => number;

  constructor(post: (r: FrameReport) => void, now: () => number = () => performance.now()) {
    this.#post = post;
    this.#now = now;
    this.relay = new ForwarderRelay<F>((speaker, listener, sealed) => {
      if (this.#keepRelay <= 0) return;
      this.#keepRelay--;
      this.#post({ t: 'relayed', speaker, listener, frame: sealed.slice() });
    });
  }

  /** Reports (once) each link whose frames stopped QUIET_MS ago; the worker calls it every 200 ms. */
  checkQuiet(): void {
    const now = this.#now();
    for (const [link, f] of this.#lastFrame) {
      if (f.quiet || now - f.at < QUIET_MS) continue;
      f.quiet = true;
      this.#post({ t: 'quiet', link });
    }
  }

  command(c: FrameCommand): void {
    switch (c.t) {
      case 'keys':
        this.#epoch = c.epoch;
        for (const [e, k] of c.keys) this.#keys.set(e, k);
        return;
      case 'listeners':
        this.#listeners = [...c.listeners];
        return;
      case 'forget':
        this.relay.forget(c.device);
        this.#lastFrame.delete(c.device);
        return;
      case 'keep':
        if (c.plain !== undefined) this.#keepPlain = c.plain;
        if (c.sealed !== undefined) this.#keepSealed = c.sealed;
        if (c.relay !== undefined) this.#keepRelay = c.relay;
        return;
      case 'stats':
        this.#post({ t: 'stats', id: c.id, counts: { ...this.counts, relayed: this.relay.relayed, overflow: this.relay.overflow } });
        return;
    }
  }

  #device(hex: string): Uint8Array {
    let d = this.#devices.get(hex);
    if (d === undefined) this.#devices.set(hex, (d = fromHexBytes(hex)));
    return d;
  }

  /**
   * One frame through a transform of `role`: the bytes to send on (to the packetizer or the
   * decoder), or undefined to drop the frame. `source` is the encoded frame itself, which relay
   * sinks copy (on a forwarder's receivers).
   */
  frame(role: FrameRole, data: ArrayBuffer, source?: F): ArrayBuffer | undefined {
    switch (role.role) {
      case 'seal': {
        const epoch = this.#epoch;
        const key = epoch === undefined ? undefined : this.#keys.get(epoch);
        if (epoch === undefined || key === undefined) {
          this.counts.dropped++;
          return undefined;
        }
        const plain = new Uint8Array(data);
        if (this.#keepPlain > 0) {
          this.#keepPlain--;
          this.#post({ t: 'plain', frame: plain.slice() });
        }
        const sealed = sealVoiceFrame(key, epoch, this.#device(role.device), plain, globalThis.crypto.getRandomValues(new Uint8Array(12)));
        this.counts.sealed++;
        if (this.#keepSealed > 0) {
          this.#keepSealed--;
          this.#post({ t: 'sealed', frame: sealed });
        }
        return buffer(sealed);
      }
      case 'open': {
        this.#lastFrame.set(role.link, { at: this.#now(), quiet: false });
        const sealed = new Uint8Array(data);
        // Frames too short to be sealed (Chromium hands the receiver empty ones now and then) are not relayed.
        if (sealed.length < VOICE_FRAME_HEADER + VOICE_FRAME_TAG) {
          this.counts.dropped++;
          return undefined;
        }
        if (role.relay) this.relay.push(role.link, sealed, source as F, this.#listeners);
        try {
          const plain = openVoiceFrame((e) => this.#keys.get(e), this.#device(role.speaker), sealed);
          this.counts.opened++;
          return buffer(plain);
        } catch {
          this.counts.dropped++;
          return undefined;
        }
      }
      case 'relay':
        // Relay senders hold no track: nothing of their own is sent.
        return undefined;
    }
  }
}
