/**
 * Vector generator for message envelopes: envelope.json (frame + decryption), envelope-authority.json
 * (validation against a replayed log) and history.json (full pipeline to the visible history).
 * Deterministic: seeded keys and nonces, fixed times, deterministic Ed25519.
 *
 *   node test/vectors/gen-message.ts --write     (from packages/protocol) writes the three files
 *
 * Invalid frames are correctly signed over their bad payloads, so each breaks only the rule its note
 * names. Scenario cases: every frame but the last is accepted; an invalid case's last frame is
 * rejected with `error`. The generator runs the checks itself and refuses to emit a wrong vector.
 */
import { writeFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { toHex } from '../../src/bytes.ts';
import { type CborMap, type CborValue, encodeCbor } from '../../src/codec/cbor.ts';
import { buildFrame, parseFrame, type Signed, signingInput } from '../../src/codec/signed.ts';
import { isProtocolError } from '../../src/errors.ts';
import { keyIdOf } from '../../src/keys/seal.ts';
import type { Content } from '../../src/message/content.ts';
import { decryptEnvelope, type Envelope, envelopeAad, envelopeCodec, openEnvelope } from '../../src/message/envelope.ts';
import { crypto } from '../helpers.ts';
import { addDevice, cast, type MessageRoom } from '../message-fixture.ts';
import { type Member, member } from '../room-fixture.ts';
import { historyJson, historyOf, type Reader, runFrames } from './run-message-scenario.ts';
import { serialize } from './serialize.ts';
import type { InvalidVector, JsonValue, ValidVector, VectorFile } from './vector-file.ts';

const readerOf = (m: Member): Reader => ({ device: toHex(m.device.sign.publicKey), boxSecret: toHex(m.device.box.secret) });

/** The decoded fields and content a checker must report for a valid envelope. */
export const expectEnvelope = (e: Envelope, content: Content): { [k: string]: JsonValue } => {
  const c: { [k: string]: JsonValue } = {};
  if (content.text !== undefined) c.b = content.text;
  if (content.replyTo !== undefined) c.rt = toHex(content.replyTo);
  if (content.mentions !== undefined) c.m = content.mentions.map(toHex);
  if (content.emoji !== undefined) c.em = content.emoji;
  return {
    a: toHex(e.device),
    u: toHex(e.account),
    r: toHex(e.room),
    c: toHex(e.channel),
    s: e.seq,
    l: e.lamport,
    h: e.heads.map(toHex),
    e: e.epoch,
    k: toHex(e.keyId),
    n: toHex(e.nonce),
    x: toHex(e.ciphertext),
    o: e.op ?? null,
    f: e.target === undefined ? null : toHex(e.target),
    content: c,
  };
};

/** Opens and decrypts as the envelope.json checker does; returns the expectation or the error code. */
export const checkEnvelope = (hex: Uint8Array, key: Uint8Array): { id: string; expect: { [k: string]: JsonValue } } => {
  const s = openEnvelope(hex, crypto);
  return { id: toHex(s.id), expect: expectEnvelope(s.body, decryptEnvelope(s.body, key, crypto)) };
};

const errorOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return e.code;
  }
};

const signRaw = (map: CborMap, secret: Uint8Array, payload = encodeCbor(map)): Uint8Array =>
  buildFrame('ENVELOPE', payload, crypto.ed25519Sign(secret, signingInput('ENVELOPE', payload)));

const envelopeFile = (): VectorFile => {
  const { room } = cast('vectors-envelope');
  const key = room.keys[0] as Uint8Array;
  const m1 = room.send(bob, { text: 'Hello, Parley!' });
  const sends: [string, Signed<Envelope>][] = [
    ['new message', m1],
    ['reply with mentions and two lines', room.send(carol, { text: 'hi bob\nwelcome', replyTo: m1.id, mentions: [bob.key] })],
    ['edit', room.send(bob, { text: 'Hello, Parley! (edited)' }, { op: 'edit', target: m1.id })],
    ['delete', room.send(bob, {}, { op: 'delete', target: m1.id })],
    ['react', room.send(carol, { emoji: '🎉' }, { op: 'react', target: m1.id })],
    ['unreact', room.send(carol, { emoji: '🎉' }, { op: 'unreact', target: m1.id })],
  ];
  const valid: ValidVector[] = sends.map(([name, s]) => ({ name, hex: toHex(s.bytes), ...checkEnvelope(s.bytes, key) }));
  const w = envelopeCodec.write(m1.body);
  const sk = bob.device.sign.secret;
  const id32 = (n: number) => new Uint8Array(32).fill(n);
  /** Re-encrypts `plaintext` for m1's slot, so only the content rule breaks. */
  const withPlaintext = (plaintext: Uint8Array, over: Partial<Envelope> = {}) => {
    const b = { ...m1.body, ...over };
    return signRaw({ ...envelopeCodec.write(b), x: xchacha20poly1305(key, b.nonce, envelopeAad(b, crypto)).encrypt(plaintext) }, sk);
  };
  const payload = parseFrame(m1.bytes).payload;
  const nonCanonical = (() => {
    // The same map with its first two entries (a: 32-byte key, c: 16-byte id) swapped: keys out of order.
    const a = payload.subarray(1, 1 + 2 + 2 + 32);
    const c = payload.subarray(1 + a.length, 1 + a.length + 2 + 1 + 16);
    const p = new Uint8Array(payload.length);
    p.set(payload.subarray(0, 1));
    p.set(c, 1);
    p.set(a, 1 + c.length);
    p.set(payload.subarray(1 + a.length + c.length), 1 + a.length + c.length);
    return signRaw({}, sk, p);
  })();
  const cases: [string, Uint8Array, string, string][] = [
    ['seq zero', signRaw({ ...w, s: 0 }, sk), 'ERR_FIELD', 's must be at least 1'],
    ['lamport zero', signRaw({ ...w, l: 0 }, sk), 'ERR_FIELD', 'l must be at least 1'],
    ['no heads', signRaw({ ...w, h: [] }, sk), 'ERR_FIELD', 'h needs at least one authority head'],
    ['heads not ascending', signRaw({ ...w, h: [id32(2), id32(1)] }, sk), 'ERR_FIELD', 'h must be strictly ascending'],
    ['17 heads', signRaw({ ...w, h: Array.from({ length: 17 }, (_, i) => id32(i)) }, sk), 'ERR_LIMIT', 'h holds at most LIMITS.maxAuthHeads (16)'],
    ['op without target', signRaw({ ...w, o: 'edit' }, sk), 'ERR_FIELD', 'f is required exactly when o is present'],
    ['target without op', signRaw({ ...w, f: id32(3) }, sk), 'ERR_FIELD', 'f is required exactly when o is present'],
    ['unknown op', signRaw({ ...w, o: 'pin', f: id32(3) }, sk), 'ERR_FIELD', "o is one of 'edit'|'delete'|'react'|'unreact'"],
    ['unknown field', signRaw({ ...w, z: 1 }, sk), 'ERR_FIELD', 'unknown payload keys are rejected'],
    ['short key id', signRaw({ ...w, k: new Uint8Array(7) }, sk), 'ERR_FIELD', 'k is 8 bytes'],
    ['short nonce', signRaw({ ...w, n: new Uint8Array(12) }, sk), 'ERR_FIELD', 'n is 24 bytes (XChaCha20)'],
    ['32-byte channel id', signRaw({ ...w, c: id32(4) }, sk), 'ERR_FIELD', 'c is 16 bytes'],
    ['map keys out of order', nonCanonical, 'ERR_NON_CANONICAL', 'payload must be the one canonical DAG-CBOR encoding (keys sorted)'],
    ['forged signature', buildFrame('ENVELOPE', payload, new Uint8Array(64)), 'ERR_SIGNATURE', 'THREATS 1: signature must verify under a'],
    [
      'signature lifted from AUTHORITY_ENTRY',
      buildFrame('ENVELOPE', payload, crypto.ed25519Sign(sk, signingInput('AUTHORITY_ENTRY', payload))),
      'ERR_SIGNATURE',
      'THREATS 2: the signed string starts with "parley/v1/ENVELOPE\\0"',
    ],
    ['signed by another key', signRaw(w as CborMap, carol.device.sign.secret), 'ERR_SIGNATURE', 'the signer is field a'],
    [
      'envelope under the EPOCH_BUNDLE type byte',
      buildFrame('EPOCH_BUNDLE', payload, parseFrame(m1.bytes).signature),
      'ERR_WRONG_TYPE',
      'frame type must be 0x20',
    ],
    [
      'ciphertext altered',
      signRaw({ ...w, x: Uint8Array.from(m1.body.ciphertext, (b, i) => (i === 0 ? b ^ 1 : b)) }, sk),
      'ERR_DECRYPT',
      'AEAD tag must verify',
    ],
    ['key id of another key', signRaw({ ...w, k: keyIdOf(new Uint8Array(32), crypto) }, sk), 'ERR_DECRYPT', 'k must be the key id of the key used'],
    ['ciphertext moved to seq 2', signRaw({ ...w, s: 2 }, sk), 'ERR_DECRYPT', 'AAD binds r, c, e, a and s'],
    [
      'content keys out of order',
      withPlaintext(Uint8Array.of(0xa2, 0x61, 0x6d, 0x81, 0x58, 0x20, ...id32(6), 0x61, 0x62, 0x61, 0x78)),
      'ERR_NON_CANONICAL',
      'content is canonical CBOR (keys sorted)',
    ],
    ['text in a reaction', withPlaintext(encodeCbor({ b: 'hi' }), { op: 'react', target: id32(5) }), 'ERR_FIELD', 'react content is exactly { em }'],
    ['empty text', withPlaintext(encodeCbor({ b: '' })), 'ERR_FIELD', 'b must not be empty'],
    ['control character in text', withPlaintext(encodeCbor({ b: 'ding\u0007' })), 'ERR_FIELD', 'b allows newline and tab, no other control characters'],
    ['emoji over 64 bytes', withPlaintext(encodeCbor({ em: '😀'.repeat(17) }), { op: 'react', target: id32(5) }), 'ERR_LIMIT', 'em is at most 64 UTF-8 bytes'],
    ['mentions not ascending', withPlaintext(encodeCbor({ b: 'x', m: [id32(9), id32(8)] as CborValue[] })), 'ERR_FIELD', 'm is strictly ascending'],
  ];
  const invalid: InvalidVector[] = cases.map(([name, bytes, error, note]) => {
    const got = errorOf(() => checkEnvelope(bytes, key));
    if (got !== error) throw new Error(`envelope.json/${name}: expected ${error}, code says ${got}`);
    return { name, hex: toHex(bytes), error, note };
  });
  return {
    type: 'ENVELOPE',
    description:
      'ENVELOPE frames opened with openEnvelope(bytes, crypto) and decrypted with decryptEnvelope(body, context.key, crypto). expect holds every payload field (o, f null when absent) and the decrypted content map.',
    context: { key: toHex(key) },
    valid,
    invalid,
  } as VectorFile;
};

// ---- scenarios ----

interface Scenario {
  readonly room: MessageRoom;
  readonly extra: Signed<unknown>[];
}
const framesOf = (s: Scenario, last: Signed<unknown>[] = []): string[] =>
  [...s.room.room.entries, ...s.room.bundles, ...s.extra, ...last].map((x) => toHex(x.bytes));

/** Builds one scenario case: valid iff `error` is undefined; checks the code agrees. */
const scenarioCase = (
  name: string,
  frames: string[],
  reader: Reader,
  error: string | undefined,
  note: string,
  expect: (o: ReturnType<typeof runFrames>) => { [k: string]: JsonValue },
): ValidVector | InvalidVector => {
  const o = runFrames(frames, reader, crypto);
  const last = frames.length - 1;
  const others = o.rejected.filter((r) => r.index !== last);
  if (others.length > 0) throw new Error(`${name}: frames ${others.map((r) => `${r.index}:${r.error}`).join(', ')} rejected`);
  const own = o.rejected.find((r) => r.index === last)?.error;
  if (own !== error) throw new Error(`${name}: expected ${error ?? 'valid'}, code says ${own ?? 'valid'}`);
  return error === undefined ? { name, frames, expect: expect(o) } : { name, frames, error, note };
};

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(member) as [Member, Member, Member];

const authorityFile = (): VectorFile => {
  const reader = readerOf(carol);
  const base = () => cast('vectors-authority').room;
  const out: (ValidVector | InvalidVector)[] = [];
  const add = (name: string, room: MessageRoom, env: Signed<Envelope>, error?: string, note = '') =>
    out.push(scenarioCase(name, framesOf({ room, extra: [] }, [env]), reader, error, note, (o) => ({ position: o.envelopes.at(-1)?.position ?? -1 })));

  let r = base();
  add('member message', r, r.send(bob, { text: 'hi' }));
  r = base();
  add(
    'owner signing with the account key itself',
    r,
    (() => {
      const self = { ...alice, device: { sign: alice.account, box: alice.device.box } };
      return r.send(self, { text: 'from the account key' });
    })(),
  );
  r = base();
  add(
    'device certified for another account',
    r,
    r.send(bob, { text: 'I am alice' }, { account: alice.key }),
    'ERR_UNAUTHORIZED',
    'THREATS 3: a must be u or a device certified for u',
  );
  r = base();
  add('device never certified', r, r.send(member('stranger'), { text: 'hello' }), 'ERR_UNAUTHORIZED', 'a must be certified in the room');
  r = base();
  add('wrong epoch', r, r.send(bob, { text: 'x' }, { epoch: 1, key: r.keys[0] }), 'ERR_FIELD', 'e must equal the channel epoch at p');
  r = base();
  add(
    'unknown authority head',
    r,
    r.send(bob, { text: 'x' }, { heads: [new Uint8Array(32).fill(7)] }),
    'ERR_UNKNOWN_REFERENCE',
    'every head must be known; hold and retry',
  );
  r = base();
  r.room.do(alice, { kind: 'mute', target: bob.key, cutoffs: [] });
  add('muted member', r, r.send(bob, { text: 'x' }), 'ERR_UNAUTHORIZED', 'u must hold SEND in c at p');
  // Ban with a channel cut-off at seq 1: seq 1 stays valid, a backdated seq 2 is cut off.
  const banned = (): { room: MessageRoom; before: Uint8Array[]; first: Signed<Envelope> } => {
    const room = base();
    const before = room.state.heads();
    const first = room.send(bob, { text: 'before the ban' });
    room.room.ban(alice, bob, [{ device: bob.device.sign.publicKey, stream: room.channel, seq: 1 }]);
    room.publishEpoch(alice, 1);
    return { room, before, first };
  };
  let b = banned();
  add('message at or below the ban cut-off stays valid', b.room, b.first);
  b = banned();
  add(
    'banned device backdating under the stale epoch',
    b.room,
    b.room.send(bob, { text: 'backdated' }, { heads: b.before, epoch: 0, seq: 2 }),
    'ERR_CUTOFF',
    'THREATS 9/18: s above the BAN cut-off, causally before the ban',
  );
  b = banned();
  add('banned member with current heads', b.room, b.room.send(bob, { text: 'after' }, { seq: 2 }), 'ERR_UNAUTHORIZED', 'a banned account holds no SEND');
  // A revoked second device: valid up to its cut-off, cut off above it, refused after the revocation.
  const revoked = () => {
    const room = base();
    const phone = addDevice(room, bob, 'phone');
    const before = room.state.heads();
    const first = room.send(phone, { text: 'from the phone' });
    room.room.do(bob, {
      kind: 'revoke_device',
      device: phone.device.sign.publicKey,
      cutoffs: [{ device: phone.device.sign.publicKey, stream: room.channel, seq: 1 }],
    });
    room.publishEpoch(bob, room.currentEpoch());
    return { room, phone, before, first };
  };
  let v = revoked();
  add('revoked device below its cut-off', v.room, v.first);
  v = revoked();
  add(
    'revoked device above its cut-off',
    v.room,
    v.room.send(v.phone, { text: 'stolen' }, { heads: v.before, seq: 2 }),
    'ERR_CUTOFF',
    'THREATS 4: s above the REVOKE_DEVICE cut-off',
  );
  v = revoked();
  add(
    'revoked device after the revocation',
    v.room,
    v.room.send(v.phone, { text: 'stolen' }, { seq: 2 }),
    'ERR_UNAUTHORIZED',
    'a revoked device may not author at or after its revocation',
  );
  return {
    type: 'ENVELOPE_AUTHORITY',
    description:
      'Envelopes judged against a replayed authority log: replay every AUTHORITY_ENTRY frame, accept EPOCH_BUNDLE frames (context.reader ingests them), then verifyEnvelope(last frame, state). Valid: expect.position is the max position of its heads. Invalid: the last frame fails with error.',
    context: { reader },
    valid: out.filter((c): c is ValidVector => !('error' in c)),
    invalid: out.filter((c): c is InvalidVector => 'error' in c),
  } as VectorFile;
};

const historyFile = (): VectorFile => {
  const reader = readerOf(carol);
  const out: (ValidVector | InvalidVector)[] = [];
  const view = (o: ReturnType<typeof runFrames>, room: MessageRoom) => historyJson(historyOf(o, room.channel, crypto));
  const push = (name: string, room: MessageRoom, envs: Signed<Envelope>[], error?: string, note = '') =>
    out.push(scenarioCase(name, framesOf({ room, extra: envs.slice(0, -1) }, envs.slice(-1)), reader, error, note, (o) => view(o, room)));

  {
    const room = cast('vectors-history-1').room;
    const phone = addDevice(room, bob, 'phone');
    const m1 = room.send(bob, { text: 'first', mentions: [carol.key] });
    const m2 = room.send(carol, { text: 'reply', replyTo: m1.id });
    const m3 = room.send(alice, { text: 'to be deleted' });
    const eqA = room.send(carol, { text: 'equivocation A' }, { seq: 40 });
    const eqB = room.send(carol, { text: 'equivocation B' }, { seq: 40 });
    const envs = [
      room.send(phone, { text: 'first (edited on phone)' }, { op: 'edit', target: m1.id }),
      room.send(carol, { text: 'not my message' }, { op: 'edit', target: m1.id }),
      room.send(alice, {}, { op: 'delete', target: m3.id }),
      room.send(alice, { emoji: '👍' }, { op: 'react', target: m2.id }),
      room.send(bob, { emoji: '👍' }, { op: 'react', target: m2.id }),
      room.send(bob, { emoji: '👍' }, { op: 'unreact', target: m2.id }),
      eqB,
      m3,
      m2,
      eqA,
      m1,
    ];
    push('edits, deletes, reactions, equivocation (delivered out of order)', room, envs);
  }
  {
    const room = cast('vectors-history-2').room;
    const rude = room.send(bob, { text: 'rude' });
    const useful = room.send(carol, { text: 'useful' });
    room.room.do(alice, { kind: 'delete_message', channel: room.channel, message: rude.id, author: bob.key });
    room.room.do(alice, { kind: 'pin', channel: room.channel, message: useful.id, pinned: true });
    push('moderator delete and pin', room, [rude, useful]);
  }
  {
    const room = cast('vectors-history-3').room;
    const keep = room.send(carol, { text: 'keep' });
    const spam = room.send(bob, { text: 'spam' });
    const react = room.send(bob, { emoji: '💩' }, { op: 'react', target: keep.id });
    room.room.ban(alice, bob, [{ device: bob.device.sign.publicKey, stream: room.channel, seq: 2 }], true);
    room.publishEpoch(carol, 1);
    const after = room.send(carol, { text: 'new epoch' });
    push('ban with purge, then a rotation by a remaining member', room, [keep, spam, react, after]);
    const late = room.send(bob, { text: 'backdated spam' }, { heads: [room.room.entries[4]?.id as Uint8Array], epoch: 0, key: room.keys[0], seq: 3 });
    push(
      'a backdated message by the banned member is rejected',
      room,
      [keep, spam, react, after, late],
      'ERR_CUTOFF',
      'BAN cut-off: s above the seq the issuer had seen',
    );
  }
  {
    const room = cast('vectors-history-4').room;
    const m = room.send(bob, { text: 'sealed under a key carol never got' }, { key: new Uint8Array(32).fill(1) });
    push('a message the reader cannot decrypt stays in place without text', room, [room.send(alice, { text: 'readable' }), m]);
    push(
      'an edit with the wrong epoch is rejected',
      room,
      [m, room.send(bob, { text: 'x' }, { op: 'edit', target: m.id, epoch: 3, key: room.keys[0] })],
      'ERR_FIELD',
      'e must equal the channel epoch at p',
    );
  }
  return {
    type: 'HISTORY',
    description:
      'Full pipeline as the reader device context.reader sees it: replay AUTHORITY_ENTRY frames; verify EPOCH_BUNDLE / ENVELOPE frames in order; open bundles sealed to the reader; decrypt envelopes with its keyring; channelHistory(items, state, channel of the envelopes). expect is the view (ids hex, absent = null). Invalid: the last frame is rejected with error.',
    context: { reader },
    valid: out.filter((c): c is ValidVector => !('error' in c)),
    invalid: out.filter((c): c is InvalidVector => 'error' in c),
  } as VectorFile;
};

export const generate = (): Record<string, VectorFile> => ({
  'envelope.json': envelopeFile(),
  'envelope-authority.json': authorityFile(),
  'history.json': historyFile(),
});

if (import.meta.main && process.argv.includes('--write')) {
  for (const [name, file] of Object.entries(generate())) {
    writeFileSync(new URL(name, import.meta.url), serialize(file));
    console.log(`wrote ${name}`);
  }
}
