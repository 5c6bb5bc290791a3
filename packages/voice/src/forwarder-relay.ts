/**
 * The forwarder's fan-out: each sealed frame that arrives from a speaker goes at once to every other
 * listener's relay sender for that speaker (a sink). In the frame worker a sink writes a copy of the
 * received encoded frame (Chromium's `new RTCEncodedAudioFrame(frame)`) into the relay sender's
 * encoded stream: relay senders hold no track, so no encoder runs for relayed audio, and the bytes
 * sent are the speaker's sealed frame as it arrived. A sink that is full (its stream pushes back)
 * skips the frame: a listener that falls behind loses frames, never grows a delay.
 *
 * `F` is what a sink is handed to copy (the received frame in the worker; anything in Node tests).
 */
export type RelaySink<F> = (source: F) => boolean;

export class ForwarderRelay<F = unknown> {
  /** speaker -> listener -> sink. */
  readonly #sinks = new Map<string, Map<string, RelaySink<F>>>();
  /** Frames handed to sinks, and frames a full sink skipped. */
  relayed = 0;
  overflow = 0;
  /** Called with each frame relayed (diagnostics: tests assert what a forwarder sends is sealed). */
  readonly #tap: ((speaker: string, listener: string, sealed: Uint8Array) => void) | undefined;

  constructor(tap?: (speaker: string, listener: string, sealed: Uint8Array) => void) {
    this.#tap = tap;
  }

  /** The sink that carries `speaker`'s frames to `listener` (replacing an earlier one). */
  attach(listener: string, speaker: string, sink: RelaySink<F>): void {
    let byListener = this.#sinks.get(speaker);
    if (byListener === undefined) this.#sinks.set(speaker, (byListener = new Map()));
    byListener.set(listener, sink);
  }

  /** Removes `sink` if it is still the one for (listener, speaker) (its stream broke). */
  detach(listener: string, speaker: string, sink: RelaySink<F>): void {
    const byListener = this.#sinks.get(speaker);
    if (byListener?.get(listener) === sink) byListener.delete(listener);
  }

  /** How many sinks are attached (diagnostics, tests). */
  get sinks(): number {
    let n = 0;
    for (const m of this.#sinks.values()) n += m.size;
    return n;
  }

  /** A sealed frame from `speaker` (`source`, for the sinks to copy) to every listener but the speaker. */
  push(speaker: string, sealed: Uint8Array, source: F, listeners: readonly string[]): void {
    const byListener = this.#sinks.get(speaker);
    if (byListener === undefined) return;
    for (const l of listeners) {
      if (l === speaker) continue;
      const sink = byListener.get(l);
      if (sink === undefined) continue;
      if (!sink(source)) {
        this.overflow++;
        continue;
      }
      this.relayed++;
      this.#tap?.(speaker, l, sealed);
    }
  }

  /**
   * A device's link closed: the sinks that carried others to it go with it. Its own sinks on the
   * other listeners' links stay (those senders still exist): when its link is made again, its frames
   * are relayed through them at once.
   */
  forget(device: string): void {
    for (const m of this.#sinks.values()) m.delete(device);
  }
}
