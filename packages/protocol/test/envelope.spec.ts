import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAP } from '../src/authority/capabilities.ts';
import { encodeCbor } from '../src/codec/cbor.ts';
import { buildFrame, parseFrame, sign, signingInput } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { type ErrorCode, ProtocolError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { decodeContent, encodeContent } from '../src/message/content.ts';
import { decryptEnvelope, envelopeCodec, openEnvelope } from '../src/message/envelope.ts';
import { validateEnvelope, verifyEnvelope } from '../src/message/validate-envelope.ts';
import { crypto } from './helpers.ts';
import { addDevice, cast } from './message-fixture.ts';
import { member } from './room-fixture.ts';

const code = (c: ErrorCode) => (e: unknown) => e instanceof ProtocolError && e.code === c;

/** Re-signs a modified body with `secret` without the codec's round-trip guard. */
const forge = (body: Record<string, unknown>, secret: Uint8Array): Uint8Array => {
  const payload = encodeCbor(body as never);
  return buildFrame('ENVELOPE', payload, crypto.ed25519Sign(secret, signingInput('ENVELOPE', payload)));
};

describe('envelope codec and encryption', () => {
  const { alice, room } = cast();

  it('round-trips: create -> open (both ports) -> decrypt', () => {
    const env = room.send(alice, { text: 'hello\nworld', mentions: [member('bob').key] });
    for (const c of [crypto, nobleCrypto]) {
      const opened = openEnvelope(env.bytes, c);
      assert.deepEqual(opened.id, env.id);
      assert.deepEqual(decryptEnvelope(opened.body, room.keys[0] as Uint8Array, c), { text: 'hello\nworld', mentions: [member('bob').key] });
    }
  });

  it('rejects malformed fields with errors naming them', () => {
    const env = room.send(alice, { text: 'x' });
    const w = envelopeCodec.write(env.body);
    const secret = alice.device.sign.secret;
    const cases: [Record<string, unknown>, ErrorCode, string][] = [
      [{ ...w, s: 0 }, 'ERR_FIELD', 'ENVELOPE.s'],
      [{ ...w, l: 0 }, 'ERR_FIELD', 'ENVELOPE.l'],
      [{ ...w, h: [] }, 'ERR_FIELD', 'ENVELOPE.h'],
      [{ ...w, h: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)] }, 'ERR_FIELD', 'ENVELOPE.h'],
      [{ ...w, h: Array.from({ length: 17 }, (_, i) => new Uint8Array(32).fill(i)) }, 'ERR_LIMIT', 'ENVELOPE.h'],
      [{ ...w, o: 'edit' }, 'ERR_FIELD', 'ENVELOPE.f'],
      [{ ...w, f: new Uint8Array(32) }, 'ERR_FIELD', 'ENVELOPE.f'],
      [{ ...w, o: 'shout', f: new Uint8Array(32) }, 'ERR_FIELD', 'ENVELOPE.o'],
      [{ ...w, k: new Uint8Array(7) }, 'ERR_FIELD', 'ENVELOPE.k'],
      [{ ...w, n: new Uint8Array(12) }, 'ERR_FIELD', 'ENVELOPE.n'],
      [{ ...w, c: new Uint8Array(32) }, 'ERR_FIELD', 'ENVELOPE.c'],
      [{ ...w, z: 1 }, 'ERR_FIELD', 'ENVELOPE.z'],
      [{ ...w, x: new Uint8Array(LIMITS.maxCiphertextBytes + 1) }, 'ERR_LIMIT', 'ENVELOPE.x'],
    ];
    for (const [body, c, field] of cases) {
      assert.throws(
        () => openEnvelope(forge(body, secret), crypto),
        (e: ProtocolError) => e.code === c && e.field === field,
        `${field} ${c}`,
      );
    }
  });

  it('THREATS 1: a forged signature is rejected', () => {
    const env = room.send(alice, { text: 'hi' });
    const f = parseFrame(env.bytes);
    assert.throws(() => openEnvelope(buildFrame('ENVELOPE', f.payload, new Uint8Array(64)), crypto), code('ERR_SIGNATURE'));
    const flipped = env.bytes.slice();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0x01;
    assert.throws(() => openEnvelope(flipped, crypto), code('ERR_SIGNATURE'));
  });

  it('THREATS 2: a signature lifted from another object type is rejected', () => {
    const env = room.send(alice, { text: 'hi' });
    const { payload } = parseFrame(env.bytes);
    for (const other of ['AUTHORITY_ENTRY', 'EPOCH_BUNDLE', 'PROFILE'] as const) {
      const lifted = crypto.ed25519Sign(alice.device.sign.secret, signingInput(other, payload));
      assert.throws(() => openEnvelope(buildFrame('ENVELOPE', payload, lifted), crypto), code('ERR_SIGNATURE'), other);
    }
    // And the envelope's own signature under another type byte fails on type first.
    const asBundle = buildFrame('EPOCH_BUNDLE', payload, parseFrame(env.bytes).signature);
    assert.throws(() => openEnvelope(asBundle, crypto), code('ERR_WRONG_TYPE'));
  });

  it('re-attributed ciphertext does not decrypt (AAD binds room, channel, epoch, device, seq)', () => {
    const { bob } = cast();
    const original = room.send(alice, { text: 'secret plan' });
    const key = room.keys[0] as Uint8Array;
    // Bob signs an envelope of his own around Alice's ciphertext: valid signature, valid member...
    const b = original.body;
    const lifted = sign(envelopeCodec, { ...b, device: bob.device.sign.publicKey, account: bob.key, seq: 1 }, bob.device.sign.secret, crypto);
    assert.doesNotThrow(() => validateEnvelope(lifted, room.state));
    assert.throws(() => decryptEnvelope(lifted.body, key, crypto), code('ERR_DECRYPT'));
    // ...and Alice's own ciphertext moved to another seq or epoch slot fails too.
    for (const change of [{ seq: b.seq + 1 }, { epoch: b.epoch + 1 }, { channel: new Uint8Array(16) }, { room: new Uint8Array(32) }]) {
      assert.throws(() => decryptEnvelope({ ...b, ...change }, key, crypto), code('ERR_DECRYPT'));
    }
    assert.equal(decryptEnvelope(b, key, crypto).text, 'secret plan');
  });

  it('a wrong key or altered ciphertext is ERR_DECRYPT; wrong content for the op is ERR_FIELD', () => {
    const env = room.send(alice, { text: 'x' });
    assert.throws(() => decryptEnvelope(env.body, new Uint8Array(32), crypto), code('ERR_DECRYPT'));
    const x = env.body.ciphertext.slice();
    x[0] = (x[0] as number) ^ 1;
    assert.throws(() => decryptEnvelope({ ...env.body, ciphertext: x }, room.keys[0] as Uint8Array, crypto), code('ERR_DECRYPT'));
    // The op is cleartext: the same plaintext is not valid content for a reaction.
    assert.throws(
      () => decryptEnvelope({ ...env.body, op: 'react', target: env.id }, room.keys[0] as Uint8Array, crypto),
      (e: ProtocolError) => e.code === 'ERR_FIELD' && e.field === 'content.b',
    );
  });
});

describe('content rules per op', () => {
  const id = new Uint8Array(32).fill(7);
  it('accepts what each op allows', () => {
    assert.deepEqual(decodeContent(encodeContent({ text: 'a', replyTo: id }, undefined), undefined), { text: 'a', replyTo: id });
    assert.deepEqual(decodeContent(encodeContent({ text: 'b' }, 'edit'), 'edit'), { text: 'b' });
    assert.deepEqual(decodeContent(encodeContent({}, 'delete'), 'delete'), {});
    assert.deepEqual(decodeContent(encodeContent({ emoji: '👍' }, 'react'), 'react'), { emoji: '👍' });
  });
  it('rejects what an op does not allow', () => {
    const bad: [Parameters<typeof encodeContent>[0], Parameters<typeof encodeContent>[1], string][] = [
      [{ text: '' }, undefined, 'content.b'],
      [{}, undefined, 'content.b'],
      [{ text: 'a', emoji: 'x' }, undefined, 'content.em'],
      [{ text: 'a', replyTo: id }, 'edit', 'content.rt'],
      [{ text: 'a' }, 'delete', 'content.b'],
      [{ emoji: '' }, 'react', 'content.em'],
      [{ emoji: 'x'.repeat(65) }, 'unreact', 'content.em'],
      [{ text: 'bell\u0007' }, undefined, 'content.b'],
      [{ text: 'x'.repeat(64 * 1024 + 1) }, undefined, 'content.b'],
    ];
    for (const [c, op, field] of bad)
      assert.throws(
        () => encodeContent(c, op),
        (e: ProtocolError) => e.field === field,
        field,
      );
    assert.throws(
      () => decodeContent(encodeCbor({ b: 'a', m: [] }), undefined),
      (e: ProtocolError) => e.field === 'content.m',
    );
  });
});

describe('validateEnvelope against the replayed authority log', () => {
  it('accepts a member message at the max position of its heads', () => {
    const { bob, room } = cast();
    const env = room.send(bob, { text: 'hi' });
    const v = verifyEnvelope(env.bytes, room.state, crypto);
    assert.equal(v.position, room.state.length - 1);
  });

  it('THREATS 3: an envelope by a device not certified for its account is rejected', () => {
    const { alice, bob, room } = cast();
    // Bob's device claims to speak for Alice.
    const env = room.send(bob, { text: 'I am alice' }, { account: alice.key });
    assert.throws(
      () => validateEnvelope(env, room.state),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'envelope.a',
    );
    // A device no certificate in the log knows.
    const stranger = member('stranger');
    const env2 = room.send(stranger, { text: 'hello' });
    assert.throws(
      () => validateEnvelope(env2, room.state),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'envelope.a',
    );
  });

  it('rejects wrong room, unknown heads (hold), missing channel, wrong epoch', () => {
    const { bob, room } = cast();
    const w = envelopeCodec.write(room.send(bob, { text: 'x' }).body);
    const reopen = (over: Record<string, unknown>) => openEnvelope(forge({ ...w, ...over }, bob.device.sign.secret), crypto);
    assert.throws(
      () => validateEnvelope(reopen({ r: new Uint8Array(32) }), room.state),
      (e: ProtocolError) => e.field === 'envelope.r',
    );
    assert.throws(() => validateEnvelope(reopen({ h: [new Uint8Array(32).fill(9)] }), room.state), code('ERR_UNKNOWN_REFERENCE'));
    assert.throws(
      () => validateEnvelope(reopen({ c: new Uint8Array(16) }), room.state),
      (e: ProtocolError) => e.field === 'envelope.c',
    );
    assert.throws(
      () => validateEnvelope(reopen({ e: 1 }), room.state),
      (e: ProtocolError) => e.code === 'ERR_FIELD' && e.field === 'envelope.e',
    );
  });

  it('rejects authors without SEND: non-members and muted members', () => {
    const { alice, bob, room } = cast();
    room.room.do(alice, { kind: 'mute', target: bob.key, cutoffs: [] });
    const env = room.send(bob, { text: 'still here?' });
    assert.throws(
      () => validateEnvelope(env, room.state),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'envelope.send',
    );
    assert.equal(room.state.can(bob.key, CAP.READ, room.channel, room.state.length - 1), true);
  });

  it('THREATS 9/18: a banned device backdating under the stale epoch is cut off; earlier messages stay valid', () => {
    const { alice, bob, room } = cast();
    const before = room.state.heads();
    const m1 = room.send(bob, { text: 'one' });
    const m2 = room.send(bob, { text: 'two' });
    // Alice has seen seq 2 from Bob's device in the channel when she bans him.
    room.room.ban(alice, bob, [{ device: bob.device.sign.publicKey, stream: room.channel, seq: 2 }]);
    assert.equal(room.currentEpoch(), 1);
    room.publishEpoch(alice, 1);
    for (const m of [m1, m2]) assert.doesNotThrow(() => verifyEnvelope(m.bytes, room.state, crypto));
    // Bob writes seq 3 pretending he never saw the ban: old heads, epoch 0, the old key.
    const late = room.send(bob, { text: 'backdated' }, { heads: before, epoch: 0, key: room.keys[0] });
    assert.throws(
      () => verifyEnvelope(late.bytes, room.state, crypto),
      (e: ProtocolError) => e.code === 'ERR_CUTOFF' && e.field === 'envelope.s',
    );
    // With honest heads he is simply not allowed to send.
    const honest = room.send(bob, { text: 'after' }, { epoch: 1, key: room.keys[1] });
    assert.throws(() => verifyEnvelope(honest.bytes, room.state, crypto), code('ERR_UNAUTHORIZED'));
  });

  it('THREATS 4: a revoked device is cut off above the seq its account had seen, and refused after', () => {
    const { bob, room } = cast();
    const phone = addDevice(room, bob, 'phone');
    const phoneKeys = phone.device;
    const before = room.state.heads();
    const p1 = room.send(phone, { text: 'from my phone' });
    const p2 = room.send(phone, { text: 'again' });
    // Bob, from his first device, revokes the phone after seeing its seq 1 only.
    room.room.do(bob, {
      kind: 'revoke_device',
      device: phoneKeys.sign.publicKey,
      cutoffs: [{ device: phoneKeys.sign.publicKey, stream: room.channel, seq: 1 }],
    });
    room.publishEpoch(bob, room.currentEpoch());
    assert.doesNotThrow(() => verifyEnvelope(p1.bytes, room.state, crypto));
    assert.throws(() => verifyEnvelope(p2.bytes, room.state, crypto), code('ERR_CUTOFF'));
    const backdated = room.send(phone, { text: 'stolen phone' }, { heads: before });
    assert.throws(() => verifyEnvelope(backdated.bytes, room.state, crypto), code('ERR_CUTOFF'));
    const current = room.send(phone, { text: 'stolen phone, honest heads' });
    assert.throws(
      () => verifyEnvelope(current.bytes, room.state, crypto),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'envelope.a',
    );
    // Bob's first device is unaffected.
    assert.doesNotThrow(() => verifyEnvelope(room.send(bob, { text: 'from my laptop' }).bytes, room.state, crypto));
  });
});
