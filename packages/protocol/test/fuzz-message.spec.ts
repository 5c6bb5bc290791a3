/**
 * Fuzzes every decoder of the message and key layers: random bytes and mutations of valid seeds must
 * decode or throw a ProtocolError, never anything else. PARLEY_FUZZ_ITERATIONS sets the count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signed } from '../src/codec/signed.ts';
import { isProtocolError } from '../src/errors.ts';
import { openEpochBundle, openEpochBundleFrame, validateEpochBundle } from '../src/keys/epoch-bundle.ts';
import { createKeyShare, openKeyShare, openKeyShareFrame, validateKeyShare } from '../src/keys/key-share.ts';
import { decodeContent, ENVELOPE_OPS, type EnvelopeOp, encodeContent } from '../src/message/content.ts';
import { decryptEnvelope, type Envelope } from '../src/message/envelope.ts';
import { verifyEnvelope } from '../src/message/validate-envelope.ts';
import { type FuzzReport, fuzz } from './fuzz/harness.ts';
import { crypto, seededRandom } from './helpers.ts';
import { cast } from './message-fixture.ts';
import { member } from './room-fixture.ts';

const { alice, bob, carol, room } = cast('fuzz');
const rnd = seededRandom('fuzz-seeds');
const m1 = room.send(bob, { text: 'hello', mentions: [carol.key] });
const envelopes: Signed<Envelope>[] = [
  m1,
  room.send(carol, { text: 'a reply\nwith two lines', replyTo: m1.id }),
  room.send(bob, { text: 'edited' }, { op: 'edit', target: m1.id }),
  room.send(carol, { emoji: '👍' }, { op: 'react', target: m1.id }),
  room.send(bob, {}, { op: 'delete', target: m1.id }),
];
const key0 = room.keys[0] as Uint8Array;
const bundle = room.bundles[0];
assert.ok(bundle);
const dave = member('dave');
room.room.join(dave);
const esk = rnd(32);
const share = createKeyShare(
  {
    account: alice.key,
    room: room.room.roomId,
    recipient: { device: dave.device.sign.publicKey, boxKey: dave.device.box.publicKey },
    keys: [{ channel: room.channel, epoch: 0, key: key0 }],
  },
  alice.device.sign,
  { secret: esk, publicKey: crypto.x25519PublicKey(esk) },
  crypto,
);

const reports: FuzzReport[] = [];
const run = (name: string, seeds: Uint8Array[], decode: (b: Uint8Array) => unknown) => {
  it(name, () => {
    const r = fuzz({ name, seeds, decode });
    reports.push(r);
    assert.ok(r.inputs > 0);
  });
};

describe('fuzz: message and key decoders', () => {
  // open() (frame, CBOR, fields, signature) and then the authority checks: one target covers both.
  run(
    'ENVELOPE frame + verify path',
    envelopes.map((e) => e.bytes),
    (b) => verifyEnvelope(b, room.state, crypto),
  );
  const contentSeeds: [EnvelopeOp | undefined, Uint8Array][] = [
    [undefined, encodeContent({ text: 'hi there', replyTo: m1.id, mentions: [carol.key, bob.key] }, undefined)],
    ['edit', encodeContent({ text: 'changed' }, 'edit')],
    ['delete', encodeContent({}, 'delete')],
    ['react', encodeContent({ emoji: '🎉' }, 'react')],
  ];
  run(
    'content (every op)',
    contentSeeds.map(([, b]) => b),
    (b) => {
      // The same bytes under every op: each must accept or throw a protocol error. Accepted if
      // any op accepts; otherwise the last protocol error goes back to the harness.
      let last: unknown;
      let accepted = false;
      for (const op of [undefined, ...ENVELOPE_OPS]) {
        try {
          decodeContent(b, op);
          accepted = true;
        } catch (e) {
          if (!isProtocolError(e)) throw e;
          last = e;
        }
      }
      if (!accepted) throw last;
    },
  );
  run(
    'envelope decrypt (ciphertext)',
    envelopes.map((e) => e.body.ciphertext),
    (x) => decryptEnvelope({ ...(envelopes[0] as Signed<Envelope>).body, ciphertext: x }, key0, crypto),
  );
  run('EPOCH_BUNDLE frame + open + validate', [bundle.bytes], (b) => {
    const opened = openEpochBundleFrame(b, crypto);
    validateEpochBundle(opened, room.state);
    return openEpochBundle(opened.body, bob.device.sign.publicKey, bob.device.box, crypto);
  });
  run('KEY_SHARE frame + open + validate', [share.bytes], (b) => {
    const opened = openKeyShareFrame(b, crypto);
    validateKeyShare(opened, room.state);
    return openKeyShare(opened.body, dave.device.box, crypto);
  });

  it('reports throughput', () => {
    for (const r of reports) {
      const rate = Math.round((r.inputs * 1000) / Math.max(1, r.ms));
      console.log(`fuzz ${r.name}: ${r.inputs} inputs in ${r.ms} ms (${rate}/s), ${r.accepted} accepted, ${r.rejected} rejected`);
    }
    assert.equal(reports.length, 5);
  });
});
