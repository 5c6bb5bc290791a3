/**
 * Who is in the call, as this device has heard it: one entry per device (its latest session), from
 * `join` / `announce` signals, gone on `leave`, on silence longer than `timeoutMs`, or when dropped
 * (a failed connection to it). Pure bookkeeping: time comes in as an argument.
 */
import { type ForwarderCandidate, toHex, VOICE_FLAG_DEAFENED, VOICE_FLAG_MUTED, type VoiceSignal } from '@parley/protocol';

export interface Participant {
  readonly device: Uint8Array;
  readonly deviceHex: string;
  readonly account: Uint8Array;
  readonly session: Uint8Array;
  readonly sessionHex: string;
  readonly uploadKbps: number;
  readonly uptimeMs: number;
  /** The announcement's own time. */
  readonly time: number;
  readonly flags: number;
  /** What its latest announcement says (flags). */
  readonly muted: boolean;
  readonly deafened: boolean;
  /** When this device last heard it (local clock). */
  readonly heardAt: number;
}

export class Roster {
  readonly #byDevice = new Map<string, Participant>();
  /** Sessions (device:session) that left or were replaced: their late announcements are ignored. */
  readonly #ended = new Set<string>();
  /** Sessions (device:session) dropped after a failed connection -> when (local time): their announcements are ignored for `timeoutMs`, then heard again. */
  readonly #dropped = new Map<string, number>();
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Applies a presence signal; returns true when the set of participants (or a session) changed. */
  apply(s: VoiceSignal, now: number): boolean {
    const deviceHex = toHex(s.device);
    const sessionHex = toHex(s.session);
    const sk = `${deviceHex}:${sessionHex}`;
    const cur = this.#byDevice.get(deviceHex);
    if (s.kind === 'leave') {
      this.#ended.add(sk);
      if (cur?.sessionHex !== sessionHex) return false;
      this.#byDevice.delete(deviceHex);
      return true;
    }
    if (s.kind !== 'join' && s.kind !== 'announce') return false;
    if (this.#ended.has(sk)) return false;
    const droppedAt = this.#dropped.get(sk);
    if (droppedAt !== undefined) {
      if (now - droppedAt <= this.timeoutMs) return false;
      this.#dropped.delete(sk);
    }
    if (cur !== undefined && cur.sessionHex === sessionHex && cur.time > s.time) return false;
    const changed = cur === undefined || cur.sessionHex !== sessionHex;
    if (changed && cur !== undefined) this.#ended.add(`${deviceHex}:${cur.sessionHex}`);
    this.#byDevice.set(deviceHex, {
      device: s.device,
      deviceHex,
      account: s.account,
      session: s.session,
      sessionHex,
      uploadKbps: s.uploadKbps,
      uptimeMs: s.uptimeMs,
      time: s.time,
      flags: s.flags,
      muted: (s.flags & VOICE_FLAG_MUTED) !== 0,
      deafened: (s.flags & VOICE_FLAG_DEAFENED) !== 0,
      heardAt: now,
    });
    return changed;
  }

  /**
   * Forgets a device's current session at once (its connection failed), deaf to announcements
   * already on their way for `timeoutMs`; a device still there is heard again after that. True if it was present.
   */
  drop(deviceHex: string, now: number): boolean {
    const cur = this.#byDevice.get(deviceHex);
    if (cur === undefined) return false;
    this.#dropped.set(`${deviceHex}:${cur.sessionHex}`, now);
    this.#byDevice.delete(deviceHex);
    return true;
  }

  /** Removes participants not heard from for `timeoutMs`; returns those removed. */
  expire(now: number): Participant[] {
    const gone: Participant[] = [];
    for (const [k, p] of this.#byDevice) {
      if (now - p.heardAt > this.timeoutMs) {
        // Not ended: a late announcement (a slow network, a busy tab) brings it back.
        this.#byDevice.delete(k);
        gone.push(p);
      }
    }
    return gone;
  }

  get(deviceHex: string): Participant | undefined {
    return this.#byDevice.get(deviceHex);
  }

  /** Participants sorted by device key. */
  list(): Participant[] {
    return [...this.#byDevice.values()].sort((a, b) => (a.deviceHex < b.deviceHex ? -1 : a.deviceHex > b.deviceHex ? 1 : 0));
  }

  get size(): number {
    return this.#byDevice.size;
  }

  candidates(): ForwarderCandidate[] {
    return this.list().map((p) => ({ device: p.device, uploadKbps: p.uploadKbps, uptimeMs: p.uptimeMs, time: p.time }));
  }
}
