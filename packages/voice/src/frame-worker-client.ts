/**
 * The engine's side of its frame worker (frame-worker.ts): starts it, attaches a transform of a
 * given role to a sender or receiver, keeps the worker's keys and listeners current, and turns its
 * reports into the engine's FrameTap.
 */
import type { FrameCommand, FrameCounts, FrameReport, FrameRole } from './frame-transform.ts';

/** Counters and optional taps, for diagnostics and tests (updated from the worker). */
export interface FrameTap {
  sealed: number;
  opened: number;
  dropped: number;
  relayed: number;
  overflow: number;
  /** Called with each plaintext frame before sealing, while the worker is asked to report them (FrameWorker.keep). */
  onPlain?: (frame: Uint8Array) => void;
  /** Called with each sealed frame as it leaves, while asked. */
  onSealed?: (frame: Uint8Array) => void;
  /** Called with each frame a forwarder relays, still sealed, while asked. */
  onRelayed?: (r: { speaker: string; listener: string; frame: Uint8Array }) => void;
}

interface EncodedStreams {
  readonly readable: ReadableStream;
  readonly writable: WritableStream;
}
interface HasEncodedStreams {
  createEncodedStreams(): EncodedStreams;
}

/** Makes the worker; the default is this package's frame-worker.ts, which bundlers (Next, esbuild with the asset served) resolve from this URL. */
export type MakeFrameWorker = () => Worker;

export const defaultFrameWorker: MakeFrameWorker = () =>
  new Worker(new URL('./frame-worker.ts', import.meta.url), { type: 'module', name: 'parley-voice-frames' });

export class FrameWorker {
  readonly tap: FrameTap = { sealed: 0, opened: 0, dropped: 0, relayed: 0, overflow: 0 };
  readonly #worker: Worker;
  /** Senders and receivers whose streams went to the worker (a second createEncodedStreams() throws). */
  readonly #attached = new WeakSet<object>();
  readonly #waiting = new Map<number, (c: FrameCounts) => void>();
  #nextId = 0;
  #keysSent = '';
  /** No frame has come from the link with this device for QUIET_MS (frame-transform.ts). */
  onQuiet?: (device: string) => void;
  /** A transform's streams failed (its role and the error): diagnostics. */
  onBroken?: (what: string) => void;
  #listenersSent = '';

  constructor(make: MakeFrameWorker = defaultFrameWorker) {
    const sender = (globalThis as unknown as { RTCRtpSender?: { prototype: Partial<HasEncodedStreams> } }).RTCRtpSender;
    if (typeof sender?.prototype.createEncodedStreams !== 'function') throw new Error('this browser has no encoded transforms (createEncodedStreams)');
    this.#worker = make();
    this.#worker.onmessage = (e: MessageEvent<FrameReport>) => this.#report(e.data);
  }

  #report(r: FrameReport): void {
    switch (r.t) {
      case 'plain':
        this.tap.onPlain?.(r.frame);
        return;
      case 'sealed':
        this.tap.onSealed?.(r.frame);
        return;
      case 'relayed':
        this.tap.onRelayed?.(r);
        return;
      case 'quiet':
        this.onQuiet?.(r.link);
        return;
      case 'broken':
        this.onBroken?.(r.what);
        return;
      case 'stats': {
        Object.assign(this.tap, r.counts);
        this.#waiting.get(r.id)?.(r.counts);
        this.#waiting.delete(r.id);
        return;
      }
    }
  }

  #send(c: FrameCommand): void {
    this.#worker.postMessage(c);
  }

  /**
   * Sends a sender's or receiver's encoded streams to the worker, to be transformed as `role` (once
   * per endpoint; the peer connection must have been made with `encodedInsertableStreams: true`).
   * Chromium's RTCRtpScriptTransform would do the same without the transfer, but in Chromium 156 the
   * transforms set on a forwarder's receivers and relay senders (and on some answerers' microphone
   * senders) never saw a frame, so sealed frames reached decoders unopened (forward.spec, measured).
   */
  attach(endpoint: RTCRtpSender | RTCRtpReceiver, role: FrameRole): void {
    if (this.#attached.has(endpoint)) return;
    this.#attached.add(endpoint);
    const { readable, writable } = (endpoint as unknown as HasEncodedStreams).createEncodedStreams();
    this.#worker.postMessage({ t: 'attach', role, readable, writable }, [readable as unknown as Transferable, writable as unknown as Transferable]);
  }

  /** The current epoch and the keys held (sent only when they changed). */
  keys(epoch: number, keys: readonly (readonly [number, Uint8Array])[]): void {
    const sig = `${epoch}:${keys.map(([e]) => e).join(',')}`;
    if (sig === this.#keysSent) return;
    this.#keysSent = sig;
    this.#send({ t: 'keys', epoch, keys });
  }

  listeners(list: readonly string[]): void {
    const sig = list.join(',');
    if (sig === this.#listenersSent) return;
    this.#listenersSent = sig;
    this.#send({ t: 'listeners', listeners: list });
  }

  forget(device: string): void {
    this.#send({ t: 'forget', device });
  }

  /** Asks the worker to report the next n plaintext / sealed / relayed frames to the tap. */
  keep(n: { plain?: number; sealed?: number; relay?: number }): void {
    this.#send({ t: 'keep', ...n });
  }

  /** The worker's counters now (also copied into the tap). */
  stats(): Promise<FrameCounts> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#send({ t: 'stats', id });
    });
  }

  terminate(): void {
    this.#worker.terminate();
    for (const r of this.#waiting.values()) r({ ...this.tap });
    this.#waiting.clear();
  }
}
