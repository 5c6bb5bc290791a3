/**
 * THREATS 25 from the joiner's side, with a real hub process: its operator deletes the newest
 * authority entry from the hub's database and restarts it. A joiner that meets only this hub does
 * not accept the truncated log: the join fails with a WithheldLogError naming the hub (the peer to
 * report) and the missing entry; once another source (a member) is online it joins with the whole
 * log. The in-process variant on PGlite and Postgres is services/hub/test/core-attacker-side.spec.ts
 * ("omission"); this one adds the report and the operator's restart.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WithheldLogError } from '@parley/client';
import { toHex } from '@parley/protocol';
import { Cast, eventually, peer, tamperHubDatabase } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

test('hub withholding the authority log from a joiner is detected (joiner fetches from another source and reports the hub)', { timeout: 600_000 }, async () => {
  const hub = await cast.hub('withhold');
  const alice = cast.add(await peer('withhold-alice', { bootstrap: [hub.addr] }));
  const room = await alice.createRoom({ name: 'Withheld', channels: ['general'], policy: { hubs: [hub.peerId] } });
  await hub.pin(room);
  const plans = await alice.createChannel(room, 'plans');
  const log = await alice.store.authority(room);
  const bundles = await alice.store.byType(room, 'EPOCH_BUNDLE');
  await eventually('the hub holds the whole log', async () => (await hub.objects(room)) >= log.length + bundles.length);
  const invite = alice.createInvite(room);
  const aliceStore = alice.store;
  const aliceId = alice.identity;
  await alice.close();

  // The operator deletes the newest entry (the channel's creation) and restarts the hub.
  const newest = [...log].sort((a, b) => (b.lamport ?? 0) - (a.lamport ?? 0))[0];
  assert.ok(newest !== undefined);
  await hub.stop();
  assert.equal(await tamperHubDatabase(hub, 'delete from objects where id = $1', [newest.id]), 1, 'the operator deleted one row');
  const hub2 = await cast.hub('withhold', hub.dataDir);
  assert.equal(hub2.peerId, hub.peerId, 'the same hub, restarted');

  const carol = cast.add(await peer('withhold-carol', { bootstrap: [hub2.addr] }));
  let report: WithheldLogError | undefined;
  await assert.rejects(carol.join(invite, { timeoutMs: 10_000 }), (e: unknown) => {
    assert.ok(e instanceof WithheldLogError, `a WithheldLogError, got ${(e as Error).message}`);
    report = e;
    return true;
  });
  assert.deepEqual(report?.peers, [hub.peerId], 'the report names the hub that served the truncated log');
  assert.deepEqual(report?.missing.map(toHex), [toHex(newest.id)], 'and the entry it withheld');
  assert.ok((await carol.store.authority(room)).every((o) => toHex(o.id) !== toHex(newest.id)));
  assert.deepEqual(carol.rooms().map(toHex), [], 'the failed join leaves no half-joined room listed');

  // Another source comes online: carol fetches the whole log from it and joins.
  const alice2 = cast.add(await peer('withhold-alice', { bootstrap: [hub2.addr], identity: aliceId, store: aliceStore }));
  await alice2.openRoom(room);
  await alice2.node.dial(carol.node.multiaddrs()[0] as string);
  const joined = await carol.join(invite, { timeoutMs: 120_000 });
  assert.ok(joined.syncedFrom.includes(alice2.node.peerId), 'the log came from the member');
  assert.ok(
    carol.channels(room).some((ch) => toHex(ch.id) === toHex(plans)),
    'carol has the channel the hub withheld',
  );
  await eventually('carol can send in it', () => carol.canSend(room, plans));
});
