/**
 * Browser side of the voice suite: one person per page, a real ParleyClient (browser libp2p node,
 * in-memory store) that joins the room from an invite and enters its voice channel with the real
 * VoiceEngine on Chromium's fake microphone. Driven from Node through `globalThis.parleyVoice`.
 */
import { createIdentity, ParleyClient, VoiceLink } from '@parley/client';
import { fromHex, isProtocolError, nobleCrypto, openVoiceFrame, parseInviteUrl, parseVoiceFrame, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { VoiceEngine } from '../../src/index.ts';

let client: ParleyClient | undefined;
let engine: VoiceEngine | undefined;
let link: VoiceLink | undefined;
const plain: string[] = [];
const sealed: string[] = [];
const relayed: { speaker: string; listener: string; frame: string }[] = [];
let ended: string | undefined;
/** The longest the page's main thread was late for a 100 ms timer, per 10 s window (ms). */
const lags: number[] = [];
{
  let last = performance.now();
  let worst = 0;
  let windowStart = last;
  setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 100);
    last = now;
    if (now - windowStart > 10_000) {
      lags.push(Math.round(worst));
      if (lags.length > 30) lags.shift();
      worst = 0;
      windowStart = now;
    }
  }, 100);
}
/** Connections that closed: when (s after joining) and which kind. */
const closes: string[] = [];
/** Signals received per sending device (first 6 hex) and kind. */
const heardSignals = new Map<string, Record<string, number>>();
/** The last frames this page's ingest rejected (time, type, code, message). */
const rejects: string[] = [];
const speakingLog: { device: string; speaking: boolean; at: number }[] = [];

const need = (): VoiceEngine => {
  if (engine === undefined) throw new Error('not in the call');
  return engine;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const api = {
  /** Joins the room from `invite`, waits for the voice key, enters the voice channel; resolves with this device's key (hex). */
  async start(invite: string, o: { name: string; meshLimit: number }): Promise<string> {
    await api.joinRoom(invite, o.name);
    return api.enterVoice(o.meshLimit);
  },
  /** Joins the room from `invite` and waits until this device holds the voice channel's key. */
  async joinRoom(invite: string, name: string): Promise<string> {
    // The invite's addresses (alice's) are also the bootstrap, as a hub is the portal's: a dropped
    // connection to it is dialled again instead of leaving this page without signalling.
    const bootstrap = [...parseInviteUrl(invite, nobleCrypto).addrs];
    client = await ParleyClient.create({
      identity: createIdentity({ displayName: name }),
      store: new MemoryStore(),
      node: { testMode: true, iceServers: [], bootstrap, bootstrapRetryMs: 1_000 },
      syncIntervalMs: 1000,
      keyDelayMs: 300,
      directory: false,
    });
    const t0 = Date.now();
    client.node.libp2p.addEventListener('connection:close', (e) => {
      const a = e.detail.remoteAddr.toString();
      closes.push(`${Math.round((Date.now() - t0) / 1000)} s: ${a.includes('webrtc') ? 'webrtc' : a.includes('p2p-circuit') ? 'circuit' : 'ws'}`);
    });
    const { room } = await client.join(invite, { timeoutMs: 120_000 });
    const c = client;
    const voice = c.channels(room).find((ch) => ch.kind === 'voice');
    if (voice === undefined) throw new Error('no voice channel');
    link = new VoiceLink(c, room, voice.id);
    const l = link;
    c.on('reject', (e) => {
      rejects.push(`${new Date().toISOString().slice(11, 23)} ${e.type} ${e.code} ${e.message}`.slice(0, 200));
      if (rejects.length > 10) rejects.shift();
    });
    l.onSignal((sig) => {
      const k = toHex(sig.device).slice(0, 6);
      const r = heardSignals.get(k) ?? {};
      r[sig.kind] = (r[sig.kind] ?? 0) + 1;
      heardSignals.set(k, r);
    });
    for (let i = 0; l.key(l.epoch()) === undefined; i++) {
      if (i > 600) throw new Error('no voice key after 60 s');
      await sleep(100);
    }
    return l.deviceHex;
  },
  /** Enters the voice channel of the joined room; resolves with this device's key (hex). */
  async enterVoice(meshLimit: number): Promise<string> {
    const l = link as VoiceLink;
    engine = await VoiceEngine.join({
      link: l,
      meshLimit,
      // The fake microphone plays a steady tone: processing meant for speech would treat it as noise.
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    // The frame worker reports frames only while asked to (FrameWorker.keep).
    engine.tap.onPlain = (f) => plain.push(toHex(f));
    engine.tap.onSealed = (f) => sealed.push(toHex(f));
    engine.tap.onRelayed = (r) => relayed.push({ speaker: r.speaker, listener: r.listener, frame: toHex(r.frame) });
    engine.frames.keep({ plain: 400 });
    engine.on('speaking', (e) => speakingLog.push({ ...e, at: Date.now() }));
    engine.on('ended', (e) => {
      ended = e.reason;
    });
    return l.deviceHex;
  },
  participants: (): string[] => need().participants(),
  topology: () => need().topology(),
  connections: () => need().connections(),
  /** Received level (RMS) of each other participant; -1 when nothing is received from it. */
  levels: (): Record<string, number> => {
    const e = need();
    const out: Record<string, number> = {};
    for (const d of e.participants()) out[d] = e.level(d) ?? -1;
    return out;
  },
  speaking: (device: string): boolean => need().speaking(device),
  /** Topology and received levels in one call (levels as `levels`). */
  view: () => ({ topology: need().topology(), levels: api.levels() }),
  /**
   * Polls every 20 ms, in the page, until the call goes through a forwarder other than `not` and
   * every one of `devices` is heard above `threshold`: resolves with Date.now() then and the
   * forwarder, or undefined after `timeoutMs`. Measured here, not from Node, whose calls to a page
   * take seconds on a loaded machine.
   */
  async waitForwarded(devices: string[], not: string, threshold: number, timeoutMs: number): Promise<{ at: number; forwarder: string } | undefined> {
    const e = need();
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const t = e.topology();
      if (t.mode === 'forward' && t.forwarder !== undefined && t.forwarder !== not && devices.every((d) => (e.level(d) ?? -1) > threshold))
        return { at: Date.now(), forwarder: t.forwarder };
      await sleep(20);
    }
    return undefined;
  },
  /** Re-reads bandwidth now (re-capping the microphone) and returns each connection's cap (bit/s). */
  bitrates: async (): Promise<Record<string, number | undefined>> => {
    await need().quality();
    return need().bitrates();
  },
  setMuted: (on: boolean): number => {
    need().setMuted(on);
    return Date.now();
  },
  /** Polls `device`'s received level every 10 ms; resolves with Date.now() once it is below `threshold`. */
  async waitSilent(device: string, threshold: number, timeoutMs: number): Promise<number> {
    const e = need();
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ((e.level(device) ?? 0) < threshold) return Date.now();
      await sleep(10);
    }
    return -1;
  },
  /** The frame worker's counters. */
  stats: () => need().frameStats(),
  /** Per link, per transceiver: its mid, direction, the speaker it carries, RTP packets in and out (diagnostics). */
  rtp: async () => {
    const conns = need().connections();
    const pcs = need().peerConnections();
    return Promise.all(
      pcs.map(async (pc, i) => {
        const c = conns[i];
        const stats = [...(await pc.getStats()).values()] as { type: string; mid?: string; packetsReceived?: number; packetsSent?: number }[];
        return {
          link: `${c?.device.slice(0, 6)}:${c?.mode}:${c?.offerer ? 'o' : 'a'}:${c?.state}`,
          t: pc.getTransceivers().map((t) => {
            const inb = stats.find((s) => s.type === 'inbound-rtp' && s.mid === t.mid);
            const out = stats.find((s) => s.type === 'outbound-rtp' && s.mid === t.mid);
            return `${t.mid}:${t.currentDirection}:${(c?.sources[t.mid ?? ''] ?? '-').slice(0, 6)}:in${inb?.packetsReceived ?? '-'}:out${out?.packetsSent ?? '-'}`;
          }),
        };
      }),
    );
  },
  /** Keeps the next `n` frames this device relays as a forwarder (sealed, as sent). */
  keepRelaySample: (n: number): void => {
    relayed.length = 0;
    need().frames.keep({ relay: n });
  },
  relaySample: (): { speaker: string; listener: string; frame: string }[] => [...relayed],
  plainSample: (): string[] => [...plain],
  /** Forgets the plaintext frames kept and keeps the next 1,500. */
  clearPlain: (): void => {
    plain.length = 0;
    need().frames.keep({ plain: 1500 });
  },
  /** The channel's voice key of the current epoch (hex) and the epoch: for the test's own decoding. */
  voiceKey: (): { epoch: number; key: string } => {
    const l = link as VoiceLink;
    const epoch = l.epoch();
    return { epoch, key: toHex(l.key(epoch) as Uint8Array) };
  },
  speakingLog: () => [...speakingLog],
  /** This device's account key (hex). */
  account: (): string => toHex((client as ParleyClient).identity.account.publicKey),
  /** Why the call ended by itself ('removed'), if it did. */
  ended: (): string | undefined => ended,
  /** Keeps the next `n` frames this device seals as they leave. */
  keepSealed: (n: number): void => {
    sealed.length = 0;
    need().frames.keep({ sealed: n });
  },
  /** The sealed frames kept, with the epoch in each header. */
  sealedSample: (): { epoch: number; frame: string }[] => sealed.map((f) => ({ epoch: parseVoiceFrame(fromHex(f)).epoch, frame: f })),
  /** Tries to open `frames` (sealed by `speaker`) with the keys this device holds: how many opened, and the refusals' codes. */
  tryOpen: (speaker: string, frames: string[]): { opened: number; refused: Record<string, number> } => {
    const l = link as VoiceLink;
    let opened = 0;
    const refused: Record<string, number> = {};
    for (const f of frames) {
      try {
        openVoiceFrame((e) => l.key(e), fromHex(speaker), fromHex(f));
        opened++;
      } catch (e) {
        const code = isProtocolError(e) ? e.code : String(e);
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
    return { opened, refused };
  },
  /** Why this page refused frames (error code -> count), and the gossip peers of the voice topic. */
  diagnostics: () => ({
    rejections: Object.fromEntries((client as ParleyClient).ingest.rejections),
    members: link === undefined ? 0 : (client as ParleyClient).members(link.room).length,
    peers: (client as ParleyClient).node.libp2p.getPeers().length,
    conns: (client as ParleyClient).node.libp2p
      .getConnections()
      .map(
        (c) =>
          `${c.remotePeer.toString().slice(-4)}:${c.remoteAddr.toString().includes('webrtc') ? 'webrtc' : c.remoteAddr.toString().includes('p2p-circuit') ? 'circuit' : 'ws'}:${c.status}`,
      ),
    blocked: (client as ParleyClient).node.penalties.blocked().map((b) => b.peer.slice(-6)),
    log: need().log.slice(-40),
    playing: Object.fromEntries(
      Object.entries(need().playing()).map(([id, key]) => [
        id.slice(0, 6),
        `${key.slice(0, 14)}${
          need()
            .connections()
            .find((c) => key.includes(c.device))?.standby
            ? ' standby'
            : ''
        }`,
      ]),
    ),
    relayCounts: need().frames.tap,
    rejects,
    heard: Object.fromEntries(
      need()
        .roster.list()
        .map((p) => [p.deviceHex.slice(0, 6), Date.now() - p.heardAt]),
    ),
    signals: Object.fromEntries(heardSignals),
    self: need().self.slice(0, 6),
    at: Date.now(),
    links: need()
      .connections()
      .map((c) => `${c.device.slice(0, 6)}:${c.mode}:${c.offerer ? 'o' : 'a'}:${c.state}`),
    closes: closes.slice(-8),
    lags: [...lags],
  }),
  async leave(): Promise<void> {
    await engine?.leave();
    await client?.close();
  },
};

export type VoiceApi = typeof api;
(globalThis as unknown as { parleyVoice: VoiceApi }).parleyVoice = api;
