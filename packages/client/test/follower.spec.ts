/**
 * Follower mode (follower.ts), as a browser's second tab runs it: a client over the leader's own
 * store, fed only what the leader's `tap` hands it. It shows the room's messages (its own device's
 * and another member's, decrypted), typing and status, and it authors nothing: sending, typing and
 * status throw 'read-only', and its crypto port is never asked to sign, not even by background work.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { CryptoPort } from '@parley/protocol';
import { toHex } from '@parley/protocol';
import { ClientError, type MessageEvent, type ParleyClient, type Relayed, type TypingEvent } from '../src/index.ts';
import { crypto, eventually, identity, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a follower mirrors its leader and signs nothing', { timeout: 80_000 }, async () => {
  const relays: Relayed[] = [];
  let follower: ParleyClient | undefined;
  const pending: Promise<unknown>[] = [];
  const alice = await testClient('fol-alice', {
    tap: (r) => {
      relays.push(r);
      if (follower !== undefined) pending.push(follower.mirror(r));
    },
  });
  clients.push(alice);
  const bob = await testClient('fol-bob');
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Tabs', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob holds the key', () => bob.canSend(room, general));

  let signs = 0;
  const counting: CryptoPort = {
    ...crypto,
    ed25519Sign: (s, m) => {
      signs++;
      return crypto.ed25519Sign(s, m);
    },
  };
  const f = await testClient('fol-alice-tab2', {
    identity: identity('fol-alice'),
    store: alice.store,
    crypto: counting,
    follower: true,
    node: { listen: [], bootstrap: [], iceServers: [], dialFilter: () => false },
  });
  clients.push(f);
  follower = f;
  assert.equal(f.follower, true);
  const seen: MessageEvent[] = [];
  f.on('message', (m) => seen.push(m));
  const typing: TypingEvent[] = [];
  f.on('typing', (e) => typing.push(e));
  await f.openRoom(room);
  assert.deepEqual(
    f.members(room).map((m) => toHex(m.account)),
    alice.members(room).map((m) => toHex(m.account)),
    'the room as the store holds it',
  );
  assert.equal(f.canSend(room, general), true, 'it holds the channel key (its device is the leader’s)');

  await alice.send(room, general, 'from the leader');
  await bob.send(room, general, 'from bob');
  await eventually('the follower saw both', () => ['from the leader', 'from bob'].every((t) => seen.some((m) => m.text === t)));
  const h = await f.history(room, general);
  assert.ok(h.some((m) => m.text === 'from bob'));
  await eventually(
    'bob typing reaches the follower through the leader',
    async () => {
      await bob.typing(room, general);
      return typing.some((e) => toHex(e.account) === toHex(bob.identity.account.publicKey));
    },
    30_000,
    500,
  );
  await Promise.all(pending);

  // It authors nothing.
  const readOnly = (e: unknown) => e instanceof ClientError && e.code === 'read-only';
  await assert.rejects(f.send(room, general, 'no'), readOnly);
  await assert.rejects(f.typing(room, general), readOnly);
  assert.throws(() => f.setStatus('online'), readOnly);
  assert.throws(() => f.createInvite(room), readOnly);
  await assert.rejects(f.createChannel(room, 'x'), readOnly);
  // Background work had its chances (key work, status, ticks): no signature was asked for.
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(signs, 0);
  // A leader does not mirror; a follower refuses junk with a verdict, not a throw.
  await assert.rejects(alice.mirror({ kind: 'frame', bytes: new Uint8Array(3), room }), readOnly);
  assert.equal(await f.mirror({ kind: 'frame', bytes: new Uint8Array([1, 2, 3]), room }), 'reject');
  assert.equal(await f.mirror({ kind: 'event', name: 'nope' } as unknown as Relayed), 'reject');
  assert.ok(relays.length > 0);
});
