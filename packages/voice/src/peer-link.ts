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

  constructor(link: VoiceLink, remote: Uint8Array, remoteHex: string, remoteSession: Uint8Array, offerer: boolean, hooks: PeerLinkHooks) {
    this.#link = link;
    this.remote = remote;
    this.remoteHex = remoteHex;
    this.remoteSession = remoteSession;
    this.offerer = offerer;
    this.#hooks = hooks;
    // encodedInsertableStreams is Chromium's switch for createEncodedStreams(); other browsers ignore it.
    this.pc = new RTCPeerConnection({ ...link.rtcConfiguration(), encodedInsertableStreams: true } as RTCConfiguration);
    this.pc.onicecandidate = (e) => {
      if (e.candidate === null || this.#closed) return;
      void this.#send('ice', JSON.stringify(e.candidate.toJSON()));
    };
    this.pc.ontrack = (e) => this.#hooks.onTrack(e.transceiver, e.track);
    this.pc.onconnectionstatechange = () => {
      const s = this.pc.connectionState;
      if (s === 'failed' || s === 'closed') this.#gone();
    };
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
      await this.#send('offer', JSON.stringify(payload));
    });
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
    this.pc.close();
  }
}
