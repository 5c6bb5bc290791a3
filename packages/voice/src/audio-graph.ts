/**
 * Playback and levels through WebAudio: each remote speaker's track goes source -> gate (closed while
 * its announcements say it is muted) -> gain (per-person volume) -> master gain (0 while deafened) ->
 * speakers, and gate -> analyser for its level (what is heard of it, before volume). The local microphone has its own analyser (the speaking indicator of this
 * device). Chromium only pulls a remote WebRTC track through WebAudio while a media element plays
 * it, so each track also plays in a muted <audio> element.
 */

export interface SourceNodes {
  /** Closed (0) while the speaker's signed announcements say it is muted. */
  readonly gate: GainNode;
  readonly gain: GainNode;
  readonly analyser: AnalyserNode;
  readonly element: HTMLAudioElement | undefined;
  readonly node: MediaStreamAudioSourceNode;
}

const FFT = 1024;

/** Root mean square of the analyser's current time-domain window (0 silence .. 1 full scale). */
export const rms = (a: AnalyserNode, buf: Float32Array<ArrayBuffer>): number => {
  a.getFloatTimeDomainData(buf);
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += (buf[i] as number) * (buf[i] as number);
  return Math.sqrt(sum / buf.length);
};

export class AudioGraph {
  readonly ctx: AudioContext;
  readonly master: GainNode;
  readonly #sources = new Map<string, SourceNodes>();
  readonly #volumes = new Map<string, number>();
  readonly #closedGates = new Set<string>();
  #local: AnalyserNode | undefined;
  readonly #buf = new Float32Array(FFT);

  constructor(sinkId?: string) {
    this.ctx = new AudioContext();
    this.master = this.ctx.createGain();
    this.master.connect(this.ctx.destination);
    const setSink = (this.ctx as unknown as { setSinkId?: (id: string) => Promise<void> }).setSinkId;
    if (sinkId !== undefined && typeof setSink === 'function') setSink.call(this.ctx, sinkId).catch(() => undefined);
  }

  async resume(): Promise<void> {
    if (this.ctx.state !== 'running') await this.ctx.resume().catch(() => undefined);
  }

  /** The microphone's analyser (replaced when the microphone changes). */
  setLocal(track: MediaStreamTrack): void {
    const node = this.ctx.createMediaStreamSource(new MediaStream([track]));
    const a = this.ctx.createAnalyser();
    a.fftSize = FFT;
    node.connect(a);
    this.#local = a;
  }

  /** Plays a remote speaker's track (replacing an earlier one from the same speaker). */
  add(id: string, track: MediaStreamTrack): void {
    this.remove(id);
    const stream = new MediaStream([track]);
    let element: HTMLAudioElement | undefined;
    if (typeof Audio === 'function') {
      element = new Audio();
      element.muted = true;
      element.srcObject = stream;
      element.play().catch(() => undefined);
    }
    const node = this.ctx.createMediaStreamSource(stream);
    const gate = this.ctx.createGain();
    gate.gain.value = this.#closedGates.has(id) ? 0 : 1;
    const gain = this.ctx.createGain();
    gain.gain.value = this.#volumes.get(id) ?? 1;
    const analyser = this.ctx.createAnalyser();
    analyser.fftSize = FFT;
    node.connect(gate);
    gate.connect(gain).connect(this.master);
    gate.connect(analyser);
    this.#sources.set(id, { gate, gain, analyser, element, node });
  }

  remove(id: string): void {
    const s = this.#sources.get(id);
    if (s === undefined) return;
    s.node.disconnect();
    s.gate.disconnect();
    s.gain.disconnect();
    if (s.element !== undefined) s.element.srcObject = null;
    this.#sources.delete(id);
  }

  has(id: string): boolean {
    return this.#sources.has(id);
  }

  /** Per-person volume, 0..2 (1 = as received). */
  setVolume(id: string, v: number): void {
    const x = Math.max(0, Math.min(2, v));
    this.#volumes.set(id, x);
    const s = this.#sources.get(id);
    if (s !== undefined) s.gain.gain.value = x;
  }

  volume(id: string): number {
    return this.#volumes.get(id) ?? 1;
  }

  /**
   * Silences a speaker at once when its signed announcement says it muted: its own microphone stops
   * too, but what is already in this device's jitter buffer would otherwise still play.
   */
  setGate(id: string, open: boolean): void {
    if (open) this.#closedGates.delete(id);
    else this.#closedGates.add(id);
    const s = this.#sources.get(id);
    if (s !== undefined) s.gate.gain.value = open ? 1 : 0;
  }

  setDeafened(on: boolean): void {
    this.master.gain.value = on ? 0 : 1;
  }

  /** A speaker's received level (RMS), undefined if not playing. */
  level(id: string): number | undefined {
    const s = this.#sources.get(id);
    return s === undefined ? undefined : rms(s.analyser, this.#buf);
  }

  localLevel(): number {
    return this.#local === undefined ? 0 : rms(this.#local, this.#buf);
  }

  ids(): string[] {
    return [...this.#sources.keys()];
  }

  async close(): Promise<void> {
    for (const id of [...this.#sources.keys()]) this.remove(id);
    await this.ctx.close().catch(() => undefined);
  }
}
