/**
 * A device's link to one voice channel's signalling (PROTOCOL 11.1): it signs VOICE_SIGNALs as this
 * device, gossips them on the channel's topic, and hands on the valid signals of other devices in
 * the same channel (the ingest path checked them). It also gives the voice engine the channel's
 * frame keys by epoch and the WebRTC configuration (the room's TURN servers, relay-only mode).
 * Transport-agnostic: the browser engine in @parley/voice builds on it.
 */
import { channelTopic } from '@parley/net';
import { signVoiceSignal, toHex, type VoiceSignal } from '@parley/protocol';
import type { ParleyClient } from './client.ts';

type Common = 'device' | 'account' | 'room' | 'channel' | 'session' | 'seq' | 'time';
/** What a caller fills in; the link adds device, account, room, channel, session, seq and time. */
export type VoiceSignalDraft =
  | { readonly kind: 'join' | 'announce'; readonly uploadKbps: number; readonly uptimeMs: number; readonly flags: number }
  | { readonly kind: 'leave' }
  | { readonly kind: 'offer' | 'answer' | 'ice'; readonly target: Uint8Array; readonly targetSession: Uint8Array; readonly payload: string };

export class VoiceLink {
  readonly client: ParleyClient;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  /** This call session (fresh per link). */
  readonly session: Uint8Array;
  readonly device: Uint8Array;
  readonly deviceHex: string;
  #seq = 0;

  constructor(client: ParleyClient, room: Uint8Array, channel: Uint8Array) {
    this.client = client;
    this.room = room;
    this.channel = channel;
    this.session = client.random(8);
    this.device = client.identity.device.sign.publicKey;
    this.deviceHex = toHex(this.device);
    const ch = client.channels(room).find((c) => toHex(c.id) === toHex(channel));
    if (ch === undefined || ch.kind !== 'voice') throw new RangeError('channel: not a voice channel of this room');
  }

  /** Signs and gossips one signal (dated `at`, default now); resolves with how many peers it went to. */
  async send(draft: VoiceSignalDraft, at: number = this.client.now()): Promise<number> {
    const body = {
      ...draft,
      device: this.device,
      account: this.client.identity.account.publicKey,
      room: this.room,
      channel: this.channel,
      session: this.session,
      seq: ++this.#seq,
      time: at,
    } as VoiceSignal satisfies Pick<VoiceSignal, Common>;
    const s = signVoiceSignal(body, this.client.identity.device.sign.secret, this.client.crypto);
    const topic = channelTopic(this.room, this.channel);
    return this.client.node.publish(topic, s.bytes).catch(() => 0);
  }

  /** Calls `fn` for every valid signal of another device in this channel; returns the unsubscribe. */
  onSignal(fn: (s: VoiceSignal) => void): () => void {
    const room = toHex(this.room);
    const channel = toHex(this.channel);
    return this.client.on('voice', (e) => {
      if (toHex(e.room) !== room || toHex(e.channel) !== channel || toHex(e.signal.device) === this.deviceHex) return;
      fn(e.signal);
    });
  }

  /** The channel's current key epoch (from the authority log). */
  epoch(): number {
    const st = this.client.state(this.room);
    return st.epochAt(this.channel, st.length - 1);
  }

  /** The voice frame key of `epoch` (PROTOCOL 11.3), if this device holds that epoch's key. */
  key(epoch: number): Uint8Array | undefined {
    return this.client.voiceKey(this.room, this.channel, epoch);
  }

  rtcConfiguration(): RTCConfiguration {
    return this.client.rtcConfiguration();
  }
}
