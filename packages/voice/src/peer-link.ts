/**
 * One RTCPeerConnection with one remote device's call session, negotiated over voice signals: the
 * offerer sends `offer` (SDP plus which speaker each m-line carries), the other `answer`; both trickle
 * `ice`. Negotiations are queued, never interleaved; candidates that arrive before the remote
 * description wait for it. Opus gets DTX and in-band FEC in both directions.
 */
import type { VoiceLink } from '@parley/client';
import type { VoiceSignal } from '@parley/protocol';
import { enableOpusDtxFec } from './sdp.ts';

/** The `p` of an offer or answer: the SDP and, from a forwarder, the speaker (device hex) of each mid. */
export interface SessionPayload {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
  readonly sources?: Record<string, string>;
}

export interface PeerLinkHooks {
  /** Before answering an offer: attach the microphone to the transceiver that carries it. */
  beforeAnswer?(pc: RTCPeerConnection): Promise<void> | void;
  /** A remote track arrived on `transceiver`. */
  onTrack(transceiver: RTCRtpTransceiver, track: MediaStreamTrack): void;
  /** The connection failed or closed. */
  onGone(): void;
  /** The connection's state changed (diagnostics). */
  onState?(state: RTCPeerConnectionState): void;
  /** ICE lost the other side (no packets for a few seconds; Chromium's 'disconnected'): true to give the link up now, as failed. */
  onDisconnected?(): boolean;
}

export const parsePayload = (p: string): SessionPayload | undefined => {
  try {
    const v = JSON.parse(p) as Partial<SessionPayload>;
    if ((v.type !== 'offer' && v.type !== 'answer') || typeof v.sdp !== 'string') return undefined;
    const sources: Record<string, string> = {};
    if (v.sources !== undefined && typeof v.sources === 'object' && v.sources !== null) {
      for (const [mid, dev] of Object.entries(v.sources)) if (typeof dev === 'string' && /^[0-9a-f]{64}$/.test(dev)) sources[mid] = dev;
    }
    return { type: v.type, sdp: v.sdp, sources };
  } catch {
    return undefined;
  }
};

/**
 * A link not connected this long after it was made is given up and made again (ms): ICE can wait
 * forever in 'connecting' when a candidate or the answer was lost on the way (seen in tests: both
 * ends 'connecting' for minutes); a link normally connects within 2 s.
 */
export const CONNECT_TIMEOUT_MS = 12_000;

const fingerprint = (sdp: string): string | undefined => /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim();

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly remote: Uint8Array;
  readonly remoteHex: string;
  readonly remoteSession: Uint8Array;
  readonly offerer: boolean;
  /** mid -> speaker device hex, as the latest offer said (forwarded tracks). */
  sources: Record<string, string> = {};
  readonly #link: VoiceLink;
  readonly #hooks: PeerLinkHooks;
  #queue: Promise<void> = Promise.resolve();
  readonly #pendingIce: RTCIceCandidateInit[] = [];
  #closed = false;
  /** The offer waiting for its answer (sources), and when it was last sent (performance.now()). */
  #offerSources: Record<string, string> | undefined;
  #offeredAt = 0;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(link: VoiceLink, remote: Uint8Array, remoteHex: string, remoteSession: Uint8Array, offerer: boolean, hooks: PeerLinkHooks) {
    this.#link = link;
    this.remote = remote;
    this.remoteHex = remoteHex;
    this.remoteSession = remoteSession;
    this.offerer = offerer;
    this.#hooks = hooks;
    // encodedInsertableStreams is Chromium's switch for createEncodedStreams() (frame-worker-client.ts); other browsers ignore it.
    this.pc = new RTCPeerConnection({ ...link.rtcConfiguration(), encodedInsertableStreams: true } as RTCConfiguration);
    this.pc.onicecandidate = (e) => {
      if (e.candidate === null || this.#closed) return;
      void this.#send('ice', JSON.stringify(e.candidate.toJSON()));
    };
    this.pc.ontrack = (e) => this.#hooks.onTrack(e.transceiver, e.track);
    this.pc.onconnectionstatechange = () => {
      const s = this.pc.connectionState;
      this.#hooks.onState?.(s);
      if (s === 'connected') clearTimeout(this.#deadline);
      if (s === 'failed' || s === 'closed' || (s === 'disconnected' && this.#hooks.onDisconnected?.() === true)) this.#gone();
    };
    this.#deadline = setTimeout(() => {
      if (this.pc.connectionState === 'connected') return;
      this.#hooks.onState?.('failed');
      this.#gone();
    }, CONNECT_TIMEOUT_MS);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #gone(): void {
    if (this.#closed) return;
    this.close();
    this.#hooks.onGone();
  }

  #send(kind: 'offer' | 'answer' | 'ice', payload: string): Promise<number> {
    return this.#link.send({ kind, target: this.remote, targetSession: this.remoteSession, payload });
  }

  #run(fn: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(() => (this.#closed ? undefined : fn())).catch(() => undefined);
    return this.#queue;
  }

  /** Makes and sends an offer (the offerer's side; again after adding transceivers). */
  negotiate(sources?: () => Record<string, string>): Promise<void> {
    return this.#run(async () => {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription({ type: 'offer', sdp: enableOpusDtxFec(offer.sdp ?? '') });
      const payload: SessionPayload = { type: 'offer', sdp: this.pc.localDescription?.sdp ?? '', sources: sources?.() };
      this.#offerSources = payload.sources;
      this.#offeredAt = performance.now();
      await this.#send('offer', JSON.stringify(payload));
    });
  }

  /**
   * Sends the offer again if its answer has not come within `afterMs`: an offer the other side could
   * not take yet (the sender not in its roster in time) or that was lost left the link unanswered
   * for good, and the offerer, holding a link, never offered again. The local description sent again
   * carries the candidates gathered since, which went out as `ice` signals the first time.
   */
  retryOffer(afterMs: number): void {
    if (!this.offerer || this.#closed || this.pc.signalingState !== 'have-local-offer') return;
    if (performance.now() - this.#offeredAt < afterMs) return;
    this.#offeredAt = performance.now();
    const payload: SessionPayload = { type: 'offer', sdp: this.pc.localDescription?.sdp ?? '', sources: this.#offerSources };
    void this.#send('offer', JSON.stringify(payload));
  }

  /**
   * Whether an offer (its signal payload) comes from another connection than the one this link
   * answered: its DTLS fingerprint differs from the remote description's. Such an offer starts a new
   * link (the other side made a new peer connection, e.g. for another topology); applied to this one
   * as a renegotiation it fails or leaves a link the other side no longer holds.
   */
  isOtherConnection(payload: string): boolean {
    const remote = this.pc.remoteDescription?.sdp;
    const p = parsePayload(payload);
    if (remote === undefined || p === undefined) return false;
    return fingerprint(p.sdp) !== fingerprint(remote);
  }

  /** Handles an offer, answer or ICE candidate meant for this link. */
  handle(s: VoiceSignal): Promise<void> {
    if (s.kind === 'ice') {
      let c: RTCIceCandidateInit;
      try {
        c = JSON.parse(s.payload) as RTCIceCandidateInit;
      } catch {
        return Promise.resolve();
      }
      if (this.pc.remoteDescription === null) {
        if (this.#pendingIce.length < 64) this.#pendingIce.push(c);
        return Promise.resolve();
      }
      return this.pc.addIceCandidate(c).catch(() => undefined);
    }
    if (s.kind !== 'offer' && s.kind !== 'answer') return Promise.resolve();
    const p = parsePayload(s.payload);
    if (p === undefined || p.type !== s.kind) return Promise.resolve();
    return this.#run(async () => {
      if (p.type === 'offer') {
        if (this.offerer) return; // only one side offers on a link
        this.sources = p.sources ?? {};
        await this.pc.setRemoteDescription({ type: 'offer', sdp: p.sdp });
        await this.#flushIce();
        await this.#hooks.beforeAnswer?.(this.pc);
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription({ type: 'answer', sdp: enableOpusDtxFec(answer.sdp ?? '') });
        await this.#send('answer', JSON.stringify({ type: 'answer', sdp: this.pc.localDescription?.sdp ?? '' } satisfies SessionPayload));
      } else {
        if (!this.offerer || this.pc.signalingState !== 'have-local-offer') return;
        await this.pc.setRemoteDescription({ type: 'answer', sdp: p.sdp });
        await this.#flushIce();
      }
    });
  }

  async #flushIce(): Promise<void> {
    for (const c of this.#pendingIce.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#deadline);
    this.pc.close();
  }
}
