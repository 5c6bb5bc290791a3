/**
 * THREATS 16, end to end: a member colludes with a banned one and seals channel keys to it (a
 * KEY_SHARE, and an EPOCH_BUNDLE that lists it among the readers), or to a device that never joined.
 * Honest peers and the hub drop them; the banned member's own client refuses them too, so it never
 * holds the new key; nothing of it is stored or relayed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createIdentity } from '@parley/client';
import { createEpochBundle, createKeyShare, type DeviceInfo, toHex } from '@parley/protocol';
import { Cast, community, crypto, deliver, eventually, openableKeys, rejectedByAll, texts, witnesses } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

const ephemeral = (label: string) => {
  const secret = crypto.sha256(new TextEncoder().encode(`ephemeral:${label}:${process.pid}`));
  return { secret, publicKey: crypto.x25519PublicKey(secret) };
};

test('key bundle sent to a non-member is ignored', { timeout: 600_000 }, async () => {
  const hub = await cast.hub('key-bundles');
  const { room, general, owner: alice, members } = await community(cast, 'keys', ['bob', 'carol', 'dan'], hub);
  const bob = members.bob as NonNullable<typeof members.bob>;
  const carol = members.carol as NonNullable<typeof members.carol>;
  const dan = members.dan as NonNullable<typeof members.dan>;
  await alice.ban(room, bob.identity.account.publicKey);
  await eventually('everyone holds the new epoch', () =>
    [alice, carol, dan].every((p) => p.state(room).epochAt(general, p.state(room).length - 1) === 1 && p.canSend(room, general)),
  );
  await eventually('bob saw the ban', () => bob.state(room).banned().length === 1);
  const ws = witnesses([alice, dan, bob]);

  // Carol (a member who holds the new key) is the accomplice.
  const st = carol.state(room);
  const keys = openableKeys(
    carol.identity,
    [...(await carol.store.byType(room, 'EPOCH_BUNDLE')), ...(await carol.store.byType(room, 'KEY_SHARE'))].map((o) => o.bytes),
  );
  const key1 = keys.find((k) => k.epoch === 1);
  assert.ok(key1 !== undefined, 'carol holds the epoch-1 key');
  const bobDevice = st.deviceInfo(bob.identity.device.sign.publicKey) as DeviceInfo;
  assert.ok(bobDevice !== undefined);
  const sender = carol.identity.device.sign;
  const me = carol.identity.account.publicKey;
  // 1. A KEY_SHARE of the new key (and the old one) to the banned member's device.
  const shareToBanned = createKeyShare({ account: me, room, recipient: bobDevice, keys }, sender, ephemeral('share-bob'), crypto);
  // 2. A second bundle for epoch 1 that seals the key to the remaining readers AND the banned device.
  const readers = st.readersAt(general, st.epochTrigger(general, 1)?.position as number);
  const trigger = st.epochTrigger(general, 1)?.entryId as Uint8Array;
  const bundleWithBanned = createEpochBundle(
    { account: me, room, channel: general, epoch: 1, trigger, epochKey: key1.key, recipients: [...readers, bobDevice] },
    sender,
    ephemeral('bundle-bob'),
    crypto,
  );
  // 3. A KEY_SHARE to a device that never joined the room.
  const olga = createIdentity({ displayName: 'olga', crypto });
  const shareToStranger = createKeyShare(
    { account: me, room, recipient: { device: olga.device.sign.publicKey, boxKey: olga.device.box.publicKey }, keys: [key1] },
    sender,
    ephemeral('share-olga'),
    crypto,
  );

  const put = await deliver(carol, room, [shareToBanned, bundleWithBanned, shareToStranger], { hub, dial: [alice, dan, bob] });
  const codes = await rejectedByAll(ws, [shareToBanned, bundleWithBanned]);
  for (const [id, cs] of codes)
    assert.ok(
      cs.every((x) => x === 'ERR_UNAUTHORIZED'),
      `${id.slice(0, 8)}: ${cs.join(',')}`,
    );
  for (const e of [shareToBanned, bundleWithBanned])
    assert.ok(
      put.refused.some((r) => r.id === toHex(e.id) && r.reason === 'invalid'),
      'the hub refuses it',
    );
  // The share to a stranger names a device no log holds: never accepted, never stored, never relayed.
  assert.ok(!put.stored.includes(toHex(shareToStranger.id)), 'the hub does not store it');
  for (const p of [alice, dan, bob]) await p.syncNow();
  for (const p of [alice, dan]) {
    assert.equal(await p.store.get(shareToStranger.id, room), undefined, 'no honest peer stores the stranger share');
    assert.equal(await p.store.get(shareToBanned.id, room), undefined);
  }
  // The banned member's own SDK refused both: it still holds no key of epoch 1.
  assert.ok(!bob.canSend(room, general), 'bob holds no key of the new epoch');
  await alice.send(room, general, 'after the collusion');
  await eventually('dan reads it', async () => (await texts(dan, room, general)).includes('after the collusion'));
  await eventually('bob received it', async () => (await bob.history(room, general, { limit: 100 })).length >= 1);
  assert.ok(!(await texts(bob, room, general)).includes('after the collusion'), "bob's client cannot decrypt it");
});
