/**
 * THREATS 9 / 18, end to end: after a ban, the banned member's posts above the ban's cut-off are
 * rejected by every peer and by the hub, also when backdated (Lamport clock 1, the authority heads
 * it had before the ban, the old epoch's key), and so is a backdated authority entry of its own.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createEnvelope, entryCodec, sign, toHex } from '@parley/protocol';
import { storedFromSigned } from '@parley/store';
import { Cast, community, crypto, eventually, gossip, openableKeys, putToHub, reach, rejectedWith, rejections, texts } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

test("banned member's posts after the cut-off are rejected by every peer and the hub, including backdated ones", { timeout: 600_000 }, async () => {
  const hub = await cast.hub('banned-posts');
  const { room, general, owner: alice, members } = await community(cast, 'posts', ['bob', 'carol'], hub);
  const bob = members.bob as NonNullable<typeof members.bob>;
  const carol = members.carol as NonNullable<typeof members.carol>;
  await bob.send(room, general, 'bob before the ban');
  await eventually('alice and carol have bob message', async () => {
    return (await texts(alice, room, general)).includes('bob before the ban') && (await texts(carol, room, general)).includes('bob before the ban');
  });
  const oldHeads = bob.state(room).heads();
  const oldKeys = openableKeys(
    bob.identity,
    [...(await bob.store.byType(room, 'EPOCH_BUNDLE')), ...(await bob.store.byType(room, 'KEY_SHARE'))].map((o) => o.bytes),
  );
  const key0 = oldKeys.find((k) => k.epoch === 0);
  assert.ok(key0 !== undefined, 'bob holds the epoch-0 key');

  await alice.ban(room, bob.identity.account.publicKey);
  await eventually('carol and bob saw the ban', () => carol.state(room).banned().length === 1 && bob.state(room).banned().length === 1);
  const aliceLog = rejections(alice);
  const carolLog = rejections(carol);

  // Bob's SDK refuses to send: it holds no key of the new epoch.
  await assert.rejects(() => bob.send(room, general, 'honest try'), /no key/);

  // The attacker crafts what the SDK would not: envelopes backdated to before the ban.
  const draft = (seq: number, lamport: number, text: string, heads: Uint8Array[]) =>
    createEnvelope(
      { account: bob.identity.account.publicKey, room, channel: general, seq, lamport, heads, epoch: 0, content: { text } },
      bob.identity.device.sign,
      key0.key,
      crypto.sha256(new TextEncoder().encode(text)).slice(0, 24),
      crypto,
    );
  const backdated = draft(2, 1, 'backdated: lamport 1, old heads', oldHeads);
  const current = draft(3, 99, 'current heads, old epoch', bob.state(room).heads());
  // ... and an authority entry backdated the same way (an extra device would outlive a ban).
  const st = bob.state(room);
  let maxL = 0;
  for (const h of oldHeads) maxL = Math.max(maxL, st.lamportOf(h) ?? 0);
  const entry = sign(
    entryCodec,
    {
      signer: bob.identity.device.sign.publicKey,
      account: bob.identity.account.publicKey,
      room,
      seq: st.nextSeq(bob.identity.device.sign.publicKey),
      lamport: maxL + 1,
      prev: oldHeads,
      time: Date.now() - 3_600_000,
      action: { kind: 'leave' },
    },
    bob.identity.device.sign.secret,
    crypto,
  );

  // Bob dials both (he may have reached carol only through alice and the hub, who drop his frames).
  await reach(bob, [alice, carol], room, general);
  const frames = [backdated.bytes, current.bytes];
  for (const f of frames) await gossip(bob, room, general, f);
  await gossip(bob, room, undefined, entry.bytes);
  const put = await putToHub(bob, hub, room, [entry.bytes, ...frames]);

  for (const obj of [backdated, current, entry]) {
    const id = toHex(obj.id);
    await eventually(`alice rejected ${id.slice(0, 12)}`, () => rejectedWith(aliceLog, obj.id) !== undefined);
    await eventually(`carol rejected ${id.slice(0, 12)}`, () => rejectedWith(carolLog, obj.id) !== undefined);
    assert.ok(
      put.refused.some((r) => r.id === id && r.reason === 'invalid'),
      `the hub refused ${id.slice(0, 12)}`,
    );
    assert.ok(!put.stored.includes(id));
    for (const c of [alice, carol]) assert.equal(await c.store.get(obj.id, room), undefined, 'no honest peer stores it');
  }
  assert.equal(rejectedWith(aliceLog, backdated.id), 'ERR_CUTOFF', 'the backdated post falls above the ban cut-off');
  assert.equal(rejectedWith(carolLog, backdated.id), 'ERR_CUTOFF');
  // The entry has the ban's Lamport clock (both built on the same heads): sorted before the ban it is
  // cut off, after it bob is no longer a member. Either way it is refused.
  assert.ok(['ERR_CUTOFF', 'ERR_UNAUTHORIZED'].includes(rejectedWith(aliceLog, entry.id) ?? ''), 'so is the backdated entry');
  // Sync cannot smuggle them in either: catch-up with bob (who serves his store) brings none of them.
  await bob.store.put([storedFromSigned(backdated, Date.now()), storedFromSigned(current, Date.now()), storedFromSigned(entry, Date.now())]);
  await alice.syncNow();
  await carol.syncNow();
  for (const c of [alice, carol]) {
    const seen = await texts(c, room, general);
    assert.ok(seen.includes('bob before the ban'), 'the message from before the ban stays');
    assert.ok(!seen.some((t) => t?.startsWith('backdated') || t?.startsWith('current heads')));
    assert.equal(c.state(room).banned().length, 1);
    assert.ok(
      !c
        .state(room)
        .members()
        .some((m) => toHex(m.account) === toHex(bob.identity.account.publicKey)),
    );
  }
});
