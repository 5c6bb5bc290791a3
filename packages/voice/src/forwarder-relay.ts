/**
 * The forwarder's fan-out: each sealed frame that arrives from a speaker is queued for every other
 * listener, and each (speaker, listener) sender takes from its queue at its own pace. Queues are
 * short (a few frames): a listener that falls behind loses the oldest frames, never grows a delay.
 */
export class ForwarderRelay {
  readonly #queues = new Map<string, Map<string, Uint8Array[]>>();
  readonly depth: number;
  /** Frames handed to senders, and dropped from full queues. */
  relayed = 0;
  overflow = 0;
  /** Recent sealed frames as relayed (tests assert they are not plaintext). */
  readonly sample: { speaker: string; listener: string; frame: Uint8Array }[] = [];
  #sampling = 0;

  constructor(depth = 6) {
    this.depth = depth;
  }

  /** Keeps up to `n` of the next relayed frames in `sample`. */
  keepSample(n: number): void {
    this.#sampling = n;
  }

  #queue(listener: string, speaker: string): Uint8Array[] {
    let byListener = this.#queues.get(listener);
    if (byListener === undefined) this.#queues.set(listener, (byListener = new Map()));
    let q = byListener.get(speaker);
    if (q === undefined) byListener.set(speaker, (q = []));
    return q;
  }

  /** A sealed frame from `speaker`, for every listener but the speaker. */
  push(speaker: string, sealed: Uint8Array, listeners: readonly string[]): void {
    for (const l of listeners) {
      if (l === speaker) continue;
      const q = this.#queue(l, speaker);
      q.push(sealed);
      if (q.length > this.depth) {
        q.shift();
        this.overflow++;
      }
    }
  }

  /** The next frame from `speaker` for `listener`, if one waits. */
  next(listener: string, speaker: string): Uint8Array | undefined {
    const f = this.#queues.get(listener)?.get(speaker)?.shift();
    if (f === undefined) return undefined;
    this.relayed++;
    if (this.#sampling > 0) {
      this.#sampling--;
      this.sample.push({ speaker, listener, frame: f });
    }
    return f;
  }

  forget(device: string): void {
    this.#queues.delete(device);
    for (const m of this.#queues.values()) m.delete(device);
  }
}
