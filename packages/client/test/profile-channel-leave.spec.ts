import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { toHex } from '@parley/protocol';
import { type ParleyClient, recoverIdentity, recoveryPhrase, withProfile } from '../src/index.ts';
import { crypto, eventually, identity, seededRandom, testClient } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

test('a recovery phrase gives back the account on a new device; a wrong phrase is a typed error', () => {
  const id = identity('rita');
  const phrase = recoveryPhrase(id);
  assert.equal(phrase.split(' ').length, 24);
  const back = recoverIdentity(`  ${phrase.toUpperCase()} `, { displayName: 'rita again', random: seededRandom('rita-2'), crypto });
  assert.equal(toHex(back.account.publicKey), toHex(id.account.publicKey));
  assert.notEqual(toHex(back.device.sign.publicKey), toHex(id.device.sign.publicKey), 'a new device key');
  assert.equal(toHex(back.cert.body.account), toHex(id.account.publicKey), 'the new device is certified by the account');
  const words = phrase.split(' ');
  const swapped = [words[1], words[0], ...words.slice(2)].join(' ');
  assert.throws(() => recoverIdentity(swapped, { displayName: 'x' }), { name: 'InvalidFieldError' });
  assert.throws(() => recoverIdentity(words.slice(0, 12).join(' '), { displayName: 'x' }), /24-word/);
});

test('withProfile: a higher version even when the clock is behind', () => {
  const id = identity('vic');
  const older = withProfile(id, { displayName: 'Vic', color: 0x112233 }, id.profile.body.version - 10_000, crypto);
  assert.equal(older.profile.body.version, id.profile.body.version + 1);
  assert.equal(older.profile.body.displayName, 'Vic');
  assert.equal(older.profile.body.color, 0x112233);
});

test('profile change is republished; channel rename; leave takes the member out and stops following the room', { timeout: 80_000 }, async () => {
  const alice = await testClient('pcl-alice');
  clients.push(alice);
  const bob = await testClient('pcl-bob');
  clients.push(bob);
  const room = await alice.createRoom({ name: 'Club', channels: ['general'] });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  const bobKey = bob.identity.account.publicKey;
  await eventually('alice sees bob by name', () => alice.profile(room, bobKey)?.displayName === 'pcl-bob');

  const next = bob.setProfile({ displayName: 'Robert', color: 0xff8800 });
  assert.equal(bob.identity.profile.body.displayName, 'Robert');
  assert.equal(toHex(next.profile.id), toHex(bob.identity.profile.id));
  await eventually('alice sees the new name and colour', () => {
    const p = alice.profile(room, bobKey);
    return p?.displayName === 'Robert' && p.color === 0xff8800;
  });

  await alice.renameChannel(room, general, 'lounge');
  assert.equal(alice.channels(room)[0]?.name, 'lounge');
  await eventually('bob sees the rename', () => bob.channels(room)[0]?.name === 'lounge');
  // Renaming needs MANAGE_CHANNELS: a plain member is refused by the rules.
  await assert.rejects(bob.renameChannel(room, general, 'mine'), { name: 'UnauthorizedError' });

  // The creator cannot leave the room it roots.
  await assert.rejects(alice.leave(room), /creator cannot leave/);
  await bob.leave(room);
  assert.equal(
    bob.rooms().some((r) => toHex(r) === toHex(room)),
    false,
    'bob no longer holds the room open',
  );
  assert.throws(() => bob.channels(room), /not open/);
  await eventually('alice sees bob gone', () => !alice.members(room).some((m) => toHex(m.account) === toHex(bobKey)));
});
