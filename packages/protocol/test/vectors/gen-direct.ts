/**
 * Vector generator for direct messages (PROTOCOL 13): direct-envelope.json (direct-form envelopes,
 * opened and decrypted by a recipient device whose box secret the case carries) and
 * ratchet-state.json (persisted sessions). Deterministic: seeded keys and randomness, fixed times.
 */
import { toHex } from '../../src/bytes.ts';
import { type CborMap, decodeCanonicalMap, encodeCbor } from '../../src/codec/cbor.ts';
import { buildFrame, signingInput } from '../../src/codec/signed.ts';
import { decodeDirectBox } from '../../src/direct/direct-box.ts';
import { openDirectEnvelope } from '../../src/direct/direct-envelope.ts';
import { encodeRatchetState } from '../../src/direct/ratchet-state-codec.ts';
import { isProtocolError } from '../../src/errors.ts';
import { envelopeCodec, openEnvelope } from '../../src/message/envelope.ts';
import { type Device, directCast } from '../direct-fixture.ts';
import { crypto, seededRandom } from '../helpers.ts';
import type { InvalidVector, ValidVector, VectorFile } from './vector-file.ts';

/** What a checker needs to read a case: the reader device, its box secret, the sender's box key. */
export interface DirectReaderJson {
  readonly device: string;
  readonly boxSecret: string;
  readonly senderBox: string;
}

/** Opens a direct envelope frame as `reader` (no earlier session): what the vector checks run. */
export const readDirect = (bytes: Uint8Array, r: DirectReaderJson) => {
  const env = openEnvelope(bytes, crypto);
  const box = decodeDirectBox(env.body.ciphertext, 'envelope.x');
  const secret = Uint8Array.from(Buffer.from(r.boxSecret, 'hex'));
  const me = { device: Uint8Array.from(Buffer.from(r.device, 'hex')), box: { secret, publicKey: crypto.x25519PublicKey(secret) } };
  const opened = openDirectEnvelope(env.body, box, me, [], Uint8Array.from(Buffer.from(r.senderBox, 'hex')), seededRandom('vectors:direct:reader'), crypto);
  return { env, content: opened.content };
};

const readerJson = (reader: Device, sender: Device): DirectReaderJson => ({
  device: toHex(reader.keys.sign.publicKey),
  boxSecret: toHex(reader.keys.box.secret),
  senderBox: toHex(sender.keys.box.publicKey),
});

const errorOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return e.code;
  }
};

const resignMap = (map: CborMap, by: Device): Uint8Array => {
  const payload = encodeCbor(map);
  return buildFrame('ENVELOPE', payload, crypto.ed25519Sign(by.keys.sign.secret, signingInput('ENVELOPE', payload)));
};

export const generate = (): Record<string, VectorFile> => {
  const c = directCast('vectors');
  const { alice, alice2, bob } = c.devices;
  const first = c.dm(alice, bob.account, [{ device: bob.keys.sign.publicKey, state: c.start(alice, bob) }], 'Hello Bob\nsecond line');
  const self = c.dm(alice, alice.account, [{ device: alice2.keys.sign.publicKey, state: c.start(alice, alice2) }], 'Hello Bob\nsecond line', bob.account);
  const reader = readerJson(bob, alice);
  const valid: ValidVector[] = [
    {
      name: 'alice-to-bob',
      hex: toHex(first.envelope.bytes),
      id: toHex(first.envelope.id),
      expect: { reader: { ...reader }, text: 'Hello Bob\nsecond line', to: toHex(bob.account) },
    },
    {
      name: 'copy-for-alices-other-device',
      hex: toHex(self.envelope.bytes),
      id: toHex(self.envelope.id),
      expect: { reader: { ...readerJson(alice2, alice) }, text: 'Hello Bob\nsecond line', to: toHex(bob.account) },
    },
  ];
  const base = envelopeCodec.write(first.envelope.body);
  const bad = (name: string, bytes: Uint8Array, error: string, note: string): InvalidVector => {
    const got = errorOf(() => readDirect(bytes, reader));
    if (got !== error) throw new Error(`direct-envelope.json/${name}: expected ${error}, code says ${got}`);
    return { name, hex: toHex(bytes), error, note };
  };
  const tampered = first.envelope.bytes.slice();
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  const box = decodeCanonicalMap(first.envelope.body.ciphertext, 'box');
  const entry = (box.r as CborMap[])[0] as CborMap;
  const invalid: InvalidVector[] = [
    bad('epoch-not-zero', resignMap({ ...base, e: 1 }, alice), 'ERR_FIELD', 'a direct envelope has epoch 0'),
    bad('nonce-not-zero', resignMap({ ...base, n: new Uint8Array(24).fill(7) }, alice), 'ERR_FIELD', 'a direct envelope has an all-zero nonce'),
    bad('op-in-direct-form', resignMap({ ...base, o: 'edit', f: new Uint8Array(32) }, alice), 'ERR_FIELD', 'a direct envelope is a new message: no op'),
    bad('bad-signature', tampered, 'ERR_SIGNATURE', 'the last signature byte is flipped'),
    bad('moved-to-another-seq', resignMap({ ...base, s: (base.s as number) + 1 }, alice), 'ERR_DECRYPT', "the ciphertext is bound to its envelope's seq"),
    bad(
      'box-devices-not-ascending',
      resignMap(
        {
          ...base,
          x: encodeCbor({
            r: [
              { ...entry, d: new Uint8Array(32).fill(0xff) },
              { ...entry, d: new Uint8Array(32) },
            ],
          }),
        },
        alice,
      ),
      'ERR_FIELD',
      'box entries must be strictly ascending by device',
    ),
    bad('box-unknown-field', resignMap({ ...base, x: encodeCbor({ ...box, q: 1 }) }, alice), 'ERR_FIELD', 'the box has only the field r'),
  ];
  const states = [...first.states, ...self.states];
  const stateBytes = states.map(encodeRatchetState);
  const stateMap = decodeCanonicalMap(stateBytes[0] as Uint8Array, 'state');
  const ratchetState: VectorFile = {
    type: 'RATCHET_STATE',
    description: "Persisted ratchet sessions (PROTOCOL 13.5): the initiator's state after its first message, decoded with decodeRatchetState.",
    valid: states.map((s, i) => ({
      name: `initiator-state-${i}`,
      hex: toHex(stateBytes[i] as Uint8Array),
      expect: { session: toHex(s.session), sendCount: s.sendCount, peer: toHex(s.peer) },
    })),
    invalid: [
      { name: 'version-2', hex: toHex(encodeCbor({ ...stateMap, v: 2 })), error: 'ERR_FIELD', note: 'only version 1 is read' },
      { name: 'unknown-field', hex: toHex(encodeCbor({ ...stateMap, zz: 1 })), error: 'ERR_FIELD', note: 'no field outside the layout' },
      {
        name: 'public-key-mismatch',
        hex: toHex(encodeCbor({ ...stateMap, q: stateMap.r as Uint8Array })),
        error: 'ERR_FIELD',
        note: 'q must be the public key of s',
      },
      { name: 'short-root-key', hex: toHex(encodeCbor({ ...stateMap, r: new Uint8Array(31) })), error: 'ERR_FIELD', note: 'keys are 32 bytes' },
    ],
  };
  return {
    'direct-envelope.json': {
      type: 'ENVELOPE',
      description:
        'Direct-form envelopes (PROTOCOL 13.3): opened, box decoded and decrypted by the reader device in expect.reader (a new session: the first message). Invalid cases raise the error when read the same way.',
      valid,
      invalid,
    },
    'ratchet-state.json': ratchetState,
  };
};
