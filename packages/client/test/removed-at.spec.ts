/**
 * removedAt (removed-at.ts): the latest signed time at which a valid entry banned, kicked or removed
 * (leave) an account, or revoked one of its devices; other accounts' and devices' entries, and other
 * kinds, count for nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorityEntry, Signed } from '@parley/protocol';
import { removedAt, signedBeforeRemoval } from '../src/removed-at.ts';

const key = (n: number) => new Uint8Array(32).fill(n);
const entry = (time: number, account: Uint8Array, action: Record<string, unknown>) =>
  ({ body: { time, account, action } }) as unknown as Signed<AuthorityEntry>;
const log = (...entries: Signed<AuthorityEntry>[]) => ({ validEntries: () => entries });

const owner = key(1);
const bob = key(2);
const bobLaptop = key(3);
const carol = key(4);

test('removedAt: bans, kicks, leaves and device revocations, the latest wins; others are ignored', () => {
  assert.equal(removedAt(log(), bob), undefined);
  const entries = log(
    entry(100, owner, { kind: 'ban', target: carol }),
    entry(200, owner, { kind: 'kick', target: bob }),
    entry(300, bob, { kind: 'leave' }),
    entry(400, owner, { kind: 'unban', target: bob }),
    entry(500, carol, { kind: 'leave' }),
  );
  assert.equal(removedAt(entries, bob), 300, 'the later of the kick and the leave');
  assert.equal(removedAt(entries, carol), 500);
  assert.equal(removedAt(entries, owner), undefined);
  const revoked = log(entry(150, bob, { kind: 'revoke_device', device: bobLaptop, cutoffs: [] }), entry(120, owner, { kind: 'ban', target: bob }));
  assert.equal(removedAt(revoked, bob), 120, 'a revocation counts only for the device it names');
  assert.equal(removedAt(revoked, bob, bobLaptop), 150);
  assert.equal(removedAt(revoked, bob, key(9)), 120);
  assert.equal(signedBeforeRemoval(revoked, bob, 150, bobLaptop), true, 'signed at the revocation: before it');
  assert.equal(signedBeforeRemoval(revoked, bob, 151, bobLaptop), false);
  assert.equal(signedBeforeRemoval(log(), bob, 0), false, 'never removed');
});
