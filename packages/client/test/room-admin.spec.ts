import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CAP, removalCapability, removalReason, toHex } from '@parley/protocol';
import type { ParleyClient } from '../src/index.ts';
import { eventually, identity, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

let alice: ParleyClient;
let bob: ParleyClient;
let carol: ParleyClient;
let room: Uint8Array;
let general: Uint8Array;
const acct = (c: ParleyClient) => c.identity.account.publicKey;
const roles = (c: ParleyClient, who: ParleyClient) => c.members(room).find((m) => toHex(m.account) === toHex(acct(who)))?.roles ?? [];

before(
  async () => {
    alice = await testClient('admin-alice');
    bob = await testClient('admin-bob');
    carol = await testClient('admin-carol');
    clients.push(alice, bob, carol);
    room = await alice.createRoom({ name: 'Administered', channels: ['general'] });
    general = alice.channels(room)[0]?.id as Uint8Array;
    await bob.join(alice.createInvite(room), { timeoutMs: 120_000 });
    await carol.join(alice.createInvite(room), { timeoutMs: 120_000 });
    await eventually('bob and carol hold keys', () => bob.canSend(room, general) && carol.canSend(room, general), 120_000);
  },
  { timeout: 900_000 },
);

test('custom roles: define from capabilities, assign, remove; rank and capability limits hold', { timeout: 600_000 }, async () => {
  await alice.defineRole(room, { id: 'helper', name: 'Helper', caps: ['READ', 'SEND', 'PIN'], rank: 10, color: 0x1abc9c });
  const helper = alice
    .state(room)
    .roles()
    .find((r) => r.id === 'helper');
  assert.deepEqual(helper, { id: 'helper', name: 'Helper', caps: CAP.READ | CAP.SEND | CAP.PIN, rank: 10, color: 0x1abc9c });
  await alice.grant(room, acct(bob), 'helper');
  await eventually('bob sees himself as helper', () => roles(bob, bob).includes('helper'), 120_000);
  // Bob may pin now, and nothing more.
  const msg = await carol.send(room, general, 'pin me');
  await eventually('bob has the message', async () => (await texts(bob, room, general)).includes('pin me'), 120_000);
  await bob.pin(room, general, msg);
  await eventually(
    'alice sees the pin',
    () =>
      alice
        .state(room)
        .pins(general)
        .some((p) => toHex(p) === toHex(msg)),
    120_000,
  );
  await assert.rejects(() => bob.defineRole(room, { id: 'boss', name: 'Boss', caps: ['BAN'], rank: 5 }), { code: 'ERR_UNAUTHORIZED' });
  await alice.revoke(room, acct(bob), 'helper');
  await eventually('bob lost the role', () => roles(bob, bob).length === 0, 120_000);
  await assert.rejects(() => bob.pin(room, general, msg, false), { code: 'ERR_UNAUTHORIZED' });
});

test('policy: join mode, durability, history visibility, pinned hubs; revoked invite refused', { timeout: 600_000 }, async () => {
  await alice.setJoinMode(room, 'approval');
  await alice.setDurability(room, 'guaranteed');
  await alice.setHistoryVisible(room, false);
  await alice.pinHub(room, '12D3KooWExampleHubPeerIdAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  let p = alice.state(room).policy();
  assert.equal(p.join, 'approval');
  assert.equal(p.durability, 'guaranteed');
  assert.equal(p.historyVisible, false);
  assert.deepEqual(p.hubs, ['12D3KooWExampleHubPeerIdAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
  await alice.unpinHub(room, '12D3KooWExampleHubPeerIdAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await alice.setJoinMode(room, 'invite');
  await alice.setHistoryVisible(room, true);
  await alice.setDurability(room, 'replicated');
  await alice.setDurability(room, 'strict', general);
  p = alice.state(room).policy();
  assert.deepEqual([p.join, p.durability, p.historyVisible, p.hubs], ['invite', 'replicated', true, []]);
  assert.equal(alice.channels(room)[0]?.durability, 'strict');
  await eventually('carol has the same policy', () => JSON.stringify(carol.state(room).policy()) === JSON.stringify(p), 120_000);
  await assert.rejects(() => carol.setJoinMode(room, 'open'), { code: 'ERR_UNAUTHORIZED' }, 'MANAGE_ROOM only');

  const url = alice.createInvite(room);
  await alice.revokeInvite(room, url);
  const dave = await testClient('admin-dave');
  clients.push(dave);
  await assert.rejects(() => dave.join(url, { timeoutMs: 120_000 }), { code: 'ERR_INVALID_INVITE' }, 'a revoked invite makes no valid JOIN');
});

test('private channel: keys only to the roles it names; the rest never get one', { timeout: 600_000 }, async () => {
  const staff = await alice.createChannel(room, 'staff');
  await alice.grant(room, acct(carol), 'mod');
  await eventually('everyone holds the staff key', () => [bob, carol].every((c) => c.canSend(room, staff)), 120_000);
  await alice.setChannelAcl(room, staff, { read: ['mod'], send: ['mod'], accounts: [] });
  const st = alice.state(room);
  assert.equal(st.epochAt(staff, st.length - 1), 1, 'the ACL started a new epoch');
  await eventually('carol (mod) holds the new staff key', () => carol.canSend(room, staff), 120_000);
  await alice.send(room, staff, 'staff only');
  await eventually('carol reads it', async () => (await texts(carol, room, staff)).includes('staff only'), 120_000);
  assert.ok(!bob.canSend(room, staff), 'bob holds no key of the private epoch');
  await assert.rejects(() => bob.send(room, staff, 'let me in'));
  await bob.syncNow();
  assert.ok(!(await texts(bob, room, staff)).includes('staff only'), 'bob cannot read the private channel');
  // Opening it again starts another epoch, sealed to every member.
  await alice.setChannelAcl(room, staff, undefined);
  await eventually('bob holds the reopened staff key', () => bob.canSend(room, staff), 120_000);
});

test('tombstones say who removed a message and under which capability; unban lets a member back', { timeout: 600_000 }, async () => {
  const m = await bob.send(room, general, 'rude words');
  await eventually('alice has it', async () => (await texts(alice, room, general)).includes('rude words'), 120_000);
  await alice.deleteMessage(room, general, m, { reason: '  off-topic  ' });
  const t = await eventually(
    'carol sees the tombstone',
    async () => (await carol.history(room, general, { limit: 100 })).find((x) => toHex(x.id) === toHex(m))?.deleted,
    120_000,
  );
  assert.equal(t.reason, 'delete');
  assert.equal(toHex(t.by), toHex(acct(alice)));
  assert.equal(removalCapability(t, acct(bob)), 'DELETE_MESSAGES');
  assert.equal(removalReason(carol.state(room), t), 'off-topic', "the moderator's reason, trimmed, reaches another member's tombstone");
  const own = await carol.send(room, general, 'my typo');
  await carol.delete(room, general, own);
  const t2 = (await carol.history(room, general, { limit: 100 })).find((x) => toHex(x.id) === toHex(own))?.deleted;
  assert.ok(t2 !== undefined);
  assert.equal(removalCapability(t2, acct(carol)), undefined);

  const spam = await bob.send(room, general, 'spam');
  await eventually('alice has the spam', async () => (await texts(alice, room, general)).includes('spam'), 120_000);
  await alice.ban(room, acct(bob), { purge: true, reason: 'spam' });
  const purged = (await alice.history(room, general, { limit: 100 })).find((x) => toHex(x.id) === toHex(spam))?.deleted;
  assert.equal(purged?.reason, 'purge');
  assert.equal(removalCapability(purged as NonNullable<typeof purged>, acct(bob)), 'BAN');
  assert.equal(removalReason(alice.state(room), purged as NonNullable<typeof purged>), 'spam');

  await alice.unban(room, acct(bob));
  assert.equal(alice.state(room).banned().length, 0);
  await eventually('bob sees the unban', () => bob.state(room).banned().length === 0, 120_000);
  await bob.join(alice.createInvite(room), { timeoutMs: 120_000 });
  await eventually('bob is back and holds the current key', () => bob.canSend(room, general), 120_000);
});

test('history visible to new members: a late joiner gets the keys of past epochs and reads everything', { timeout: 600_000 }, async () => {
  assert.equal(alice.state(room).policy().historyVisible, true);
  const epoch = alice.state(room).epochAt(general, alice.state(room).length - 1);
  assert.ok(epoch >= 1, `general went through a rotation (epoch ${epoch})`);
  const erin = await testClient('admin-erin', { identity: identity('admin-erin') });
  clients.push(erin);
  await erin.join(alice.createInvite(room), { timeoutMs: 120_000 });
  await eventually('erin reads messages from the first epoch', async () => (await texts(erin, room, general)).includes('pin me'), 40_000);
  const seen = await erin.history(room, general, { limit: 100 });
  assert.ok(
    seen.every((x) => x.deleted !== undefined || x.text !== undefined),
    'no "unable to decrypt" for a late joiner',
  );
});

test('audit log: every entry in order with signer, capability, target; signature valid, chain intact', { timeout: 600_000 }, async () => {
  const log = alice.auditLog(room);
  assert.equal(log.length, alice.state(room).length);
  assert.ok(log.every((e, i) => e.position === i && e.signatureValid && e.chainIntact));
  const ban = log.find((e) => e.kind === 'ban');
  assert.equal(ban?.capability, 'BAN');
  assert.equal(toHex(ban?.target as Uint8Array), toHex(acct(bob)));
  assert.equal(toHex(ban?.account as Uint8Array), toHex(acct(alice)));
  assert.equal(log.find((e) => e.kind === 'define_role')?.capability, 'MANAGE_ROLES');
  assert.equal(log.find((e) => e.kind === 'set_channel_acl')?.capability, 'MANAGE_CHANNELS');
  assert.equal(log[0]?.kind, 'genesis');
  assert.deepEqual(
    log.filter((e) => e.status !== 'valid'),
    [],
  );
  // The same log replayed by another member is the same, entry for entry.
  await eventually('carol has every entry', () => carol.auditLog(room).length === log.length, 120_000);
  assert.deepEqual(
    carol.auditLog(room).map((e) => toHex(e.id)),
    log.map((e) => toHex(e.id)),
  );
});
