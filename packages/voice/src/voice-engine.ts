/**
 * VoiceEngine: this device in one voice channel. It announces itself over the channel's signalling
 * (VoiceLink), keeps the roster, and keeps the WebRTC connections the topology asks for: a full mesh
 * up to `meshLimit` participants (the lower device key offers), above it one connection to the
 * elected forwarder, or, on the forwarder, one to everyone, relaying each speaker's sealed frames to
 * every other listener (ForwarderRelay) without opening them. Every frame is sealed by its sender
 * and opened by its listeners with the channel's voice key of its epoch, in a worker that all the
 * call's encoded transforms run in (frame-transform.ts, frame-worker.ts).
 */
import type { VoiceLink } from '@parley/client';
import {
  DEFAULT_VOICE_MESH_LIMIT,
  type ForwarderCandidate,
  forwarderLine,
  toHex,
  VOICE_FLAG_DEAFENED,
  VOICE_FLAG_MUTED,
  type VoiceSignal,
  voiceTopology,
} from '@parley/protocol';
import { AudioGraph } from './audio-graph.ts';
import { bitrateChanged, voiceBitrate } from './bitrate.ts';
import type { FrameCounts } from './frame-transform.ts';
import { type FrameTap, FrameWorker, type MakeFrameWorker } from './frame-worker-client.ts';
import { PeerLink } from './peer-link.ts';
import { Roster } from './roster.ts';

export interface VoiceEngineOptions {
  readonly link: VoiceLink;
  /** Participants carried as a full mesh; above, a forwarder relays. Default 8. */
  readonly meshLimit?: number;
  /** Upload capacity this device announces (kbit/s). Default 2000. */
  readonly uploadKbps?: number;
  /** Announcement period (ms). Default 1000. */
  readonly announceMs?: number;
  /** A participant not heard from for this long has left (ms). Default 10 announcement periods (a failed connection is noticed sooner). */
  readonly timeoutMs?: number;
  /** getUserMedia audio constraints (device selection, processing). Default: echo cancellation, noise suppression, auto gain. */
  readonly audio?: MediaTrackConstraints;
  /** A microphone track to use instead of asking getUserMedia. */
  readonly microphone?: MediaStreamTrack;
  /** Output device (setSinkId). */
  readonly sinkId?: string;
  /** RMS above which a participant counts as speaking. Default 0.01. */
  readonly speakingThreshold?: number;
  /** How the microphone is opened: on voice activity (default) or while push-to-talk is held. */
  readonly inputMode?: VoiceInputMode;
  /** Makes the worker the call's frame transforms run in (default: this package's frame-worker.ts, resolved by the bundler). */
  readonly frameWorker?: MakeFrameWorker;
}

/** 'voice': sent while the microphone hears speech (above the speaking threshold, with a short hangover); 'push-to-talk': sent only while setPushToTalk(true). */
export type VoiceInputMode = 'voice' | 'push-to-talk';

/** One link's measured quality: round-trip time and the share of packets lost since the last reading. */
export interface LinkQuality {
  readonly rttMs: number | undefined;
  readonly lossPct: number | undefined;
}

/** Why the call ended without leave() being called. */
export type VoiceEndReason = 'removed';

/** In forwarder mode: who forwards, and who is next in line (the warm standby everyone keeps an idle connection to). */
export type VoiceTopologyState = { readonly mode: 'mesh' } | { readonly mode: 'forward'; readonly forwarder: string | undefined; readonly standby?: string };

/** A link the topology asks for: with whom, whether this side offers, whether it is a standby link (see #desired). */
interface WantedLink {
  readonly hex: string;
  readonly offerer: boolean;
  readonly standby: boolean;
}

export interface VoiceEngineEvents {
  participants: string[];
  speaking: { device: string; speaking: boolean };
  topology: VoiceTopologyState;
  /** This device is no longer in the call: its account left the room or was kicked or banned. */
  ended: { reason: VoiceEndReason };
}

/** How often the connection's bandwidth is read and the microphone's bitrate re-capped (ms). */
const BITRATE_EVERY_MS = 3_000;
/** How long an early signal (see #keepEarly) is kept, and how many per device and devices at most. */
const EARLY_SIGNAL_MS = 10_000;
const EARLY_SIGNALS_MAX = 64;

/** An offer unanswered for this long is sent again (ms). */
const OFFER_RETRY_MS = 3_000;
/** An answering link the topology has not asked for this long is closed (ms). */
const STALE_LINK_MS = 3_000;

/** A forwarder's relay transceiver carries the speaker (device hex) it relays. */
type RelayTransceiver = RTCRtpTransceiver & { parleySource?: string };
const relaySource = (t: RTCRtpTransceiver): string | undefined => (t as RelayTransceiver).parleySource;

/** How long the microphone stays open after speech stops in voice-activity mode (ms). */
const VOICE_HANGOVER_MS = 400;

const DEFAULT_AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export class VoiceEngine {
  readonly link: VoiceLink;
  readonly self: string;
  readonly graph: AudioGraph;
  readonly roster: Roster;
  /** The worker every encoded frame of the call passes through. */
  readonly frames: FrameWorker;
  readonly #o: VoiceEngineOptions;
  /**
   * Links by `mode:remote:session`; `unwantedAt`: since when the topology has not asked for this
   * (answering) link; `standby`: a warm standby link (see #desired), connected but carrying nothing.
   */
  readonly #links = new Map<string, { peer: PeerLink; mode: 'mesh' | 'forward'; since: number; unwantedAt?: number; standby: boolean }>();
  /** The senders that carry this device's microphone (sealed), on every link. */
  readonly #micSenders = new WeakSet<RTCRtpSender>();
  /** Signals from devices not (yet) in the roster, by device hex (see #keepEarly). */
  readonly #early = new Map<string, { s: VoiceSignal; at: number }[]>();
  readonly #relayed = new Map<string, Set<string>>();
  /** The tracks each link (by key) brought, by speaker, and which link the graph plays each speaker from. */
  readonly #linkTracks = new Map<string, Map<string, MediaStreamTrack>>();
  readonly #playing = new Map<string, string>();
  readonly #listeners = new Map<keyof VoiceEngineEvents, Set<(e: never) => void>>();
  readonly #speaking = new Set<string>();
  readonly #keyCache = new Map<number, Uint8Array>();
  #mic: MediaStreamTrack;
  /** A clone of the microphone that is never disabled: what voice activity and the local level listen to. */
  #probe: MediaStreamTrack;
  #inputMode: VoiceInputMode;
  #pttDown = false;
  #voiceUntil = 0;
  readonly #lossBase = new Map<string, { lost: number; received: number }>();
  #measured: Record<string, LinkQuality> = {};
  #muted = false;
  #deafened = false;
  #startedAt: number;
  #last: ForwarderCandidate;
  #timers: ReturnType<typeof setInterval>[] = [];
  #off: () => void = () => {};
  #topology: VoiceTopologyState = { mode: 'mesh' };
  #left = false;

  private constructor(o: VoiceEngineOptions, mic: MediaStreamTrack) {
    this.#o = o;
    this.link = o.link;
    this.self = o.link.deviceHex;
    this.#mic = mic;
    this.#probe = mic.clone();
    this.#inputMode = o.inputMode ?? 'voice';
    this.graph = new AudioGraph(o.sinkId);
    this.roster = new Roster(o.timeoutMs ?? 10 * (o.announceMs ?? 1000));
    this.#startedAt = o.link.client.now();
    this.#last = { device: o.link.device, uploadKbps: this.#upload, uptimeMs: 0, time: this.#startedAt };
    this.frames = new FrameWorker(o.frameWorker);
    this.frames.onQuiet = (hex) => this.#onQuiet(hex);
    this.frames.onBroken = (what) => this.#note(`frames broken: ${what}`);
  }

  /**
   * A listener's forwarder sent nothing for QUIET_MS: its page closed or its network went. It is
   * given up at once and the next in line elected (everyone hears the same silence at the same
   * moment), sooner than ICE's 'disconnected' (~2.5 s) and far sooner than its announcements time out.
   */
  #onQuiet(hex: string): void {
    const t = this.#topology;
    if (this.#left || t.mode !== 'forward' || t.forwarder !== hex || hex === this.self) return;
    for (const [key, l] of this.#links) if (l.peer.remoteHex === hex && !l.peer.offerer) this.#close(key);
    this.#note(`forwarder ${hex.slice(0, 8)} quiet`);
    this.roster.drop(hex, this.link.client.now());
    this.#reconcile();
  }

  /** Counters and taps of the call's frames (the frame worker's). */
  get tap(): FrameTap {
    return this.frames.tap;
  }

  /** Gives the frame worker the current epoch and every voice key this device has held in the call (only when that changed). */
  #syncKeys(): void {
    const epoch = this.link.epoch();
    if (!this.#keyCache.has(epoch)) {
      const k = this.link.key(epoch);
      if (k !== undefined) this.#keyCache.set(epoch, k);
    }
    this.frames.keys(epoch, [...this.#keyCache]);
  }

  /** Asks for the microphone (unless given), announces this device and starts connecting. */
  static async join(o: VoiceEngineOptions): Promise<VoiceEngine> {
    const mic = o.microphone ?? (await navigator.mediaDevices.getUserMedia({ audio: o.audio ?? DEFAULT_AUDIO })).getAudioTracks()[0];
    if (mic === undefined) throw new Error('no microphone track');
    const e = new VoiceEngine(o, mic);
    await e.#start();
    return e;
  }

  /**
   * The upload capacity announced. 0 (below the election's 256 kbit/s: never elected forwarder) where
   * this browser cannot relay: a forwarder writes copies of received frames into its relay senders
   * with the RTCEncodedAudioFrame copy constructor (frame-worker.ts).
   */
  get #upload(): number {
    if (typeof (globalThis as { RTCEncodedAudioFrame?: unknown }).RTCEncodedAudioFrame !== 'function') return 0;
    return this.#o.uploadKbps ?? 2000;
  }

  async #start(): Promise<void> {
    await this.graph.resume();
    this.#syncKeys();
    this.graph.setLocal(this.#probe);
    this.#applyTransmit();
    const offSignal = this.link.onSignal((s) => this.#onSignal(s));
    const offState = this.link.client.on('state', (e) => {
      if (toHex(e.room) === toHex(this.link.room)) {
        this.#syncKeys();
        this.#onMembership();
      }
    });
    this.#off = () => {
      offSignal();
      offState();
    };
    await this.#announce('join');
    const every = this.#o.announceMs ?? 1000;
    this.#timers.push(
      setInterval(() => {
        void this.#announce('announce');
        if (this.roster.expire(this.link.client.now()).length > 0) this.#reconcile();
        let unwanted = false;
        for (const l of this.#links.values()) {
          l.peer.retryOffer(OFFER_RETRY_MS);
          if (l.unwantedAt !== undefined) unwanted = true;
        }
        if (unwanted || this.#drifted()) this.#reconcile();
      }, every),
    );
    this.#timers.push(setInterval(() => this.#pollSpeaking(), 100));
    // Bandwidth and quality are read, and the microphone's bitrate re-capped, every few seconds (quality() does all three).
    this.#timers.push(setInterval(() => void this.quality().catch(() => undefined), BITRATE_EVERY_MS));
    if (typeof addEventListener === 'function') addEventListener('pagehide', this.#onPageHide);
  }

  readonly #onPageHide = (): void => {
    void this.leave();
  };

  on<K extends keyof VoiceEngineEvents>(name: K, fn: (e: VoiceEngineEvents[K]) => void): () => void {
    let s = this.#listeners.get(name);
    if (s === undefined) this.#listeners.set(name, (s = new Set()));
    s.add(fn as (e: never) => void);
    return () => s.delete(fn as (e: never) => void);
  }

  #emit<K extends keyof VoiceEngineEvents>(name: K, e: VoiceEngineEvents[K]): void {
    for (const fn of this.#listeners.get(name) ?? []) (fn as (x: VoiceEngineEvents[K]) => void)(e);
  }

  #flags(): number {
    return (this.#muted ? VOICE_FLAG_MUTED : 0) | (this.#deafened ? VOICE_FLAG_DEAFENED : 0);
  }

  async #announce(kind: 'join' | 'announce'): Promise<void> {
    if (this.#left) return;
    const time = this.link.client.now();
    const uptimeMs = time - this.#startedAt;
    this.#last = { device: this.link.device, uploadKbps: this.#upload, uptimeMs, time };
    await this.link.send({ kind, uploadKbps: this.#upload, uptimeMs, flags: this.#flags() }, time);
  }

  #onSignal(s: VoiceSignal): void {
    if (this.#left) return;
    if (s.kind === 'join' || s.kind === 'announce' || s.kind === 'leave') {
      if (s.kind !== 'leave' && !this.#isMember(s.account)) return;
      const before = this.roster.get(toHex(s.device))?.sessionHex;
      const changed = this.roster.apply(s, this.link.client.now());
      const now = this.roster.get(toHex(s.device));
      if (now !== undefined) this.graph.setGate(now.deviceHex, (now.flags & VOICE_FLAG_MUTED) === 0);
      // A newcomer hears from everyone at once instead of waiting for the next round.
      if (s.kind === 'join' && changed) void this.#announce('announce');
      if (changed || (s.kind === 'leave' && before !== undefined)) this.#reconcile();
      if (now !== undefined) this.#replayEarly(now.deviceHex, now.sessionHex);
      return;
    }
    if (s.kind !== 'offer' && s.kind !== 'answer' && s.kind !== 'ice') return;
    if (toHex(s.target) !== this.self || toHex(s.targetSession) !== toHex(this.link.session)) return;
    const deviceHex = toHex(s.device);
    const p = this.roster.get(deviceHex);
    if (p === undefined || p.sessionHex !== toHex(s.session)) {
      this.#keepEarly(deviceHex, s);
      return;
    }
    let entry = [...this.#links.values()].find((l) => l.peer.remoteHex === deviceHex && toHex(l.peer.remoteSession) === p.sessionHex);
    if (s.kind === 'offer') {
      // An offer from a device this one should offer to, as the topology stands here (it is the
      // forwarder, or the lower key in the mesh), is not taken: it comes from another view of the call,
      // or late (a mesh offer delivered after the call moved to this device as forwarder). Taken, it
      // turned this side's link into an answering one that the other side no longer held, and both
      // sides waited for each other's offer for the rest of the call. If the other side's view is the
      // right one, this side's catches up at its next roster change and the offer comes again
      // (PeerLink.retryOffer, every 3 s).
      const want = this.#desired().remotes.find((r) => r.hex === deviceHex);
      if (want?.offerer === true) return;
      // An offer for a link this device offered itself is a new link (the other side moved to another
      // topology first, e.g. from the mesh to it as forwarder): it replaces the old one.
      // So is an offer from another peer connection than the one this link answered (isOtherConnection).
      if (entry === undefined || entry.peer.offerer || entry.peer.isOtherConnection(s.payload))
        entry = this.#open(p.device, deviceHex, p.session, false, this.#topology.mode, want?.standby === true);
    }
    void entry?.peer.handle(s);
  }

  /**
   * An offer (or its candidates) can arrive before this device has taken its sender into the roster:
   * the sender offers as soon as it hears our announce, while its own join may have been ignored here
   * (its JOIN not yet in this device's log) and its next announce is up to a second away. Such a
   * signal is kept a little while and handled once the roster has its sender, instead of being
   * dropped, which left the pair without a link for the whole call (the offerer sends one offer).
   */
  #keepEarly(deviceHex: string, s: VoiceSignal): void {
    const now = this.link.client.now();
    const kept = (this.#early.get(deviceHex) ?? []).filter((e) => now - e.at < EARLY_SIGNAL_MS);
    if (kept.length < EARLY_SIGNALS_MAX) kept.push({ s, at: now });
    this.#early.set(deviceHex, kept);
    if (this.#early.size > EARLY_SIGNALS_MAX) this.#early.delete(this.#early.keys().next().value as string);
  }

  #replayEarly(deviceHex: string, sessionHex: string): void {
    const kept = this.#early.get(deviceHex);
    if (kept === undefined) return;
    this.#early.delete(deviceHex);
    const now = this.link.client.now();
    for (const e of kept) if (now - e.at < EARLY_SIGNAL_MS && toHex(e.s.session) === sessionHex) this.#onSignal(e.s);
  }

  /**
   * The topology the roster asks for, and the links it needs. In forwarder mode everyone also keeps a
   * warm standby: the next in line offers a link to every listener (as it will when it forwards), with
   * ICE and DTLS done. Listeners send their microphones on it; the next in line sends nothing yet (its
   * microphone and relay senders hold no track) and the listeners play nothing from it. When the
   * forwarder goes, the next in line is elected everywhere and its links start carrying audio by
   * swapping tracks in (#setStandby): no signalling, no ICE, no DTLS.
   */
  #desired(): { state: VoiceTopologyState; remotes: WantedLink[] } {
    const list = this.roster.list();
    const mode = voiceTopology(list.length + 1, this.#o.meshLimit ?? DEFAULT_VOICE_MESH_LIMIT);
    if (mode === 'mesh') return { state: { mode }, remotes: list.map((p) => ({ hex: p.deviceHex, offerer: this.self < p.deviceHex, standby: false })) };
    const line = forwarderLine([...this.roster.candidates(), this.#last]);
    const [forwarder, standby] = [line[0], line[1]].map((c) => (c === undefined ? undefined : toHex(c.device)));
    const state: VoiceTopologyState = { mode, forwarder, standby };
    if (forwarder === undefined) return { state, remotes: [] };
    if (forwarder === this.self) return { state, remotes: list.map((p) => ({ hex: p.deviceHex, offerer: true, standby: false })) };
    const remotes: WantedLink[] = [{ hex: forwarder, offerer: false, standby: false }];
    if (standby === this.self) {
      for (const p of list) if (p.deviceHex !== forwarder) remotes.push({ hex: p.deviceHex, offerer: true, standby: true });
    } else if (standby !== undefined) remotes.push({ hex: standby, offerer: false, standby: true });
    return { state, remotes };
  }

  /**
   * Whether the links differ from what the topology asks for in a way only #reconcile mends: a link
   * this side should offer is missing, a link has the wrong side offering or the wrong standby role,
   * or a link is not asked for at all (an offer answered from another view of the call: reconciled,
   * it goes after STALE_LINK_MS). Reconciling runs on roster changes; a link that went wrong between
   * them, e.g. by a late offer, waited for the next.
   */
  #drifted(): boolean {
    const { state, remotes } = this.#desired();
    const wanted = this.#wantedLinks(state, remotes);
    for (const [key, r] of wanted) {
      const l = this.#links.get(key);
      if (l === undefined ? r.offerer : l.peer.offerer !== r.offerer || l.standby !== r.standby) return true;
    }
    for (const key of this.#links.keys()) if (!wanted.has(key)) return true;
    return false;
  }

  /** The links `remotes` asks for, by link key (`mode:remote:session`), for the remotes in the roster. */
  #wantedLinks(state: VoiceTopologyState, remotes: readonly WantedLink[]): Map<string, WantedLink> {
    const wanted = new Map<string, WantedLink>();
    for (const r of remotes) {
      const p = this.roster.get(r.hex);
      if (p !== undefined) wanted.set(`${state.mode}:${r.hex}:${p.sessionHex}`, r);
    }
    return wanted;
  }

  #reconcile(): void {
    if (this.#left) return;
    const { state, remotes } = this.#desired();
    const prev = this.#topology;
    this.#topology = state;
    if (prev.mode !== state.mode || (state.mode === 'forward' && prev.mode === 'forward' && prev.forwarder !== state.forwarder)) this.#emit('topology', state);
    const now = this.link.client.now();
    // Wanted links, whether this side offers each, and whether it is a standby link.
    const wanted = this.#wantedLinks(state, remotes);
    // Links that start or stop carrying audio: the forwarder's standby taking over, or a forwarder
    // that moved back to next in line. Before closing the links no longer wanted, so that a speaker
    // played from a closing link moves to the link taking over.
    for (const [key, l] of this.#links) {
      const w = wanted.get(key);
      if (w !== undefined && w.offerer === l.peer.offerer && w.standby !== l.standby) this.#setStandby(key, w.standby);
    }
    for (const [key, l] of this.#links) {
      const offers = wanted.get(key)?.offerer;
      if (offers === l.peer.offerer) {
        l.unwantedAt = undefined;
        continue;
      }
      // The right link with the wrong side offering (a forwarder that answered a device which, in its
      // own view a moment ago, was the forwarder): both sides would wait for the other's offer.
      if (offers !== undefined) {
        this.#close(key);
        continue;
      }
      // An offering link we no longer want goes at once; an answering one when its peer left, or when
      // the topology has not asked for it for a moment (the offerer's view may be a beat ahead of ours
      // or behind): a link from a device that was the forwarder, or offered a mesh, in another view.
      // Kept, such a link lingered until it failed, and its failure dropped a live participant.
      const p = this.roster.get(l.peer.remoteHex);
      l.unwantedAt ??= now;
      if (l.peer.offerer || p === undefined || p.sessionHex !== toHex(l.peer.remoteSession) || now - l.unwantedAt > STALE_LINK_MS) this.#close(key);
    }
    for (const r of remotes) {
      const p = this.roster.get(r.hex);
      if (p === undefined || this.#links.has(`${state.mode}:${r.hex}:${p.sessionHex}`) || !r.offerer) continue;
      const entry = this.#open(p.device, r.hex, p.session, true, state.mode, r.standby);
      void entry.peer.negotiate(() => this.#sourcesOf(entry.peer));
    }
    // The next in line grows its standby links' relays too: one it lacks at the take-over costs a renegotiation.
    if (state.mode === 'forward' && (state.forwarder === this.self || state.standby === this.self)) this.#growRelays();
    this.#emit('participants', this.participants());
  }

  #open(remote: Uint8Array, hex: string, session: Uint8Array, offerer: boolean, mode: 'mesh' | 'forward', standby = false) {
    const key = `${mode}:${hex}:${toHex(session)}`;
    // One link per remote device: signals name no link, so a second one (a mesh link left over after
    // the call moved to a forwarder) would take the new link's offer, answer and candidates.
    for (const [k, l] of this.#links) if (l.peer.remoteHex === hex) this.#close(k);
    let peer: PeerLink;
    const isForwarder = mode === 'forward' && offerer;
    peer = new PeerLink(this.link, remote, hex, session, offerer, {
      beforeAnswer: (pc) => {
        const t = pc.getTransceivers()[0];
        if (t === undefined) return;
        if (!this.#micSenders.has(t.sender)) {
          this.#micSenders.add(t.sender);
          this.frames.attach(t.sender, { role: 'seal', device: this.self });
        }
        // A listener sends its microphone on a standby link too: the next in line then has every
        // speaker's frames the moment it takes over, whoever notices the forwarder gone last.
        if (t.sender.track === null) void t.sender.replaceTrack(this.#mic);
        t.direction = 'sendrecv';
      },
      onTrack: (tr, track) => {
        // A forwarder's offer names the speaker of each of its m-lines (set before the track arrives).
        const id = (tr.mid !== null ? peer.sources[tr.mid] : undefined) ?? hex;
        this.frames.attach(tr.receiver, { role: 'open', speaker: id, link: hex, relay: isForwarder });
        this.#note(`track ${tr.mid} from ${hex.slice(0, 8)}: ${id.slice(0, 8)}`);
        let tracks = this.#linkTracks.get(key);
        if (tracks === undefined) this.#linkTracks.set(key, (tracks = new Map()));
        tracks.set(id, track);
        // A standby link's tracks are played once it takes over (#setStandby).
        if (this.#links.get(key)?.standby === true) return;
        this.graph.add(id, track);
        this.#playing.set(id, key);
      },
      // A listener's forwarder that went quiet is given up at once (its page closed, its network gone):
      // waiting for 'failed' (tens of seconds) or its announcements to time out (10 s) would hold the
      // call silent that long; everyone notices within the same moment and elects the next in line.
      onState: (st) => this.#note(`${hex.slice(0, 8)} ${st}`),
      // The forwarder likewise gives up a listener's link that went quiet (made again at once if the
      // listener is still in the call: a link the other side closed stays 'disconnected' for tens of seconds).
      onDisconnected: () => {
        const t = this.#topology;
        return isForwarder || (mode === 'forward' && !offerer && t.mode === 'forward' && t.forwarder === hex);
      },
      onGone: () => {
        this.#close(key);
        this.#note(`connection to ${hex.slice(0, 8)} failed`);
        // A listener whose forwarder failed elects the next at once; any other link is simply made again
        // (a stale link's failure says nothing about its peer, who is still in the call).
        const t = this.#topology;
        if (mode === 'forward' && !offerer && t.mode === 'forward' && t.forwarder === hex) this.roster.drop(hex, this.link.client.now());
        this.#reconcile();
      },
    });
    // The offerer's first m-line carries both microphones; the answerer attaches its own in beforeAnswer.
    if (offerer) {
      const sender = peer.pc.addTransceiver(standby ? 'audio' : this.#mic, { direction: 'sendrecv' }).sender;
      this.#micSenders.add(sender);
      this.frames.attach(sender, { role: 'seal', device: this.self });
    }
    const entry = { peer, mode, since: this.link.client.now(), standby };
    this.#note(`open ${key.slice(0, 20)} as ${offerer ? 'offerer' : 'answerer'}${standby ? ' (standby)' : ''}`);
    this.#links.set(key, entry);
    if (isForwarder) {
      this.#relayed.set(key, new Set());
      for (const p of this.roster.list()) if (p.deviceHex !== hex) this.#addRelay(key, peer, p.deviceHex);
    }
    this.frames.listeners(this.#listenersOf());
    return entry;
  }

  /** Whom the frame worker relays to: the listeners of this forwarder's links (not the next in line's standby links). */
  #listenersOf(): string[] {
    return [...this.#links.values()].filter((l) => l.mode === 'forward' && l.peer.offerer && !l.standby).map((l) => l.peer.remoteHex);
  }

  #sourcesOf(peer: PeerLink): Record<string, string> {
    const out: Record<string, string> = {};
    for (const t of peer.pc.getTransceivers()) {
      const src = relaySource(t);
      if (src !== undefined && t.mid !== null) out[t.mid] = src;
    }
    return out;
  }

  #addRelay(key: string, peer: PeerLink, speaker: string): boolean {
    const have = this.#relayed.get(key);
    if (have === undefined || have.has(speaker)) return false;
    have.add(speaker);
    // No track: the frame worker writes copies of the speaker's received frames into its encoded stream (no encoder runs).
    const t = peer.pc.addTransceiver('audio', { direction: 'sendonly' });
    (t as RelayTransceiver).parleySource = speaker;
    this.frames.attach(t.sender, { role: 'relay', listener: peer.remoteHex, speaker });
    return true;
  }

  /** On the forwarder (and the next in line): every listener gets a relay track for every other speaker, renegotiating when one is added. */
  #growRelays(): void {
    for (const [key, l] of this.#links) {
      if (l.mode !== 'forward' || !l.peer.offerer) continue;
      let added = false;
      for (const p of this.roster.list()) if (p.deviceHex !== l.peer.remoteHex && this.#addRelay(key, l.peer, p.deviceHex)) added = true;
      if (added) void l.peer.negotiate(() => this.#sourcesOf(l.peer));
    }
  }

  /** Recent connection events, with their UTC time of day (diagnostics). */
  readonly log: string[] = [];

  #note(what: string): void {
    this.log.push(`${new Date(this.link.client.now()).toISOString().slice(11, 23)} ${what}`);
    if (this.log.length > 200) this.log.shift();
  }

  /**
   * A standby link takes over (standby false: on the new forwarder, its microphone and relay senders
   * get their tracks; at a listener, the tracks the link brought are played) or goes back to standing
   * by (a forwarder that is next in line again sends nothing on it; what it brought is not played).
   */
  #setStandby(key: string, standby: boolean): void {
    const l = this.#links.get(key);
    if (l === undefined || l.standby === standby) return;
    l.standby = standby;
    this.#note(`${standby ? 'stand by' : 'take over'} ${key.slice(0, 20)}`);
    // Only the next in line's microphone waits (a listener's goes on its standby link all along); its
    // relay senders hold no track either way: the frame worker relays on the links it is told of.
    for (const t of l.peer.offerer ? l.peer.pc.getTransceivers() : []) {
      if (!this.#micSenders.has(t.sender)) continue;
      if (standby) {
        if (t.sender.track !== null) void t.sender.replaceTrack(null).catch(() => undefined);
      } else if (t.sender.track === null) void t.sender.replaceTrack(this.#mic).catch(() => undefined);
    }
    this.frames.listeners(this.#listenersOf());
    for (const [id, track] of this.#linkTracks.get(key) ?? []) {
      if (standby) {
        if (this.#playing.get(id) !== key) continue;
        this.graph.remove(id);
        this.#playing.delete(id);
      } else if (track.readyState === 'live') {
        this.graph.add(id, track);
        this.#playing.set(id, key);
      }
    }
  }

  #close(key: string): void {
    const l = this.#links.get(key);
    if (l === undefined) return;
    this.#note(`close ${key.slice(0, 20)}`);
    this.#links.delete(key);
    this.#relayed.delete(key);
    l.peer.close();
    this.frames.listeners(this.#listenersOf());
    this.frames.forget(l.peer.remoteHex);
    this.#linkTracks.delete(key);
    // A speaker the graph played from this link is played from another link that brought it, if one
    // did: a link left from another view of the call (a device that thought it was the forwarder)
    // may have brought a speaker's track after the forwarder's, and its closing silenced that speaker.
    for (const [id, from] of this.#playing) {
      if (from !== key) continue;
      const other = [...this.#linkTracks].find(([k, m]) => this.#links.get(k)?.standby === false && m.get(id)?.readyState === 'live');
      if (other === undefined) continue;
      this.graph.add(id, other[1].get(id) as MediaStreamTrack);
      this.#playing.set(id, other[0]);
    }
    const still = new Set([...this.#links.values()].map((x) => x.peer.remoteHex));
    for (const id of this.graph.ids())
      if (!still.has(id) && !this.#heardThroughForwarder(id)) {
        this.graph.remove(id);
        this.#playing.delete(id);
      }
  }

  #heardThroughForwarder(id: string): boolean {
    return this.#topology.mode === 'forward' && this.roster.get(id) !== undefined;
  }

  #isMember(account: Uint8Array): boolean {
    const st = this.link.client.state(this.link.room);
    return st.isMember(account, st.length - 1);
  }

  /** The room's authority changed: a member who left or was removed is dropped from the call; if it is this device, the call ends. */
  #onMembership(): void {
    if (this.#left) return;
    if (!this.#isMember(this.link.client.identity.account.publicKey)) {
      void this.leave().then(() => this.#emit('ended', { reason: 'removed' }));
      return;
    }
    let changed = false;
    const now = this.link.client.now();
    for (const p of this.roster.list()) if (!this.#isMember(p.account) && this.roster.drop(p.deviceHex, now)) changed = true;
    if (changed) this.#reconcile();
  }

  /** Whether the microphone is sent now: not muted, and (by input mode) speech heard or push-to-talk held. */
  #transmitting(now: number): boolean {
    if (this.#muted) return false;
    return this.#inputMode === 'push-to-talk' ? this.#pttDown : now < this.#voiceUntil;
  }

  #applyTransmit(): void {
    const on = this.#transmitting(this.link.client.now());
    if (this.#mic.enabled !== on) this.#mic.enabled = on;
  }

  #pollSpeaking(): void {
    const threshold = this.#o.speakingThreshold ?? 0.01;
    const now = this.link.client.now();
    this.#syncKeys();
    const heard = this.graph.localLevel();
    if (heard > threshold) this.#voiceUntil = now + VOICE_HANGOVER_MS;
    this.#applyTransmit();
    const levels: [string, number][] = [[this.self, this.#transmitting(now) ? heard : 0]];
    for (const id of this.graph.ids()) levels.push([id, this.graph.level(id) ?? 0]);
    for (const [device, level] of levels) {
      const on = level > threshold;
      if (on === this.#speaking.has(device)) continue;
      if (on) this.#speaking.add(device);
      else this.#speaking.delete(device);
      this.#emit('speaking', { device, speaking: on });
    }
  }

  // ---- the public face ----

  topology(): VoiceTopologyState {
    return this.#topology;
  }

  /** Device keys (hex) of the others in the call. */
  participants(): string[] {
    return this.roster.list().map((p) => p.deviceHex);
  }

  /** The frame worker's counters (sealed, opened, dropped, relayed, overflow). */
  frameStats(): Promise<FrameCounts> {
    return this.frames.stats();
  }

  /** Remote devices this device holds a connection with now. */
  connections(): {
    device: string;
    state: RTCPeerConnectionState;
    offerer: boolean;
    mode: 'mesh' | 'forward';
    standby: boolean;
    sources: Record<string, string>;
  }[] {
    return [...this.#links.values()].map((l) => ({
      device: l.peer.remoteHex,
      state: l.peer.pc.connectionState,
      offerer: l.peer.offerer,
      mode: l.mode,
      standby: l.standby,
      sources: { ...l.peer.sources, ...this.#sourcesOf(l.peer) },
    }));
  }

  /** Which link (its key) each speaker heard is played from (diagnostics). */
  playing(): Record<string, string> {
    return Object.fromEntries(this.#playing);
  }

  peerConnections(): RTCPeerConnection[] {
    return [...this.#links.values()].map((l) => l.peer.pc);
  }

  get muted(): boolean {
    return this.#muted;
  }

  setMuted(on: boolean): void {
    this.#muted = on;
    this.#applyTransmit();
    void this.#announce('announce');
  }

  get inputMode(): VoiceInputMode {
    return this.#inputMode;
  }

  setInputMode(mode: VoiceInputMode): void {
    this.#inputMode = mode;
    this.#pttDown = false;
    this.#applyTransmit();
  }

  /** Push-to-talk held (true) or released (false); ignored in voice-activity mode. */
  setPushToTalk(down: boolean): void {
    this.#pttDown = down;
    this.#applyTransmit();
  }

  /**
   * Measured quality of each participant's path: the connection that carries their audio (in
   * forwarder mode a listener's one link to the forwarder carries everyone). Round-trip time from the
   * selected ICE candidate pair; loss from the inbound audio since the previous call.
   */
  async quality(): Promise<Record<string, LinkQuality>> {
    this.#measured = await this.#measureAll();
    return this.#measured;
  }

  /** What the last quality() measured (the engine measures every few seconds by itself). */
  measured(): Record<string, LinkQuality> {
    return this.#measured;
  }

  async #measureAll(): Promise<Record<string, LinkQuality>> {
    const byLink = new Map<string, LinkQuality>();
    for (const l of this.#links.values()) byLink.set(l.peer.remoteHex, await this.#measure(l.peer));
    const out: Record<string, LinkQuality> = {};
    const t = this.#topology;
    for (const p of this.roster.list()) {
      const via = t.mode === 'forward' && t.forwarder !== this.self && t.forwarder !== undefined ? t.forwarder : p.deviceHex;
      const q = byLink.get(via);
      if (q !== undefined) out[p.deviceHex] = q;
    }
    return out;
  }

  async #measure(peer: PeerLink): Promise<LinkQuality> {
    let rtt: number | undefined;
    let available: number | undefined;
    let lost = 0;
    let received = 0;
    const report = await peer.pc.getStats().catch(() => undefined);
    report?.forEach((r: { type: string; [k: string]: unknown }) => {
      if (r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded') {
        if (typeof r.currentRoundTripTime === 'number') rtt = Math.round(r.currentRoundTripTime * 1000);
        if (typeof r.availableOutgoingBitrate === 'number') available = r.availableOutgoingBitrate;
      }
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        lost += typeof r.packetsLost === 'number' ? Math.max(0, r.packetsLost) : 0;
        received += typeof r.packetsReceived === 'number' ? r.packetsReceived : 0;
      }
    });
    const base = this.#lossBase.get(peer.remoteHex) ?? { lost: 0, received: 0 };
    this.#lossBase.set(peer.remoteHex, { lost, received });
    const dl = lost - base.lost;
    const dr = received - base.received;
    const lossPct = dl + dr > 0 && dl >= 0 ? Math.round((dl / (dl + dr)) * 1000) / 10 : undefined;
    await this.#adaptBitrate(peer, available);
    return { rttMs: rtt, lossPct };
  }

  /** Caps the microphone's sender on `peer` at a share of the bandwidth the connection measured (bitrate.ts). */
  async #adaptBitrate(peer: PeerLink, availableBps: number | undefined): Promise<void> {
    const streams = peer.pc.getSenders().filter((x) => x.track !== null).length;
    const target = voiceBitrate(availableBps, streams);
    for (const sender of peer.pc.getSenders()) {
      if (sender.track !== this.#mic) continue;
      const params = sender.getParameters();
      const enc = params.encodings?.[0];
      if (enc === undefined || !bitrateChanged(enc.maxBitrate, target)) continue;
      enc.maxBitrate = target;
      await sender.setParameters(params).catch(() => undefined);
    }
  }

  /** The microphone's bitrate cap on each connection (bit/s), by remote device. */
  bitrates(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const l of this.#links.values())
      for (const sender of l.peer.pc.getSenders()) if (sender.track === this.#mic) out[l.peer.remoteHex] = sender.getParameters().encodings?.[0]?.maxBitrate;
    return out;
  }

  get deafened(): boolean {
    return this.#deafened;
  }

  /** Deafened: nothing is played, and the microphone is muted too (as people expect). */
  setDeafened(on: boolean): void {
    this.#deafened = on;
    this.graph.setDeafened(on);
    this.setMuted(on || this.#muted);
  }

  setVolume(device: string, v: number): void {
    this.graph.setVolume(device, v);
  }

  /** A speaker's received level (RMS, 0..1), undefined when nothing is received from it. */
  level(device: string): number | undefined {
    if (device === this.self) return this.graph.localLevel();
    // Only from a track still received: an ended one (its link closed) keeps its analyser's last reading.
    const from = this.#playing.get(device);
    if (from === undefined || this.#linkTracks.get(from)?.get(device)?.readyState !== 'live') return undefined;
    return this.graph.level(device);
  }

  speaking(device: string): boolean {
    return this.#speaking.has(device);
  }

  /** Changes the microphone (input device selection) on every connection. */
  async setMicrophone(track: MediaStreamTrack): Promise<void> {
    const old = this.#mic;
    const oldProbe = this.#probe;
    this.#mic = track;
    this.#probe = track.clone();
    this.graph.setLocal(this.#probe);
    this.#applyTransmit();
    oldProbe.stop();
    for (const l of this.#links.values()) {
      for (const t of l.peer.pc.getTransceivers()) if (t.sender.track === old) await t.sender.replaceTrack(track);
    }
    old.stop();
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    if (typeof removeEventListener === 'function') removeEventListener('pagehide', this.#onPageHide);
    for (const t of this.#timers) clearInterval(t);
    this.#off();
    await this.link.send({ kind: 'leave' }).catch(() => 0);
    for (const key of [...this.#links.keys()]) this.#close(key);
    this.#mic.stop();
    this.#probe.stop();
    this.frames.terminate();
    await this.graph.close();
  }
}
