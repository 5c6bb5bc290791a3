/**
 * Fuzzes the direct-message decoders (PROTOCOL 13): a direct envelope frame through open, the
 * authority checks and the recipient's decryption; the direct box; the plaintext map; a persisted
 * ratchet state. Every input must decode or throw a ProtocolError, never anything else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDirectBox, decodeDirectContent, encodeDirectContent } from '../src/direct/direct-box.ts';
import { openDirectEnvelope, validateDirectEnvelope } from '../src/direct/direct-envelope.ts';
import type { RatchetState } from '../src/direct/ratchet.ts';
import { decodeRatchetState, encodeRatchetState } from '../src/direct/ratchet-state-codec.ts';
import { openEnvelope } from '../src/message/envelope.ts';
import { directCast } from './direct-fixture.ts';
import { type FuzzReport, fuzz } from './fuzz/harness.ts';
import { crypto } from './helpers.ts';

const c = directCast('fuzz');
const { alice, alice2, bob } = c.devices;
const first = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'first\nmessage');
const second = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: first.states[0] as RatchetState }], 'second');
const self = c.dm(alice, alice.account, [{ device: alice2.keys.sign.publicKey, state: c.start(alice, alice2) }], 'copy', bob.account);
const envelopes = [first.envelope, second.envelope, self.envelope];

const reports: FuzzReport[] = [];
const run = (name: string, seeds: Uint8Array[], decode: (b: Uint8Array) => unknown) => {
  it(name, () => {
    const r = fuzz({ name, seeds, decode });
    reports.push(r);
    assert.ok(r.inputs > 0);
  });
};

describe('fuzz: direct-message decoders', () => {
  run(
    'direct ENVELOPE frame + validate + open',
    envelopes.map((e) => e.bytes),
    (b) => {
      const env = openEnvelope(b, crypto);
      const { box } = validateDirectEnvelope(env, c.room.state, crypto);
      return openDirectEnvelope(env.body, box, { device: bob.keys.sign.publicKey, box: bob.keys.box }, [], alice.keys.box.publicKey, c.rnd, crypto);
    },
  );
  run(
    'direct box',
    envelopes.map((e) => e.body.ciphertext),
    (b) => decodeDirectBox(b),
  );
  run('direct content', [encodeDirectContent({ text: 'hi\nthere', to: bob.account, sentAt: 1_750_000_000_000 })], (b) => decodeDirectContent(b));
  run('ratchet state', [...first.states, ...second.states, ...self.states].map(encodeRatchetState), (b) => decodeRatchetState(b, crypto));

  it('reports throughput', () => {
    for (const r of reports) {
      const rate = Math.round((r.inputs * 1000) / Math.max(1, r.ms));
      console.log(`fuzz ${r.name}: ${r.inputs} inputs in ${r.ms} ms (${rate}/s), ${r.accepted} accepted, ${r.rejected} rejected`);
    }
    assert.equal(reports.length, 4);
  });
});
