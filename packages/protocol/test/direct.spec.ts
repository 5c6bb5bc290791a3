/**
 * Direct envelopes (PROTOCOL 13.3) on a real replayed room: the addressee's devices and the
 * sender's other devices read them, nobody else does (a third member of the room included); the
 * authority checks refuse wrong inboxes, strangers, banned senders and foreign recipient devices;
 * a device entry lifted into another envelope slot does not decrypt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCbor } from '../src/codec/cbor.ts';
import { buildFrame, type Signed, sign, signingInput } from '../src/codec/signed.ts';
import { decodeDirectBox } from '../src/direct/direct-box.ts';
import { openDirectEnvelope, validateDirectEnvelope } from '../src/direct/direct-envelope.ts';
import { isProtocolError } from '../src/errors.ts';
import { type Envelope, envelopeCodec, openEnvelope } from '../src/message/envelope.ts';
import { validateEnvelope } from '../src/message/validate-envelope.ts';
import { type Device, directCast } from './direct-fixture.ts';
import { crypto } from './helpers.ts';

const err = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return `${e.code} ${e.field}`;
  }
};

const open = (c: ReturnType<typeof directCast>, env: Signed<Envelope>, reader: Device, sender: Device) => {
  const { box } = validateDirectEnvelope(env, c.room.state, crypto);
  return openDirectEnvelope(env.body, box, { device: reader.keys.sign.publicKey, box: reader.keys.box }, [], sender.keys.box.publicKey, c.rnd, crypto);
};

/** Re-signs an altered body without the codec's round trip (to build invalid objects). */
const resign = (body: Envelope, by: Device): Signed<Envelope> => {
  const payload = encodeCbor(envelopeCodec.write(body));
  const bytes = buildFrame('ENVELOPE', payload, crypto.ed25519Sign(by.keys.sign.secret, signingInput('ENVELOPE', payload)));
  return openEnvelope(bytes, crypto);
};

describe('direct envelopes', () => {
  it("alice to bob: bob reads it, carol (a member of the same room) and alice's other device do not", () => {
    const c = directCast('basic');
    const { alice, bob, carol, alice2 } = c.devices;
    const { envelope } = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'hello bob');
    const again = openEnvelope(envelope.bytes, crypto);
    assert.equal(open(c, again, bob, alice).content.text, 'hello bob');
    assert.equal(
      err(() => open(c, again, carol, alice)),
      'ERR_DECRYPT envelope.x',
    );
    assert.equal(
      err(() => open(c, again, alice2, alice)),
      'ERR_DECRYPT envelope.x',
    );
    // Even handed bob's entry, carol's box key opens nothing.
    const box = decodeDirectBox(again.body.ciphertext);
    const carolAsBob = { device: bob.keys.sign.publicKey, box: carol.keys.box };
    assert.equal(err(() => openDirectEnvelope(again.body, box, carolAsBob, [], alice.keys.box.publicKey, c.rnd, crypto))?.split(' ')[0], 'ERR_DECRYPT');
  });

  it("multi-device: bob's and alice's other device each read their copy, and the conversation goes on both ways", () => {
    const c = directCast('multi');
    const { alice, alice2, bob } = c.devices;
    const toBob = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'hi');
    const self = c.dm(alice, alice.account, [{ device: alice2.keys.sign.publicKey, state: c.start(alice, alice2) }], 'hi', bob.account);
    const got = open(c, toBob.envelope, bob, alice);
    const mine = open(c, self.envelope, alice2, alice);
    assert.equal(mine.content.text, 'hi');
    assert.deepEqual(mine.content.to, bob.account, 'the copy says whom it was to');
    // Bob answers on the session alice started; alice reads it with her state.
    const reply = c.dm(bob, alice.account, [{ device: alice.keys.sign.publicKey, state: got.state }], 'hi alice');
    const { box } = validateDirectEnvelope(reply.envelope, c.room.state, crypto);
    const back = openDirectEnvelope(
      reply.envelope.body,
      box,
      { device: alice.keys.sign.publicKey, box: alice.keys.box },
      toBob.states,
      bob.keys.box.publicKey,
      c.rnd,
      crypto,
    );
    assert.equal(back.content.text, 'hi alice');
  });

  it('a device entry lifted into another envelope slot does not decrypt', () => {
    const c = directCast('lift');
    const { alice, bob } = c.devices;
    const { envelope } = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'original');
    const moved = resign({ ...envelope.body, seq: envelope.body.seq + 1 }, alice);
    assert.equal(err(() => open(c, moved, bob, alice))?.split(' ')[0], 'ERR_DECRYPT');
  });

  it('authority checks name the rule that fails', () => {
    const c = directCast('rules');
    const { alice, bob, carol, dave } = c.devices;
    const ok = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'x').envelope;
    assert.equal(
      err(() => validateDirectEnvelope(ok, c.room.state, crypto)),
      undefined,
    );
    assert.equal(
      err(() => validateEnvelope(ok, c.room.state)),
      'ERR_FIELD envelope.p',
    );
    assert.equal(
      err(() => validateDirectEnvelope(resign({ ...ok.body, channel: c.inbox(carol.account) }, alice), c.room.state, crypto)),
      'ERR_FIELD envelope.c',
    );
    const toDave = c.dm(alice, dave.account, [{ device: dave.keys.sign.publicKey, state: c.start(alice, dave) }], 'x').envelope;
    assert.equal(
      err(() => validateDirectEnvelope(toDave, c.room.state, crypto)),
      'ERR_UNAUTHORIZED envelope.p',
    );
    const fromDave = c.dm(dave, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(dave, bob) }], 'x').envelope;
    assert.equal(
      err(() => validateDirectEnvelope(fromDave, c.room.state, crypto)),
      'ERR_UNAUTHORIZED envelope.a',
    );
    const carolInBobsInbox = c.dm(alice, bob.account, [{ device: carol.keys.sign.publicKey, state: c.start(alice, carol) }], 'x').envelope;
    assert.equal(
      err(() => validateDirectEnvelope(carolInBobsInbox, c.room.state, crypto)),
      'ERR_UNAUTHORIZED envelope.x.r[0].d',
    );
    c.room.ban(c.alice, c.carol);
    const fromBanned = resign({ ...c.dm(carol, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(carol, bob) }], 'x').envelope.body }, carol);
    assert.equal(
      err(() => validateDirectEnvelope(fromBanned, c.room.state, crypto)),
      'ERR_UNAUTHORIZED envelope.u',
    );
  });

  it('the codec holds the direct form to its shape', () => {
    const c = directCast('codec');
    const { alice, bob } = c.devices;
    const ok = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'x').envelope.body;
    const bad = (b: Envelope) => err(() => sign(envelopeCodec, b, alice.keys.sign.secret, crypto));
    assert.equal(bad({ ...ok, epoch: 1 }), 'ERR_FIELD ENVELOPE.e');
    assert.equal(bad({ ...ok, keyId: new Uint8Array(8).fill(1) }), 'ERR_FIELD ENVELOPE.k');
    assert.equal(bad({ ...ok, nonce: new Uint8Array(24).fill(1) }), 'ERR_FIELD ENVELOPE.n');
    assert.equal(bad({ ...ok, op: 'edit', target: new Uint8Array(32) }), 'ERR_FIELD ENVELOPE.p');
    assert.equal(bad({ ...ok, peer: new Uint8Array(31) }), 'ERR_FIELD ENVELOPE.p');
  });
});
