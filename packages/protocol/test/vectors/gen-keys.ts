/**
 * Vector generator for channel epoch keys: seal.json (the sealing primitive), epoch-bundle.json and
 * key-share.json (frames and opening), epoch-rotation.json (bundles and shares judged against a
 * replayed log, and the lowest-id tie-break). Deterministic: seeded keys, fixed times.
 *
 *   node test/vectors/gen-keys.ts --write     (from packages/protocol) writes the four files
 */
import { writeFileSync } from 'node:fs';
import { concat, toHex } from '../../src/bytes.ts';
import { type CborMap, type CborValue, encodeCbor } from '../../src/codec/cbor.ts';
import type { ObjectTypeName } from '../../src/codec/object-type.ts';
import { buildFrame, parseFrame, type Signed, signingInput } from '../../src/codec/signed.ts';
import { isProtocolError } from '../../src/errors.ts';
import { createEpochBundle, type EpochBundle, epochBundleCodec, openEpochBundle, openEpochBundleFrame } from '../../src/keys/epoch-bundle.ts';
import { createKeyShare, type KeyShare, keyShareCodec, openKeyShare, openKeyShareFrame } from '../../src/keys/key-share.ts';
import { keyIdOf, openSealedKey, sealContext, sealKey } from '../../src/keys/seal.ts';
import { crypto, seededRandom } from '../helpers.ts';
import { cast, type MessageRoom } from '../message-fixture.ts';
import { type Member, member } from '../room-fixture.ts';
import { type Reader, rotationJson, runFrames } from './run-message-scenario.ts';
import { serialize } from './serialize.ts';
import type { InvalidVector, JsonValue, ValidVector, VectorFile } from './vector-file.ts';

// Reset by generate(), so every run (and a second run in one process) yields the same bytes.
let rnd = seededRandom('vectors:keys');
const ephemeral = () => {
  const secret = rnd(32);
  return { secret, publicKey: crypto.x25519PublicKey(secret) };
};
const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(member) as [Member, Member, Member, Member];
const readerOf = (m: Member): Reader => ({ device: toHex(m.device.sign.publicKey), boxSecret: toHex(m.device.box.secret) });
const boxOf = (m: Member) => m.device.box;
/** Box secrets of every test device, so a checker can open what is sealed to each. */
const devicesJson = (ms: Member[]): { [k: string]: JsonValue } =>
  Object.fromEntries(ms.map((m) => [toHex(m.device.sign.publicKey), toHex(m.device.box.secret)]));

const errorOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return e.code;
  }
};
const invalidCase = (file: string, name: string, bytes: Uint8Array, error: string, note: string, check: (b: Uint8Array) => unknown): InvalidVector => {
  const got = errorOf(() => check(bytes));
  if (got !== error) throw new Error(`${file}/${name}: expected ${error}, code says ${got}`);
  return { name, hex: toHex(bytes), error, note };
};
const signRaw = (type: ObjectTypeName, map: CborMap, secret: Uint8Array): Uint8Array => {
  const payload = encodeCbor(map);
  return buildFrame(type, payload, crypto.ed25519Sign(secret, signingInput(type, payload)));
};

// ---- seal.json: hex = ephemeral public (32) || context (96) || sealed (48) ----

export const checkSeal = (b: Uint8Array, boxSecret: Uint8Array): { [k: string]: JsonValue } => {
  const box = { secret: boxSecret, publicKey: crypto.x25519PublicKey(boxSecret) };
  const ctx = b.subarray(32, 128);
  const key = openSealedKey(b.subarray(128), b.subarray(0, 32), box, ctx, crypto, ctx.subarray(56, 64));
  return { key: toHex(key) };
};

const sealFile = (): VectorFile => {
  const room = rnd(32);
  const channel = rnd(16);
  const make = (key: Uint8Array, epoch: number, eph = ephemeral(), keyIdForCtx = keyIdOf(key, crypto)) => {
    const ctx = sealContext(room, channel, epoch, keyIdForCtx, bob.device.sign.publicKey);
    return concat(eph.publicKey, ctx, sealKey(key, eph, bob.device.box.publicKey, ctx, crypto));
  };
  const k1 = rnd(32);
  const k2 = rnd(32);
  const valid: ValidVector[] = [
    ['epoch 0 key', make(k1, 0)],
    ['epoch 2^40 key', make(k2, 2 ** 40)],
  ].map(([name, b]) => ({ name: name as string, hex: toHex(b as Uint8Array), expect: checkSeal(b as Uint8Array, bob.device.box.secret) }));
  const good = make(k1, 0);
  const flip = (b: Uint8Array, i: number) => Uint8Array.from(b, (x, j) => (j === i ? x ^ 1 : x));
  const check = (b: Uint8Array) => checkSeal(b, bob.device.box.secret);
  const invalid: InvalidVector[] = [
    invalidCase('seal.json', 'tag altered', flip(good, good.length - 1), 'ERR_DECRYPT', 'the Poly1305 tag must verify', check),
    invalidCase(
      'seal.json',
      'context epoch changed',
      flip(good, 32 + 55),
      'ERR_DECRYPT',
      'the context (room, channel, epoch, key id, device) is bound by HKDF info',
      check,
    ),
    invalidCase('seal.json', 'sealed to another device key', flip(good, 32 + 64), 'ERR_DECRYPT', 'the recipient device key is part of the context', check),
    invalidCase(
      'seal.json',
      'low-order ephemeral key',
      concat(new Uint8Array(32), good.subarray(32)),
      'ERR_DECRYPT',
      'X25519 with a low-order point is refused',
      check,
    ),
    invalidCase('seal.json', 'sealed key truncated', good.subarray(0, good.length - 1), 'ERR_DECRYPT', 'a sealed key is exactly 48 bytes', check),
    invalidCase(
      'seal.json',
      'key does not hash to the key id',
      make(k1, 0, ephemeral(), keyIdOf(k2, crypto)),
      'ERR_DECRYPT',
      'the opened key must hash to the key id in the context',
      check,
    ),
  ];
  return {
    type: 'SEAL',
    description:
      'Epoch-key seals. hex = ephemeral X25519 public (32) || context (96: room 32, channel 16, u64be epoch, key id 8, recipient device 32) || sealed (48). Open with openSealedKey(sealed, ephemeral, box keypair of context.boxSecret, context, crypto, context[56..64]).',
    context: { boxSecret: toHex(bob.device.box.secret) },
    valid,
    invalid,
  } as VectorFile;
};

// ---- epoch-bundle.json and key-share.json: frames and opening ----

export const expectBundle = (b: EpochBundle, devices: { [k: string]: JsonValue }): { [k: string]: JsonValue } => ({
  a: toHex(b.publisher),
  u: toHex(b.account),
  r: toHex(b.room),
  c: toHex(b.channel),
  e: b.epoch,
  t: toHex(b.trigger),
  k: toHex(b.keyId),
  w: toHex(b.ephemeral),
  s: b.recipients.map((r) => toHex(r.device)),
  keys: b.recipients.map((r) => {
    const secret = Uint8Array.from(Buffer.from(devices[toHex(r.device)] as string, 'hex'));
    const key = openEpochBundle(b, r.device, { secret, publicKey: crypto.x25519PublicKey(secret) }, crypto);
    return key === undefined ? null : toHex(key);
  }),
});

export const expectShare = (s: KeyShare, recipientBoxSecret: Uint8Array): { [k: string]: JsonValue } => ({
  a: toHex(s.sender),
  u: toHex(s.account),
  r: toHex(s.room),
  d: toHex(s.recipient),
  w: toHex(s.ephemeral),
  ks: openKeyShare(s, { secret: recipientBoxSecret, publicKey: crypto.x25519PublicKey(recipientBoxSecret) }, crypto).map((k) => [
    toHex(k.channel),
    k.epoch,
    toHex(k.keyId),
    toHex(k.key),
  ]),
});

const bundleRoom = (): MessageRoom => cast('vectors-keys').room;

const bundleFile = (): VectorFile => {
  const room = bundleRoom();
  const devices = devicesJson([alice, bob, carol]);
  const check = (b: Uint8Array) => expectBundle(openEpochBundleFrame(b, crypto).body, devices);
  const b0 = room.bundles[0] as Signed<EpochBundle>;
  const one = createEpochBundle(
    { ...b0.body, epochKey: rnd(32), recipients: [{ device: bob.device.sign.publicKey, boxKey: bob.device.box.publicKey }] },
    alice.device.sign,
    ephemeral(),
    crypto,
  );
  const valid: ValidVector[] = [
    ['epoch 0 sealed to three devices', b0],
    ['one recipient', one],
  ].map(([name, s]) => ({
    name: name as string,
    hex: toHex((s as Signed<EpochBundle>).bytes),
    id: toHex((s as Signed<EpochBundle>).id),
    expect: check((s as Signed<EpochBundle>).bytes),
  }));
  const w = epochBundleCodec.write(b0.body);
  const rows = w.s as CborValue[][];
  const sk = alice.device.sign.secret;
  const bad = (name: string, map: CborMap, error: string, note: string) =>
    invalidCase('epoch-bundle.json', name, signRaw('EPOCH_BUNDLE', map, sk), error, note, check);
  const payload = parseFrame(b0.bytes).payload;
  const invalid: InvalidVector[] = [
    bad('no recipients', { ...w, s: [] }, 'ERR_FIELD', 's has at least one row'),
    bad('recipients not ascending', { ...w, s: [...rows].reverse() }, 'ERR_FIELD', 's is strictly ascending by device key'),
    bad(
      'duplicate recipient',
      { ...w, s: [rows[0] as CborValue[], rows[0] as CborValue[]] },
      'ERR_FIELD',
      's is strictly ascending by device key (no duplicates)',
    ),
    bad('sealed key of 47 bytes', { ...w, s: [[(rows[0] as CborValue[])[0] as Uint8Array, new Uint8Array(47)]] }, 'ERR_FIELD', 'a sealed key is 48 bytes'),
    bad('row of three items', { ...w, s: [[...(rows[0] as CborValue[]), 1]] }, 'ERR_LIMIT', 'a row is [device, sealed]'),
    bad('short key id', { ...w, k: new Uint8Array(7) }, 'ERR_FIELD', 'k is 8 bytes'),
    bad('unknown field', { ...w, z: 0 }, 'ERR_FIELD', 'unknown payload keys are rejected'),
    bad('missing trigger', Object.fromEntries(Object.entries(w).filter(([k]) => k !== 't')), 'ERR_FIELD', 't is required'),
    invalidCase(
      'epoch-bundle.json',
      'forged signature',
      buildFrame('EPOCH_BUNDLE', payload, new Uint8Array(64)),
      'ERR_SIGNATURE',
      'signature must verify under a',
      check,
    ),
    invalidCase(
      'epoch-bundle.json',
      'signature lifted from ENVELOPE',
      buildFrame('EPOCH_BUNDLE', payload, crypto.ed25519Sign(sk, signingInput('ENVELOPE', payload))),
      'ERR_SIGNATURE',
      'THREATS 2: domain "parley/v1/EPOCH_BUNDLE\\0"',
      check,
    ),
  ];
  return {
    type: 'EPOCH_BUNDLE',
    description:
      'EPOCH_BUNDLE frames opened with openEpochBundleFrame(bytes, crypto); expect.keys[i] is what recipient s[i] opens with its box secret from context.devices (openEpochBundle). Authority rules: epoch-rotation.json.',
    context: { devices },
    valid,
    invalid,
  } as VectorFile;
};

const shareFile = (): VectorFile => {
  const room = bundleRoom();
  const k0 = room.keys[0] as Uint8Array;
  const make = (keys: { channel: Uint8Array; epoch: number; key: Uint8Array }[]) =>
    createKeyShare(
      { account: alice.key, room: room.room.roomId, recipient: { device: dave.device.sign.publicKey, boxKey: dave.device.box.publicKey }, keys },
      alice.device.sign,
      ephemeral(),
      crypto,
    );
  const s1 = make([{ channel: room.channel, epoch: 0, key: k0 }]);
  const s2 = make([
    { channel: room.channel, epoch: 0, key: k0 },
    { channel: room.channel, epoch: 1, key: rnd(32) },
    { channel: new Uint8Array(16).fill(0xee), epoch: 0, key: rnd(32) },
  ]);
  const check = (b: Uint8Array) => expectShare(openKeyShareFrame(b, crypto).body, dave.device.box.secret);
  const valid: ValidVector[] = [
    ['one key', s1],
    ['three keys over two channels', s2],
  ].map(([name, s]) => ({
    name: name as string,
    hex: toHex((s as Signed<KeyShare>).bytes),
    id: toHex((s as Signed<KeyShare>).id),
    expect: check((s as Signed<KeyShare>).bytes),
  }));
  const w = keyShareCodec.write(s2.body);
  const rows = w.ks as CborValue[][];
  const sk = alice.device.sign.secret;
  const bad = (name: string, map: CborMap, error: string, note: string) =>
    invalidCase('key-share.json', name, signRaw('KEY_SHARE', map, sk), error, note, check);
  const invalid: InvalidVector[] = [
    bad('no keys', { ...w, ks: [] }, 'ERR_FIELD', 'ks has at least one row'),
    bad('rows not ascending', { ...w, ks: [...rows].reverse() }, 'ERR_FIELD', 'ks is strictly ascending by (channel, epoch, key id)'),
    bad('row of three items', { ...w, ks: [(rows[0] as CborValue[]).slice(0, 3)] }, 'ERR_FIELD', 'a row is [channel, epoch, key id, sealed]'),
    bad(
      'negative epoch',
      { ...w, ks: [[(rows[0] as CborValue[])[0] as Uint8Array, -1, (rows[0] as CborValue[])[2] as Uint8Array, (rows[0] as CborValue[])[3] as Uint8Array]] },
      'ERR_FIELD',
      'epoch is an unsigned integer',
    ),
    bad('sealed to another recipient', { ...w, d: bob.device.sign.publicKey }, 'ERR_DECRYPT', 'the recipient d is part of every seal context'),
    bad('unknown field', { ...w, z: 0 }, 'ERR_FIELD', 'unknown payload keys are rejected'),
    invalidCase(
      'key-share.json',
      'forged signature',
      buildFrame('KEY_SHARE', parseFrame(s1.bytes).payload, new Uint8Array(64)),
      'ERR_SIGNATURE',
      'signature must verify under a',
      check,
    ),
  ];
  return {
    type: 'KEY_SHARE',
    description:
      'KEY_SHARE frames opened with openKeyShareFrame(bytes, crypto) and openKeyShare(body, box keypair of context.recipientBoxSecret, crypto); expect.ks rows are [channel, epoch, key id, key]. Authority rules: epoch-rotation.json.',
    context: { recipientBoxSecret: toHex(dave.device.box.secret) },
    valid,
    invalid,
  } as VectorFile;
};

// ---- epoch-rotation.json: authority rules and the tie-break ----

const rotationFile = (): VectorFile => {
  const reader = readerOf(carol);
  const out: (ValidVector | InvalidVector)[] = [];
  const scenario = (name: string, room: MessageRoom, last: Signed<unknown>[], error?: string, note = '') => {
    const frames = [...room.room.entries, ...room.bundles, ...last].map((x) => toHex(x.bytes));
    const o = runFrames(frames, reader, crypto);
    const own = o.rejected.find((r) => r.index === frames.length - 1)?.error;
    const others = o.rejected.filter((r) => r.index !== frames.length - 1);
    if (others.length > 0 || own !== error) throw new Error(`epoch-rotation.json/${name}: rejected ${JSON.stringify(o.rejected)}, wanted ${error}`);
    out.push(error === undefined ? { name, frames, expect: rotationJson(o) } : { name, frames, error, note });
  };
  const banned = () => {
    const { room } = cast('vectors-rotation');
    room.room.ban(alice, bob);
    return room;
  };
  const to = (room: MessageRoom, by: Member, epoch: number, ms: Member[], trigger?: Uint8Array) => {
    const trig = room.state.epochTrigger(room.channel, Math.min(epoch, 1));
    return createEpochBundle(
      {
        account: by.key,
        room: room.room.roomId,
        channel: room.channel,
        epoch,
        trigger: trigger ?? (trig?.entryId as Uint8Array),
        epochKey: rnd(32),
        recipients: ms.map((m) => ({ device: m.device.sign.publicKey, boxKey: boxOf(m).publicKey })),
      },
      by.device.sign,
      ephemeral(),
      crypto,
    );
  };
  let room = banned();
  scenario('two concurrent rotations after a ban: the lowest id is canonical', room, [to(room, alice, 1, [alice, carol]), to(room, carol, 1, [alice, carol])]);
  room = banned();
  scenario(
    'bundle sealed to a non-member',
    room,
    [to(room, carol, 1, [alice, carol, member('stranger')])],
    'ERR_UNAUTHORIZED',
    'THREATS 16: every recipient must be a reader at the trigger',
  );
  room = banned();
  scenario(
    'bundle sealed to the banned member',
    room,
    [to(room, carol, 1, [alice, bob, carol])],
    'ERR_UNAUTHORIZED',
    'THREATS 16: the banned member is no reader at the BAN',
  );
  room = banned();
  scenario(
    'rotation published by the banned member',
    room,
    [to(room, bob, 1, [alice, carol])],
    'ERR_UNAUTHORIZED',
    'publisher must READ c (or hold MANAGE_KEYS) at the trigger',
  );
  room = banned();
  const trig0 = room.state.epochTrigger(room.channel, 0)?.entryId as Uint8Array;
  scenario('bundle naming the wrong trigger', room, [to(room, carol, 1, [alice, carol], trig0)], 'ERR_FIELD', 't must be the entry that started epoch e');
  room = banned();
  scenario(
    'bundle for an epoch not started',
    room,
    [to(room, carol, 2, [alice, carol])],
    'ERR_UNKNOWN_REFERENCE',
    'epoch e has no trigger yet: hold and retry',
  );
  room = banned();
  room.room.join(dave);
  const share = (from: Member, d: Member) =>
    createKeyShare(
      {
        account: from.key,
        room: room.room.roomId,
        recipient: { device: d.device.sign.publicKey, boxKey: boxOf(d).publicKey },
        keys: [{ channel: room.channel, epoch: 0, key: room.keys[0] as Uint8Array }],
      },
      from.device.sign,
      ephemeral(),
      crypto,
    );
  scenario('key share to a banned member', room, [share(carol, bob)], 'ERR_UNAUTHORIZED', 'the recipient account must READ c now');
  scenario('key share from a banned member', room, [share(bob, dave)], 'ERR_UNAUTHORIZED', 'the sender account must READ c now');
  scenario('key share of a past epoch to a new member (history visible)', room, [share(carol, dave)]);
  return {
    type: 'EPOCH_KEYS_AUTHORITY',
    description:
      'EPOCH_BUNDLE and KEY_SHARE frames judged against a replayed log (replay AUTHORITY_ENTRY frames, then verify the others in order; the reader context.reader ingests what is sealed to it). Valid: expect.accepted bundle ids, expect.canonical per "channel/epoch" = the lowest-id valid bundle and its key id, expect.readerKeys. Invalid: the last frame fails with error.',
    context: { reader },
    valid: out.filter((c): c is ValidVector => !('error' in c)),
    invalid: out.filter((c): c is InvalidVector => 'error' in c),
  } as VectorFile;
};

export const generate = (): Record<string, VectorFile> => {
  rnd = seededRandom('vectors:keys');
  return { 'seal.json': sealFile(), 'epoch-bundle.json': bundleFile(), 'key-share.json': shareFile(), 'epoch-rotation.json': rotationFile() };
};

if (import.meta.main && process.argv.includes('--write')) {
  for (const [name, file] of Object.entries(generate())) {
    writeFileSync(new URL(name, import.meta.url), serialize(file));
    console.log(`wrote ${name}`);
  }
}
