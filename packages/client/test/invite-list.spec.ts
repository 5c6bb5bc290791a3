/**
 * The room's invite list, with real clients on in-process nodes: the URLs a device made (kept by the
 * caller) and the tokens the log saw used, with uses, expiry and revocation as every member's replay
 * has them; revoking from the list by nonce and issuer; who may revoke what (the log's rule, and
 * mayRevokeInvite agreeing with it).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { toHex } from '@parley/protocol';
import { mayRevokeInvite, type ParleyClient } from '../src/index.ts';
import { eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

let alice: ParleyClient;
let bob: ParleyClient;
let room: Uint8Array;
const acct = (c: ParleyClient) => c.identity.account.publicKey;

before(
  async () => {
    alice = await testClient('invites-alice');
    bob = await testClient('invites-bob');
    clients.push(alice, bob);
    room = await alice.createRoom({ name: 'Invited', channels: ['general'] });
    await bob.join(alice.createInvite(room), { timeoutMs: 120_000 });
    await eventually('alice holds bob’s JOIN', () => alice.members(room).length === 2, 120_000);
  },
  { timeout: 600_000 },
);

test('lists made links and links seen used; counts uses; marks expired', { timeout: 600_000 }, async () => {
  const twoUses = alice.createInvite(room, { maxUses: 2 });
  const past = alice.createInvite(room, { expiresAt: Date.now() - 1_000 });
  const made = [twoUses, past, 'https://parley.chat/join#not-an-invite'];
  const before = alice.invites(room, made);
  // Bob's join link (used once) shows from the log alone; the two made here from `made`; the junk URL is skipped.
  assert.equal(before.length, 3);
  const row = (url: string) => alice.invites(room, made).find((i) => i.url === url);
  assert.deepEqual([row(twoUses)?.uses, row(twoUses)?.maxUses, row(twoUses)?.expired, row(twoUses)?.revoked], [0, 2, false, false]);
  assert.equal(row(past)?.expired, true);
  const fromLog = before.find((i) => i.url === undefined);
  assert.deepEqual([fromLog?.uses, toHex(fromLog?.issuer ?? new Uint8Array())], [1, toHex(acct(alice))], 'the link Bob joined with, seen in his JOIN');

  const carol = await testClient('invites-carol');
  clients.push(carol);
  await carol.join(twoUses, { timeoutMs: 120_000 });
  await eventually('a valid JOIN counts a use', () => row(twoUses)?.uses === 1, 120_000);
  // Bob sees the same link from the log (he was never given the URL).
  const r = row(twoUses);
  await eventually('bob lists the used link', () => bob.invites(room).some((i) => i.id === r?.id && i.uses === 1 && i.url === undefined), 120_000);
});

test('revoking from the list: the issuer or MANAGE_ROOM only; a revoked link is marked and refused', { timeout: 600_000 }, async () => {
  const bobs = bob.createInvite(room);
  const alices = alice.createInvite(room);
  const st = () => bob.state(room);
  const mine = bob.invites(room, [bobs]).find((i) => i.url === bobs);
  const hers = bob.invites(room, [alices]).find((i) => i.url === alices);
  assert.ok(mine !== undefined && hers !== undefined);
  assert.equal(mayRevokeInvite(st(), acct(bob), mine), true, 'his own link');
  assert.equal(mayRevokeInvite(st(), acct(bob), hers), false, 'not the owner’s: he lacks MANAGE_ROOM');
  assert.equal(mayRevokeInvite(alice.state(room), acct(alice), mine), true, 'the owner holds MANAGE_ROOM');
  await assert.rejects(() => bob.revokeInvite(room, { nonce: hers.nonce, issuer: hers.issuer }), { code: 'ERR_UNAUTHORIZED' }, 'the log refuses it too');
  await assert.rejects(() => bob.revokeInvite(room, { nonce: new Uint8Array(3), issuer: hers.issuer }), { code: 'join-failed' });

  await alice.revokeInvite(room, { nonce: mine.nonce, issuer: mine.issuer });
  assert.equal(alice.invites(room, [bobs]).find((i) => i.url === bobs)?.revoked, true);
  await eventually('bob sees his link revoked', () => bob.invites(room, [bobs]).find((i) => i.id === mine.id)?.revoked === true, 120_000);
  assert.equal(bob.invites(room, [alices]).find((i) => i.id === hers.id)?.revoked, false, 'only that link');
  const dave = await testClient('invites-dave');
  clients.push(dave);
  await assert.rejects(() => dave.join(bobs, { timeoutMs: 60_000 }), { code: 'ERR_INVALID_INVITE' });
});
