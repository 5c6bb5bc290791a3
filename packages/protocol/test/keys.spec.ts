import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare, equals, toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { type ErrorCode, ProtocolError } from '../src/errors.ts';
import { createEpochBundle, type EpochBundle, openEpochBundle, validateEpochBundle, verifyEpochBundle } from '../src/keys/epoch-bundle.ts';
import { EpochKeyring, keysToShare, needsRotation, nextEpochToPublish, rotateChannelKey } from '../src/keys/epoch-keyring.ts';
import { createKeyShare, openKeyShare, validateKeyShare, verifyKeyShare } from '../src/keys/key-share.ts';
import { keyIdOf, openSealedKey, SEALED_KEY_BYTES, sealContext, sealKey } from '../src/keys/seal.ts';
import { decryptEnvelope } from '../src/message/envelope.ts';
import { verifyEnvelope } from '../src/message/validate-envelope.ts';
import { crypto, seededRandom } from './helpers.ts';
import { cast, type MessageRoom } from './message-fixture.ts';
import { type Member, member, OPEN_POLICY } from './room-fixture.ts';

const code = (c: ErrorCode) => (e: unknown) => e instanceof ProtocolError && e.code === c;
const rnd = seededRandom('keys-spec');
const ephemeral = () => {
  const secret = rnd(32);
  return { secret, publicKey: crypto.x25519PublicKey(secret) };
};

/** A bundle for `epoch` of the room's channel with explicit recipients, signed by `by`. */
const bundleTo = (room: MessageRoom, by: Member, epoch: number, recipients: Member[], key = rnd(32)): Signed<EpochBundle> => {
  const trig = room.state.epochTrigger(room.channel, epoch);
  assert.ok(trig);
  return createEpochBundle(
    {
      account: by.key,
      room: room.room.roomId,
      channel: room.channel,
      epoch,
      trigger: trig.entryId,
      epochKey: key,
      recipients: recipients.map((m) => ({ device: m.device.sign.publicKey, boxKey: m.device.box.publicKey })),
    },
    by.device.sign,
    ephemeral(),
    crypto,
  );
};

describe('sealing an epoch key', () => {
  const bob = member('bob');
  const key = rnd(32);
  const keyId = keyIdOf(key, crypto);
  const ctx = sealContext(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), 3, keyId, bob.device.sign.publicKey);

  it('round-trips on both ports and is 48 bytes', () => {
    const eph = ephemeral();
    const sealed = sealKey(key, eph, bob.device.box.publicKey, ctx, crypto);
    assert.equal(sealed.length, SEALED_KEY_BYTES);
    assert.deepEqual(openSealedKey(sealed, eph.publicKey, bob.device.box, ctx, crypto, keyId), key);
    assert.deepEqual(openSealedKey(sealed, eph.publicKey, bob.device.box, ctx, nobleCrypto, keyId), key);
    // Same inputs, same bytes: the nonce is derived, so sealing is deterministic.
    assert.deepEqual(sealKey(key, eph, bob.device.box.publicKey, ctx, nobleCrypto), sealed);
  });

  it('fails closed: wrong recipient, wrong context, low-order ephemeral, key id mismatch', () => {
    const eph = ephemeral();
    const sealed = sealKey(key, eph, bob.device.box.publicKey, ctx, crypto);
    const carol = member('carol');
    assert.throws(() => openSealedKey(sealed, eph.publicKey, carol.device.box, ctx, crypto), code('ERR_DECRYPT'));
    const other = ctx.slice();
    other[50] = (other[50] as number) ^ 1;
    assert.throws(() => openSealedKey(sealed, eph.publicKey, bob.device.box, other, crypto), code('ERR_DECRYPT'));
    for (const c of [crypto, nobleCrypto]) assert.throws(() => openSealedKey(sealed, new Uint8Array(32), bob.device.box, ctx, c), code('ERR_DECRYPT'));
    assert.throws(() => openSealedKey(sealed, eph.publicKey, bob.device.box, ctx, crypto, new Uint8Array(8)), code('ERR_DECRYPT'));
    assert.throws(() => openSealedKey(sealed.subarray(1), eph.publicKey, bob.device.box, ctx, crypto), code('ERR_DECRYPT'));
  });
});

describe('EPOCH_BUNDLE', () => {
  it('every reader opens the same key; others get nothing', () => {
    const { alice, bob, carol, room } = cast('bundle-basic');
    const b = room.bundles[0] as Signed<EpochBundle>;
    assert.doesNotThrow(() => verifyEpochBundle(b.bytes, room.state, crypto));
    for (const m of [alice, bob, carol]) assert.deepEqual(openEpochBundle(b.body, m.device.sign.publicKey, m.device.box, crypto), room.keys[0]);
    const dave = member('dave');
    assert.equal(openEpochBundle(b.body, dave.device.sign.publicKey, dave.device.box, crypto), undefined);
  });

  it('THREATS 16: a bundle sealed to ANY non-member is rejected whole', () => {
    const { alice, bob, carol, room } = cast('bundle-nonmember');
    const stranger = member('stranger');
    const b = bundleTo(room, alice, 0, [alice, bob, carol, stranger]);
    assert.throws(
      () => validateEpochBundle(b, room.state),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'bundle.s',
    );
    // After a ban, the banned member is a non-reader at the new trigger: sealing to him is refused too.
    room.room.ban(alice, bob);
    const toBanned = bundleTo(room, carol, 1, [alice, bob, carol]);
    assert.throws(() => validateEpochBundle(toBanned, room.state), code('ERR_UNAUTHORIZED'));
    assert.doesNotThrow(() => validateEpochBundle(bundleTo(room, carol, 1, [alice, carol]), room.state));
  });

  it('publisher must be a reader at the trigger (or hold MANAGE_KEYS); trigger and epoch must match', () => {
    const { alice, bob, carol, room } = cast('bundle-rules');
    room.room.ban(alice, bob);
    // The banned member cannot publish the epoch that excludes him.
    assert.throws(
      () => validateEpochBundle(bundleTo(room, bob, 1, [alice, carol]), room.state),
      (e: ProtocolError) => e.field === 'bundle.publisher',
    );
    const stranger = member('stranger');
    assert.throws(
      () => validateEpochBundle(bundleTo(room, stranger, 1, [alice, carol]), room.state),
      (e: ProtocolError) => e.field === 'bundle.a',
    );
    // A bundle naming epoch 0's trigger for epoch 1 (a stale, misapplied bundle).
    const trig0 = room.state.epochTrigger(room.channel, 0);
    assert.ok(trig0);
    const good = bundleTo(room, carol, 1, [alice, carol]);
    const misapplied = createEpochBundle(
      {
        ...good.body,
        trigger: trig0.entryId,
        epochKey: rnd(32),
        recipients: [alice, carol].map((m) => ({ device: m.device.sign.publicKey, boxKey: m.device.box.publicKey })),
      },
      carol.device.sign,
      ephemeral(),
      crypto,
    );
    assert.throws(
      () => validateEpochBundle(misapplied, room.state),
      (e: ProtocolError) => e.code === 'ERR_FIELD' && e.field === 'bundle.t',
    );
    const future = createEpochBundle(
      { ...good.body, epoch: 2, epochKey: rnd(32), recipients: [{ device: carol.device.sign.publicKey, boxKey: carol.device.box.publicKey }] },
      carol.device.sign,
      ephemeral(),
      crypto,
    );
    assert.throws(() => validateEpochBundle(future, room.state), code('ERR_UNKNOWN_REFERENCE'));
  });

  it('a split key (different keys to different recipients under one key id) does not open', () => {
    const { alice, bob, room } = cast('bundle-split');
    const honest = bundleTo(room, alice, 0, [alice, bob], room.keys[0]);
    // Re-seal Bob's row with another key but keep the bundle's key id.
    const eph = ephemeral();
    const ctx = sealContext(room.room.roomId, room.channel, 0, honest.body.keyId, bob.device.sign.publicKey);
    const evil = {
      ...honest.body,
      ephemeral: eph.publicKey,
      recipients: [{ device: bob.device.sign.publicKey, sealed: sealKey(rnd(32), eph, bob.device.box.publicKey, ctx, crypto) }],
    };
    assert.throws(() => openEpochBundle(evil, bob.device.sign.publicKey, bob.device.box, crypto), code('ERR_DECRYPT'));
  });

  it('skips recipients with a low-order box key instead of failing the rotation', () => {
    const { alice, bob, room } = cast('bundle-low-order');
    const trig = room.state.epochTrigger(room.channel, 0);
    assert.ok(trig);
    const b = createEpochBundle(
      {
        account: alice.key,
        room: room.room.roomId,
        channel: room.channel,
        epoch: 0,
        trigger: trig.entryId,
        epochKey: rnd(32),
        recipients: [
          { device: bob.device.sign.publicKey, boxKey: bob.device.box.publicKey },
          { device: new Uint8Array(32).fill(9), boxKey: new Uint8Array(32) },
        ],
      },
      alice.device.sign,
      ephemeral(),
      crypto,
    );
    assert.equal(b.body.recipients.length, 1);
  });
});

describe('rotation after a ban', () => {
  it('THREATS 10/17: concurrent rotations by two members converge on the lowest-id bundle; every key stays usable', () => {
    const { alice, bob, carol, room } = cast('rotation');
    room.room.ban(alice, bob);
    const rings = new Map<Member, EpochKeyring>();
    for (const m of [alice, carol]) {
      const ring = new EpochKeyring();
      for (const b of room.bundles) ring.ingestBundle(b, m.device.sign.publicKey, m.device.box, crypto);
      rings.set(m, ring);
    }
    const ringOf = (m: Member) => rings.get(m) as EpochKeyring;
    // Bob, banned, may not publish. Alice and Carol both may, and both do, concurrently.
    assert.deepEqual(
      nextEpochToPublish(room.state, ringOf(alice), alice.key).map((p) => p.epoch),
      [1],
    );
    assert.deepEqual(nextEpochToPublish(room.state, new EpochKeyring(), bob.key), []);
    const pending = nextEpochToPublish(room.state, ringOf(carol), carol.key)[0];
    assert.ok(pending);
    const ra = rotateChannelKey(room.state, pending, { account: alice.key, device: alice.device.sign }, seededRandom('alice-rot'), crypto);
    const rc = rotateChannelKey(room.state, pending, { account: carol.key, device: carol.device.sign }, seededRandom('carol-rot'), crypto);
    const all = [...ra.bundles, ...rc.bundles];
    for (const b of all) assert.doesNotThrow(() => verifyEpochBundle(b.bytes, room.state, crypto));
    ringOf(alice).add(ra.key);
    ringOf(carol).add(rc.key);
    // Each sees its own bundle first, then the other's.
    for (const b of ra.bundles) ringOf(alice).ingestBundle(b, alice.device.sign.publicKey, alice.device.box, crypto);
    for (const b of rc.bundles) ringOf(carol).ingestBundle(b, carol.device.sign.publicKey, carol.device.box, crypto);
    for (const b of rc.bundles) ringOf(alice).ingestBundle(b, alice.device.sign.publicKey, alice.device.box, crypto);
    for (const b of ra.bundles) ringOf(carol).ingestBundle(b, carol.device.sign.publicKey, carol.device.box, crypto);
    const lowest = [...all].sort((x, y) => compare(x.id, y.id))[0] as Signed<EpochBundle>;
    for (const m of [alice, carol]) {
      assert.deepEqual(ringOf(m).canonicalKeyId(room.channel, 1), lowest.body.keyId);
      assert.deepEqual(ringOf(m).sendingKey(room.channel, 1)?.keyId, lowest.body.keyId);
      assert.equal(ringOf(m).keysFor(room.channel, 1).length, 2);
      assert.equal(needsRotation(room.state, ringOf(m), room.channel), false);
      assert.deepEqual(nextEpochToPublish(room.state, ringOf(m), m.key), []);
    }
    // A message Alice sent under her own (losing) key before convergence still decrypts for Carol.
    const early = room.send(alice, { text: 'sent before convergence' }, { key: ra.key.key });
    const v = verifyEnvelope(early.bytes, room.state, crypto);
    const k = ringOf(carol).get(room.channel, 1, v.envelope.body.keyId);
    assert.ok(k);
    assert.equal(decryptEnvelope(v.envelope.body, k, crypto).text, 'sent before convergence');
  });

  it('THREATS 15: the banned member holds every old key but no new one', () => {
    const { alice, bob, carol, room } = cast('banned-reader');
    room.room.ban(alice, bob);
    const pending = nextEpochToPublish(
      room.state,
      (() => {
        const r = new EpochKeyring();
        r.add({ channel: room.channel, epoch: 0, keyId: keyIdOf(room.keys[0] as Uint8Array, crypto), key: room.keys[0] as Uint8Array });
        return r;
      })(),
      carol.key,
    )[0];
    assert.ok(pending);
    const rot = rotateChannelKey(room.state, pending, { account: carol.key, device: carol.device.sign }, seededRandom('r'), crypto);
    for (const b of rot.bundles) assert.equal(openEpochBundle(b.body, bob.device.sign.publicKey, bob.device.box, crypto), undefined);
    const msg = room.send(carol, { text: 'bob is gone' }, { key: rot.key.key });
    assert.throws(() => decryptEnvelope(msg.body, room.keys[0] as Uint8Array, crypto), code('ERR_DECRYPT'));
  });

  it('a member holding no earlier key is not offered to publish', () => {
    const { alice, bob, carol, room } = cast('no-earlier');
    room.room.ban(alice, bob);
    assert.deepEqual(nextEpochToPublish(room.state, new EpochKeyring(), carol.key), []);
  });
});

describe('KEY_SHARE', () => {
  const setup = (seed: string, historyVisible = true) => {
    const { alice, bob, carol, room } = cast(seed);
    if (!historyVisible) room.room.do(alice, { kind: 'set_policy', policy: { ...OPEN_POLICY, historyVisible: false } });
    room.room.do(alice, { kind: 'rotate', channel: room.channel });
    room.publishEpoch(alice, 1);
    const dave = member('dave');
    room.room.join(dave);
    const ring = new EpochKeyring();
    for (const b of room.bundles) ring.ingestBundle(b, alice.device.sign.publicKey, alice.device.box, crypto);
    return { alice, bob, carol, dave, room, ring };
  };
  const shareTo = (room: MessageRoom, from: Member, to: Member, keys: { channel: Uint8Array; epoch: number; key: Uint8Array }[]) =>
    createKeyShare(
      { account: from.key, room: room.room.roomId, recipient: { device: to.device.sign.publicKey, boxKey: to.device.box.publicKey }, keys },
      from.device.sign,
      ephemeral(),
      crypto,
    );

  it('gives a newly joined device the current and (history visible) past keys', () => {
    const { alice, dave, room, ring } = setup('share-ok');
    const keys = keysToShare(room.state, ring, alice.key, dave.device.sign.publicKey);
    assert.deepEqual(
      keys.map((k) => k.epoch),
      [0, 1],
    );
    const s = shareTo(room, alice, dave, keys);
    const v = verifyKeyShare(s.bytes, room.state, crypto);
    const opened = openKeyShare(v.body, dave.device.box, crypto);
    assert.deepEqual(
      opened.map((k) => toHex(k.key)),
      [room.keys[0], room.keys[1]].map((k) => toHex(k as Uint8Array)),
    );
  });

  it('past epochs may not be shared when history is not visible', () => {
    const { alice, dave, room, ring } = setup('share-no-history', false);
    assert.deepEqual(
      keysToShare(room.state, ring, alice.key, dave.device.sign.publicKey).map((k) => k.epoch),
      [1],
    );
    const s = shareTo(room, alice, dave, ring.all());
    assert.throws(
      () => validateKeyShare(s, room.state),
      (e: ProtocolError) => e.code === 'ERR_UNAUTHORIZED' && e.field === 'share.ks[0][1]',
    );
  });

  it('rejects shares to non-members, from non-readers, and for epochs not started', () => {
    const { alice, bob, dave, room, ring } = setup('share-bad');
    const stranger = member('stranger');
    assert.throws(() => validateKeyShare(shareTo(room, alice, stranger, ring.all()), room.state), code('ERR_UNKNOWN_REFERENCE'));
    room.room.ban(alice, bob);
    // Bob's device is still certified in the log, but his account may no longer read.
    assert.throws(
      () => validateKeyShare(shareTo(room, alice, bob, ring.all()), room.state),
      (e: ProtocolError) => e.field === 'share.ks[0].recipient',
    );
    assert.throws(
      () => validateKeyShare(shareTo(room, bob, dave, ring.all()), room.state),
      (e: ProtocolError) => e.field === 'share.ks[0].sender',
    );
    const future = shareTo(room, alice, dave, [{ channel: room.channel, epoch: 9, key: rnd(32) }]);
    assert.throws(
      () => validateKeyShare(future, room.state),
      (e: ProtocolError) => e.code === 'ERR_FIELD',
    );
    // A device no certificate in the log knows cannot send shares either.
    assert.throws(
      () => validateKeyShare(shareTo(room, stranger, dave, ring.all()), room.state),
      (e: ProtocolError) => e.field === 'share.a',
    );
  });

  it('a share opened by the wrong device fails closed', () => {
    const { alice, carol, dave, room, ring } = setup('share-wrong-device');
    const s = shareTo(room, alice, dave, ring.all());
    assert.throws(() => openKeyShare(s.body, carol.device.box, crypto), code('ERR_DECRYPT'));
    assert.ok(equals(s.body.recipient, dave.device.sign.publicKey));
  });
});
