/**
 * The engine's pure parts in Node: the roster (join, re-announce, leave, silence, a later session
 * replacing an earlier one, late announcements of an ended session ignored), Opus DTX/FEC munging of
 * real Chromium SDP lines, the forwarder relay's bounded queues, the frame worker's transforms (seal,
 * open, relay without opening), the offer payload parser, and the microphone bitrate chosen from
 * measured bandwidth.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VoiceSignal } from '@parley/protocol';
import { openVoiceFrame, parseVoiceFrame } from '@parley/protocol';
import fc from 'fast-check';
import {
  bitrateChanged,
  enableOpusDtxFec,
  ForwarderRelay,
  type FrameReport,
  FrameTransforms,
  MAX_VOICE_BPS,
  MIN_VOICE_BPS,
  parsePayload,
  QUIET_MS,
  Roster,
  voiceBitrate,
} from '../src/index.ts';

const dev = (n: number) => new Uint8Array(32).fill(n);
const ses = (n: number) => new Uint8Array(8).fill(n);
const base = (d: number, s: number, time: number) => ({
  device: dev(d),
  account: dev(d),
  room: new Uint8Array(32),
  channel: new Uint8Array(16),
  session: ses(s),
  seq: 1,
  time,
});
const announce = (d: number, s: number, time: number, kind: 'join' | 'announce' = 'announce'): VoiceSignal => ({
  ...base(d, s, time),
  kind,
  uploadKbps: 1000,
  uptimeMs: 0,
  flags: 0,
});

describe('Roster', () => {
  it('tracks joins, re-announcements, leaves and silence', () => {
    const r = new Roster(2500);
    assert.equal(r.apply(announce(1, 1, 100, 'join'), 0), true);
    assert.equal(r.apply(announce(1, 1, 200), 1000), false, 'same session: no change');
    assert.equal(r.apply(announce(2, 1, 200), 1000), true);
    assert.deepEqual(
      r.list().map((p) => p.deviceHex.slice(0, 2)),
      ['01', '02'],
    );
    assert.equal(r.apply({ ...base(2, 1, 300), kind: 'leave' }, 1100), true);
    assert.equal(r.apply(announce(2, 1, 250), 1200), false, 'a late announcement of a session that left is ignored');
    assert.equal(r.size, 1);
    assert.deepEqual(r.expire(3400), [], 'heard at 1000, timeout 2500');
    assert.equal(r.expire(3600).length, 1);
    assert.equal(r.size, 0);
    assert.equal(r.apply(announce(1, 1, 400), 3700), true, 'a participant silent too long is heard again when it announces');
  });

  it('a new session of a device replaces the old one; drop() forgets a session for the timeout', () => {
    const r = new Roster(2500);
    r.apply(announce(1, 1, 100), 0);
    assert.equal(r.apply(announce(1, 2, 150), 10), true);
    assert.equal(r.get(`${'01'.repeat(32)}`)?.sessionHex, '02'.repeat(8));
    assert.equal(r.apply(announce(1, 1, 160), 20), false, 'the replaced session cannot come back');
    assert.equal(r.drop('01'.repeat(32), 30), true);
    assert.equal(r.apply(announce(1, 2, 170), 2000), false, 'a dropped session is not heard for the timeout');
    assert.equal(r.apply(announce(1, 2, 171), 2600), true, 'then it is heard again (it was still there)');
    r.drop('01'.repeat(32), 2600);
    assert.equal(r.apply(announce(1, 3, 180, 'join'), 40), true, 'a fresh join is heard');
  });
});

describe('enableOpusDtxFec', () => {
  it('adds usedtx and useinbandfec to Opus fmtp lines, once, and leaves other codecs alone', () => {
    const sdp = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
      'a=rtpmap:111 opus/48000/2',
      'a=fmtp:111 minptime=10;useinbandfec=0',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:9 G722/8000',
      '',
    ].join('\r\n');
    const out = enableOpusDtxFec(sdp);
    assert.match(out, /a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n/);
    assert.match(out, /a=fmtp:63 111\/111\r\n/);
    assert.equal(enableOpusDtxFec(out), out, 'idempotent');
    const bare = enableOpusDtxFec('m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n');
    assert.match(bare, /a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 useinbandfec=1;usedtx=1\r\n/);
  });
});

describe('ForwarderRelay', () => {
  it('hands each frame to the sink of every other listener, never back to the speaker, and counts what a full sink skips', () => {
    const got: string[] = [];
    const tapped: string[] = [];
    const r = new ForwarderRelay<string>((speaker, listener, sealed) => tapped.push(`${speaker}>${listener}:${sealed[0]}`));
    const sink = (l: string, room: { n: number }) => (src: string) => {
      if (room.n <= 0) return false;
      room.n--;
      got.push(`${l}:${src}`);
      return true;
    };
    const roomC = { n: 1 };
    r.attach('a', 'a', sink('a', { n: 9 }));
    r.attach('b', 'a', sink('b', { n: 9 }));
    r.attach('c', 'a', sink('c', roomC));
    r.attach('d', 'a', sink('d', { n: 9 }));
    assert.equal(r.sinks, 4);
    r.push('a', Uint8Array.of(1), 'f1', ['a', 'b', 'c']);
    r.push('a', Uint8Array.of(2), 'f2', ['a', 'b', 'c']);
    assert.deepEqual(got, ['b:f1', 'c:f1', 'b:f2'], 'd is not a listener now; c is full for f2; a is the speaker');
    assert.deepEqual(tapped, ['a>b:1', 'a>c:1', 'a>b:2']);
    assert.deepEqual([r.relayed, r.overflow], [3, 1]);
    const other = sink('b', { n: 9 });
    r.detach('b', 'a', other);
    r.push('a', Uint8Array.of(3), 'f3', ['b']);
    assert.equal(got.at(-1), 'b:f3', 'detaching a sink that was replaced leaves the current one');
    r.forget('b');
    r.push('a', Uint8Array.of(4), 'f4', ['b']);
    assert.equal(got.at(-1), 'b:f3', 'a forgotten listener gets nothing');
    r.push('x', Uint8Array.of(5), 'f5', ['b', 'c']);
    assert.equal(got.length, 4, 'a speaker with no sinks goes nowhere');
    // The speaker's own link closed and was made again: its frames still reach the others' senders.
    r.attach('c', 'a', sink('c', { n: 9 }));
    r.forget('a');
    r.push('a', Uint8Array.of(6), 'f6', ['a', 'c']);
    assert.equal(got.at(-1), 'c:f6', "forgetting a speaker's link keeps its sinks on the other links");
  });
});

describe('FrameTransforms (the frame worker)', () => {
  const a = 'aa'.repeat(32);
  const b = 'bb'.repeat(32);
  const c = 'cc'.repeat(32);
  const key = new Uint8Array(32).fill(3);
  const buf = (x: Uint8Array): ArrayBuffer => x.slice().buffer as ArrayBuffer;

  it('seals under the current epoch, drops while it holds no key, and opens only as the right speaker', () => {
    const reports: FrameReport[] = [];
    const t = new FrameTransforms((r) => reports.push(r));
    const plain = Uint8Array.of(1, 2, 3, 4, 5);
    assert.equal(t.frame({ role: 'seal', device: a }, buf(plain)), undefined, 'no key yet: dropped');
    t.command({ t: 'keys', epoch: 2, keys: [[2, key]] });
    t.command({ t: 'keep', plain: 1, sealed: 1 });
    const sealed = new Uint8Array(t.frame({ role: 'seal', device: a }, buf(plain)) as ArrayBuffer);
    assert.equal(parseVoiceFrame(sealed).epoch, 2);
    assert.deepEqual(
      openVoiceFrame(() => key, Uint8Array.from(Buffer.from(a, 'hex')), sealed),
      plain,
    );
    assert.deepEqual(new Uint8Array(t.frame({ role: 'open', speaker: a, link: a, relay: false }, buf(sealed)) as ArrayBuffer), plain);
    assert.equal(t.frame({ role: 'open', speaker: b, link: a, relay: false }, buf(sealed)), undefined, 'wrong speaker: dropped');
    assert.deepEqual(
      reports.map((r) => r.t),
      ['plain', 'sealed'],
    );
    assert.deepEqual([t.counts.sealed, t.counts.opened, t.counts.dropped], [1, 1, 2]);
  });

  it("on a forwarder, hands each sealed frame unopened to the other listeners' relay sinks, and relays nothing shorter than a sealed frame", () => {
    const t = new FrameTransforms<string>(() => undefined);
    t.command({ t: 'keys', epoch: 0, keys: [[0, key]] });
    t.command({ t: 'listeners', listeners: [a, b, c] });
    const copied: string[] = [];
    for (const l of [a, b, c]) t.relay.attach(l, a, (src) => copied.push(`${l.slice(0, 2)}:${src}`) > 0);
    const sealed = new Uint8Array(t.frame({ role: 'seal', device: a }, buf(Uint8Array.of(9, 9, 9))) as ArrayBuffer);
    const opened = t.frame({ role: 'open', speaker: a, link: a, relay: true }, buf(sealed), 'the received frame');
    assert.deepEqual(new Uint8Array(opened as ArrayBuffer), Uint8Array.of(9, 9, 9), 'the forwarder itself still hears the speaker');
    assert.deepEqual(copied, ['bb:the received frame', 'cc:the received frame'], 'copies of the received (sealed) frame, never back to the speaker');
    assert.equal(t.frame({ role: 'relay', listener: b, speaker: a }, new ArrayBuffer(3)), undefined, 'a relay sender sends nothing of its own');
    t.frame({ role: 'open', speaker: a, link: a, relay: true }, new ArrayBuffer(0), 'empty');
    assert.equal(copied.length, 2, 'an empty frame is not relayed');
    t.command({ t: 'listeners', listeners: [a, b] });
    t.frame({ role: 'open', speaker: a, link: a, relay: true }, buf(sealed), 'again');
    assert.deepEqual(copied.slice(2), ['bb:again'], 'only the current listeners (not a standby link)');
  });
});

describe('FrameTransforms quiet links', () => {
  it('reports a link that brought frames and then none for QUIET_MS, once, and again after it comes back', () => {
    let now = 0;
    const quiet: string[] = [];
    const t = new FrameTransforms(
      (r) => {
        if (r.t === 'quiet') quiet.push(r.link);
      },
      () => now,
    );
    const d = 'dd'.repeat(32);
    t.frame({ role: 'open', speaker: d, link: d, relay: false }, new ArrayBuffer(40));
    now = QUIET_MS - 1;
    t.checkQuiet();
    assert.deepEqual(quiet, []);
    now = QUIET_MS + 1;
    t.checkQuiet();
    t.checkQuiet();
    assert.deepEqual(quiet, [d], 'once');
    t.frame({ role: 'open', speaker: d, link: d, relay: false }, new ArrayBuffer(40));
    now += QUIET_MS + 1;
    t.checkQuiet();
    assert.deepEqual(quiet, [d, d]);
  });
});

describe('parsePayload', () => {
  it('takes offers and answers with a source map of 64-hex device keys, and nothing else', () => {
    const d = 'ab'.repeat(32);
    assert.deepEqual(parsePayload(JSON.stringify({ type: 'offer', sdp: 'v=0', sources: { 1: d, 2: 'x' } })), { type: 'offer', sdp: 'v=0', sources: { 1: d } });
    assert.equal(parsePayload('{'), undefined);
    assert.equal(parsePayload(JSON.stringify({ type: 'pranswer', sdp: '' })), undefined);
    assert.equal(parsePayload(JSON.stringify({ type: 'offer' })), undefined);
  });
});

describe('voiceBitrate', () => {
  it('takes half the measured bandwidth per stream, within 12..64 kbit/s; the most while nothing is measured', () => {
    assert.equal(voiceBitrate(undefined), MAX_VOICE_BPS);
    assert.equal(voiceBitrate(0), MAX_VOICE_BPS);
    assert.equal(voiceBitrate(10_000_000), MAX_VOICE_BPS);
    assert.equal(voiceBitrate(60_000), 30_000);
    assert.equal(voiceBitrate(60_000, 2), 15_000);
    assert.equal(voiceBitrate(8_000), MIN_VOICE_BPS);
  });
  it('property: always within bounds, never more for less bandwidth or more streams', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: false }), fc.double({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 64 }), (a, b, n) => {
        const x = voiceBitrate(a, n);
        assert.ok(x >= MIN_VOICE_BPS && x <= MAX_VOICE_BPS);
        if (a > 0 && Number.isFinite(a)) {
          assert.ok(voiceBitrate(Math.min(a, b), n) <= voiceBitrate(Math.max(a, b), n) || Math.min(a, b) <= 0);
          assert.ok(voiceBitrate(a, n + 1) <= voiceBitrate(a, n));
        }
      }),
    );
  });
  it('a cap moves only by more than 10%', () => {
    assert.equal(bitrateChanged(undefined, 64_000), true);
    assert.equal(bitrateChanged(64_000, 60_000), false);
    assert.equal(bitrateChanged(64_000, 50_000), true);
  });
});
