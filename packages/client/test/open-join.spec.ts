/**
 * Joining by a link without an invite token, as a directory card's link is (PROTOCOL 7.2 with `b`
 * and `t` empty or absent): refused before any JOIN is authored while the room takes members by
 * invite, admitted once its owner opens it (join mode `open`, 4.1).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { encodeInviteUrl, toHex } from '@parley/protocol';
import { ClientError, type ParleyClient } from '../src/index.ts';
import { eventually, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a token-less link joins an open room and is refused, unauthored, by an invite-only one', { timeout: 80_000 }, async () => {
  const alice = await testClient('open-alice');
  clients.push(alice);
  const bob = await testClient('open-bob');
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Open house' });
  const url = encodeInviteUrl({ room, addrs: alice.node.multiaddrs(), name: 'Open house' }, 'https://parley.chat');
  const me = bob.identity.account.publicKey;

  const refused = await bob.join(url, { timeoutMs: 30_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(refused instanceof ClientError && refused.code === 'join-failed', String(refused));
  assert.match(refused.message, /invite only/);
  assert.throws(() => bob.state(room), /not open/, 'bob keeps no session of the room');
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(alice.state(room).nextSeq(bob.identity.device.sign.publicKey), 1, 'no entry by bob reached alice');

  await alice.setJoinMode(room, 'open');
  await bob.join(url, { timeoutMs: 30_000 });
  assert.ok(bob.state(room).isMember(me, bob.state(room).length - 1), 'a member on its own replay');
  await eventually('bob is a member on alice', () => alice.members(room).some((m) => toHex(m.account) === toHex(me)));
});
