/**
 * THREATS 15, end to end: a banned member keeps every key it ever held and a copy of the hub's
 * database, and still cannot read one message sent after the ban.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openEnvelope, toHex } from '@parley/protocol';
import { Cast, community, copyHubDatabase, crypto, decryptWithAny, eventually, openableKeys, texts } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

test('banned member keeps old keys and a copy of the hub database and still cannot read any message after the ban', { timeout: 600_000 }, async () => {
  const hub = await cast.hub('banned-reader');
  const { room, general, owner: alice, members } = await community(cast, 'reader', ['bob', 'carol'], hub, { durability: 'guaranteed' });
  const bob = members.bob as NonNullable<typeof members.bob>;
  const carol = members.carol as NonNullable<typeof members.carol>;

  for (const [i, c] of [alice, bob, carol].entries()) await c.send(room, general, `before the ban ${i}`);
  await eventually('everyone has the three early messages', async () => {
    for (const c of [alice, bob, carol]) if ((await texts(c, room, general)).filter((t) => t?.startsWith('before')).length !== 3) return false;
    return true;
  });

  await alice.ban(room, bob.identity.account.publicKey, { reason: 'leaks' });
  await eventually('carol holds the epoch the ban started', () => {
    const st = carol.state(room);
    return st.epochAt(general, st.length - 1) === 1 && carol.canSend(room, general);
  });
  const after = ['after the ban: alice 0', 'after the ban: carol 0', 'after the ban: alice 1', 'after the ban: carol 1'];
  for (const [i, t] of after.entries()) await (i % 2 === 0 ? alice : carol).send(room, general, t);
  await eventually('alice and carol read each other after the ban', async () => {
    const a = await texts(alice, room, general);
    const c = await texts(carol, room, general);
    return after.every((t) => a.includes(t) && c.includes(t));
  });
  // The room is `guaranteed`: an outbox entry completes only when the pinned hub stored it.
  await eventually('the hub stored every message', async () => (await alice.pendingCount()) + (await carol.pendingCount()) + (await bob.pendingCount()) === 0);

  // Bob's client still receives the new envelopes (it is connected), but holds no key for them.
  await eventually('bob learned of his ban', () => bob.state(room).banned().length === 1);
  assert.ok(!bob.canSend(room, general), 'bob holds no key of the new epoch');
  const bobView = await texts(bob, room, general);
  for (const t of after) assert.ok(!bobView.includes(t), `bob's client cannot show "${t}"`);

  // The attacker's side: every key bob's device can open from anything it has or can steal.
  await hub.stop();
  const stolen = await copyHubDatabase(hub, room);
  const own = [...(await bob.store.byType(room, 'EPOCH_BUNDLE')), ...(await bob.store.byType(room, 'KEY_SHARE'))].map((o) => o.bytes);
  const keys = openableKeys(bob.identity, [...own, ...stolen.map((r) => r.bytes)]);
  assert.ok(keys.length >= 1, 'control: bob opened his old key(s)');
  assert.ok(
    keys.every((k) => k.epoch === 0),
    'every key bob can open is of the epoch before the ban',
  );
  const envelopes = stolen.filter((r) => r.type === 'ENVELOPE');
  const early = envelopes.filter((r) => openEnvelope(r.bytes, crypto).body.epoch === 0);
  const late = envelopes.filter((r) => openEnvelope(r.bytes, crypto).body.epoch > 0);
  assert.equal(early.length, 3, 'the stolen database holds the three early messages');
  assert.equal(late.length, after.length, 'and every message sent after the ban (as ciphertext)');
  for (const r of early) assert.match(decryptWithAny(r.bytes, keys) ?? '', /^before the ban/, 'control: the old keys open the old messages');
  for (const r of late) assert.equal(decryptWithAny(r.bytes, keys), undefined, `envelope ${toHex(r.id).slice(0, 12)} stays sealed to bob`);
  // Nor can he open the new epoch's bundle or any share: nothing in the database is sealed to him.
  const bundles = stolen.filter((r) => r.type === 'EPOCH_BUNDLE' || r.type === 'KEY_SHARE');
  assert.ok(bundles.length >= 2, 'the database holds the key bundles of both epochs');
  assert.equal(
    openableKeys(
      bob.identity,
      bundles.map((r) => r.bytes),
    ).filter((k) => k.epoch > 0).length,
    0,
  );
});
