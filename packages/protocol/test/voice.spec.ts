/**
 * Voice: VOICE_SIGNAL encoding, clock and authorization (a non-member, a banned member, a text channel
 * are refused), the forwarder election as a property (every order of the same announcements elects
 * the same device; without it the next in line), sealed voice frames (round trip, wrong key / sender /
 * tampering refused), and fuzzing of both decoders.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compare, toHex } from '../src/bytes.ts';
import { ProtocolError } from '../src/errors.ts';
import { capacityClass, electForwarder, type ForwarderCandidate, forwarderLine, MIN_FORWARDER_KBPS, voiceTopology } from '../src/voice/forwarder-election.ts';
import { validateVoiceSignal } from '../src/voice/validate-voice-signal.ts';
import { deriveVoiceKey, openVoiceFrame, parseVoiceFrame, sealVoiceFrame } from '../src/voice/voice-frame.ts';
import { openVoiceSignal, signVoiceSignal, type VoiceSignal } from '../src/voice/voice-signal.ts';
import { fuzz } from './fuzz/harness.ts';
import { crypto, seededRandom } from './helpers.ts';
import { type Member, member, T0, TestRoom } from './room-fixture.ts';

const rnd = seededRandom('voice');
const owner = member('voice-owner');
const bob = member('voice-bob');
const eve = member('voice-eve');
const room = new TestRoom(owner);
room.join(bob);
const voice = rnd(16);
room.do(owner, { kind: 'create_channel', channel: voice, name: 'Lounge', channelKind: 'voice', topic: '' });
const text = room.channel('general');

const signal = (who: Member, kind: VoiceSignal['kind'], o: { channel?: Uint8Array; time?: number } = {}) => {
  const base = {
    device: who.device.sign.publicKey,
    account: who.key,
    room: room.roomId,
    channel: o.channel ?? voice,
    session: rnd(8),
    seq: 1,
    time: o.time ?? T0,
  };
  const body: VoiceSignal =
    kind === 'join' || kind === 'announce'
      ? { ...base, kind, uploadKbps: 2000, uptimeMs: 5000, flags: 1 }
      : kind === 'leave'
        ? { ...base, kind }
        : { ...base, kind, target: owner.device.sign.publicKey, targetSession: rnd(8), payload: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  return signVoiceSignal(body, who.device.sign.secret, crypto);
};

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${e}`);
    return e.code;
  }
  return 'ok';
};

describe('VOICE_SIGNAL', () => {
  it('round-trips every kind, and a member of the room may send it', () => {
    for (const kind of ['join', 'announce', 'leave', 'offer', 'answer', 'ice'] as const) {
      const s = signal(bob, kind);
      const o = openVoiceSignal(s.bytes, crypto, T0 + 1000);
      assert.deepEqual(o.body, s.body);
      assert.equal(validateVoiceSignal(o, room.state), o);
    }
  });

  it('refuses a signal outside the clock window (a replayed old offer)', () => {
    assert.equal(
      code(() => openVoiceSignal(signal(bob, 'offer').bytes, crypto, T0 + 31_000)),
      'ERR_EXPIRED',
    );
    assert.equal(
      code(() => openVoiceSignal(signal(bob, 'offer').bytes, crypto, T0 - 31_000)),
      'ERR_EXPIRED',
    );
  });

  it('refuses a non-member (THREATS 39), a text channel, and a banned member', () => {
    assert.equal(
      code(() => validateVoiceSignal(signal(eve, 'join'), room.state)),
      'ERR_UNAUTHORIZED',
    );
    assert.equal(
      code(() => validateVoiceSignal(signal(bob, 'join', { channel: text }), room.state)),
      'ERR_FIELD',
    );
    assert.equal(
      code(() => validateVoiceSignal(signal(bob, 'join', { channel: rnd(16) }), room.state)),
      'ERR_FIELD',
    );
    const r2 = new TestRoom(owner, 'ban room');
    r2.join(bob);
    r2.do(owner, { kind: 'create_channel', channel: voice, name: 'Lounge', channelKind: 'voice', topic: '' });
    const before = signVoiceSignal({ ...signal(bob, 'join').body, room: r2.roomId }, bob.device.sign.secret, crypto);
    assert.equal(validateVoiceSignal(before, r2.state), before);
    r2.ban(owner, bob);
    assert.equal(
      code(() => validateVoiceSignal(before, r2.state)),
      'ERR_UNAUTHORIZED',
    );
  });

  it('refuses a signature from another device and a tampered payload', () => {
    const s = signal(bob, 'announce');
    const forged = signVoiceSignal({ ...s.body, device: bob.device.sign.publicKey }, eve.device.sign.secret, crypto);
    assert.equal(
      code(() => openVoiceSignal(forged.bytes, crypto, T0)),
      'ERR_SIGNATURE',
    );
    const t = s.bytes.slice();
    t[t.length - 70] = (t[t.length - 70] as number) ^ 1;
    assert.notEqual(
      code(() => openVoiceSignal(t, crypto, T0)),
      'ok',
    );
  });

  it('survives fuzzing: every input decodes or throws a ProtocolError', (ctx) => {
    const seeds = (['join', 'leave', 'offer', 'ice'] as const).map((k) => signal(bob, k).bytes);
    const r = fuzz({ name: 'VOICE_SIGNAL', seeds, decode: (b) => openVoiceSignal(b, crypto, T0) });
    ctx.diagnostic(`${r.inputs} inputs in ${r.ms} ms, ${r.accepted} accepted`);
    assert.ok(r.inputs > 0);
  });
});

const candidateArb = fc.record({
  device: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  uploadKbps: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 255, 256, 2000)),
  uptimeMs: fc.integer({ min: 0, max: 10_000_000 }),
  time: fc.integer({ min: 10_000_000, max: 20_000_000 }),
});
const distinct = (cs: ForwarderCandidate[]): ForwarderCandidate[] => [...new Map(cs.map((c) => [toHex(c.device), c])).values()];

describe('forwarder election', () => {
  it('every order of the same announcements elects the same forwarder', () => {
    fc.assert(
      fc.property(fc.array(candidateArb, { maxLength: 20 }), fc.nat(), (cs, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }), { numRuns: 1, seed })[0] ?? cs;
        const a = electForwarder(cs);
        const b = electForwarder(shuffled);
        assert.equal(a === undefined ? undefined : toHex(a), b === undefined ? undefined : toHex(b));
      }),
    );
  });

  it('elects an eligible device of the highest capacity class, and none when nobody is eligible', () => {
    fc.assert(
      fc.property(fc.array(candidateArb, { maxLength: 20 }).map(distinct), (cs) => {
        const f = electForwarder(cs);
        const eligible = cs.filter((c) => c.uploadKbps >= MIN_FORWARDER_KBPS);
        if (eligible.length === 0) return assert.equal(f, undefined);
        assert.ok(f !== undefined);
        const chosen = cs.find((c) => compare(c.device, f) === 0) as ForwarderCandidate;
        assert.ok(chosen.uploadKbps >= MIN_FORWARDER_KBPS);
        assert.equal(capacityClass(chosen.uploadKbps), Math.max(...eligible.map((c) => capacityClass(c.uploadKbps))));
      }),
    );
  });

  it('when the forwarder leaves, the next in line is elected, and everyone agrees on it', () => {
    fc.assert(
      fc.property(fc.array(candidateArb, { minLength: 2, maxLength: 20 }).map(distinct), fc.nat(), (cs, seed) => {
        const line = forwarderLine(cs);
        const f = electForwarder(cs);
        if (f === undefined) return;
        const rest = cs.filter((c) => compare(c.device, f) !== 0);
        const next = electForwarder(rest);
        assert.equal(next === undefined ? undefined : toHex(next), line[1] === undefined ? undefined : toHex(line[1].device));
        const shuffled = fc.sample(fc.shuffledSubarray(rest, { minLength: rest.length, maxLength: rest.length }), { numRuns: 1, seed })[0] ?? rest;
        const again = electForwarder(shuffled);
        assert.equal(again === undefined ? undefined : toHex(again), next === undefined ? undefined : toHex(next));
      }),
    );
  });

  it('a re-announcement of the same session (later time, larger uptime) changes nothing', () => {
    fc.assert(
      fc.property(fc.array(candidateArb, { minLength: 1, maxLength: 10 }).map(distinct), fc.integer({ min: 1, max: 100_000 }), (cs, dt) => {
        const again = cs.map((c) => ({ ...c, time: c.time + dt, uptimeMs: c.uptimeMs + dt }));
        const a = electForwarder(cs);
        const b = electForwarder([...cs, ...again]);
        assert.equal(a === undefined ? undefined : toHex(a), b === undefined ? undefined : toHex(b));
      }),
    );
  });

  it('mesh up to the limit, forward above it', () => {
    assert.equal(voiceTopology(8), 'mesh');
    assert.equal(voiceTopology(9), 'forward');
    assert.equal(voiceTopology(3, 3), 'mesh');
    assert.equal(voiceTopology(4, 3), 'forward');
  });
});

describe('voice frames', () => {
  const epochKey = rnd(32);
  const key0 = deriveVoiceKey(epochKey, room.roomId, voice, 0);
  const key1 = deriveVoiceKey(epochKey, room.roomId, voice, 1);
  const sender = bob.device.sign.publicKey;

  it('round-trip any frame; another epoch key, another sender or one flipped bit does not open', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1500 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.nat(2000), (frame, nonce, bit) => {
        const sealed = sealVoiceFrame(key0, 0, sender, frame, nonce);
        assert.deepEqual(
          openVoiceFrame((e) => (e === 0 ? key0 : undefined), sender, sealed),
          frame,
        );
        assert.equal(
          code(() => openVoiceFrame(() => key1, sender, sealed)),
          'ERR_DECRYPT',
        );
        assert.equal(
          code(() => openVoiceFrame(() => key0, owner.device.sign.publicKey, sealed)),
          'ERR_DECRYPT',
        );
        assert.equal(
          code(() => openVoiceFrame(() => undefined, sender, sealed)),
          'ERR_DECRYPT',
        );
        const t = sealed.slice();
        const i = bit % (t.length * 8);
        t[i >> 3] = (t[i >> 3] as number) ^ (1 << (i & 7));
        assert.notEqual(
          code(() => openVoiceFrame((e) => (e === 0 ? key0 : undefined), sender, t)),
          'ok',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('derives a different key per epoch, channel and room', () => {
    assert.notDeepEqual(key0, key1);
    assert.notDeepEqual(key0, deriveVoiceKey(epochKey, room.roomId, text, 0));
    assert.notDeepEqual(key0, deriveVoiceKey(epochKey, rnd(32), voice, 0));
  });

  it('survives fuzzing: every input parses and opens, or throws a ProtocolError', (ctx) => {
    const seeds = [sealVoiceFrame(key0, 0, sender, rnd(80), rnd(12)), sealVoiceFrame(key1, 1, sender, rnd(300), rnd(12))];
    const r = fuzz({
      name: 'voice frame',
      seeds,
      decode: (b) => {
        parseVoiceFrame(b);
        return openVoiceFrame((e) => (e === 0 ? key0 : e === 1 ? key1 : undefined), sender, b);
      },
    });
    ctx.diagnostic(`${r.inputs} inputs in ${r.ms} ms, ${r.accepted} accepted`);
    assert.ok(r.inputs > 0);
  });
});
