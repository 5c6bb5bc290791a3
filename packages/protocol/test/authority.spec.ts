import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutoffRows, nextEntry } from '../src/authority/build.ts';
import { CAP, ROLE_MOD } from '../src/authority/capabilities.ts';
import { entryCodec } from '../src/authority/entry.ts';
import { openEntry } from '../src/authority/open-entry.ts';
import { toHex } from '../src/bytes.ts';
import { sign } from '../src/codec/signed.ts';
import type { ProtocolError } from '../src/errors.ts';
import { certifyDevice } from '../src/identity/device-cert.ts';
import { deviceKeys } from '../src/identity/keys.ts';
import { issueInviteToken } from '../src/invite/invite-token.ts';
import { crypto, seededRandom } from './helpers.ts';
import { digest, member, OPEN_POLICY, TestRoom } from './room-fixture.ts';

const owner = member('owner');
const alice = member('alice');
const bob = member('bob');
const carol = member('carol');
const mallory = member('mallory');

describe('authority log: basics', () => {
  it('genesis, channels, joins, roles and a ban replay to the expected state', () => {
    const room = new TestRoom(owner);
    const general = room.channel('general');
    room.join(alice);
    room.join(bob);
    room.do(owner, { kind: 'grant', target: alice.key, role: ROLE_MOD });
    room.ban(alice, bob);
    const s = room.state;
    assert.deepEqual(s.banned().map(toHex), [toHex(bob.key)]);
    assert.ok(s.can(alice.key, CAP.BAN, undefined, s.length - 1));
    assert.ok(!s.can(bob.key, CAP.SEND, general, s.length - 1));
    assert.equal(s.epochAt(general, s.length - 1), 1, 'a ban starts a new epoch in channels the target could read');
    assert.equal(s.rejected.length, 0);
    // Every entry survives the wire.
    for (const e of room.entries) assert.deepEqual(openEntry(e.bytes, crypto).id, e.id);
  });

  it('a member without MANAGE_CHANNELS cannot create a channel', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    const err = room.reject(alice, { kind: 'create_channel', channel: new Uint8Array(16).fill(7), name: 'spam', channelKind: 'text', topic: '' });
    assert.equal(err.code, 'ERR_UNAUTHORIZED');
  });

  it('an entry from a key that holds no capability is rejected (THREATS 6), and a forged owner entry too', () => {
    const room = new TestRoom(owner);
    room.join(mallory);
    assert.equal(room.reject(mallory, { kind: 'ban', target: alice.key, cutoffs: [], purge: false }).code, 'ERR_UNAUTHORIZED');
    // Mallory signs an entry claiming to be the owner's account with her own device key.
    const forged = sign(
      entryCodec,
      {
        ...nextEntry(room.state, mallory.author, { kind: 'leave' }, room.time, crypto).body,
        account: owner.key,
        action: { kind: 'grant', target: mallory.key, role: ROLE_MOD },
      },
      mallory.device.sign.secret,
      crypto,
    );
    room.entries.push(forged);
    room.state = room.replay();
    assert.equal(room.errorOf(forged)?.code, 'ERR_UNAUTHORIZED');
    assert.ok(!room.state.can(mallory.key, CAP.BAN, undefined, room.state.length - 1));
  });

  it('rank: a moderator cannot ban the owner or another moderator (THREATS 7)', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    room.join(bob);
    room.do(owner, { kind: 'grant', target: alice.key, role: ROLE_MOD });
    room.do(owner, { kind: 'grant', target: bob.key, role: ROLE_MOD });
    assert.match(room.reject(alice, { kind: 'ban', target: owner.key, cutoffs: [], purge: false }).message, /creator/);
    assert.match(room.reject(alice, { kind: 'ban', target: bob.key, cutoffs: [], purge: false }).message, /equal or higher/);
    assert.match(room.reject(alice, { kind: 'revoke', target: bob.key, role: ROLE_MOD, cutoffs: [] }).message, /lacks|rank/);
  });

  it('a moderator cannot define a role with capabilities it does not hold (THREATS 13)', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    room.do(owner, { kind: 'define_role', role: 'roles-admin', name: 'Roles', caps: CAP.MANAGE_ROLES | CAP.READ | CAP.SEND, rank: 200, color: 0 });
    room.do(owner, { kind: 'grant', target: alice.key, role: 'roles-admin' });
    const err = room.reject(alice, { kind: 'define_role', role: 'super', name: 'Super', caps: CAP.BAN, rank: 10, color: 0 });
    assert.equal(err.field, 'define_role.caps');
    assert.equal(room.reject(alice, { kind: 'define_role', role: 'high', name: 'High', caps: CAP.READ, rank: 200, color: 0 }).field, 'define_role.rank');
    room.do(alice, { kind: 'define_role', role: 'helper', name: 'Helper', caps: CAP.READ | CAP.SEND, rank: 10, color: 0 });
  });

  it('previous links must chain: unknown prevs are pending, a wrong Lamport clock is rejected (THREATS 11, 14)', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    const base = nextEntry(
      room.state,
      owner.author,
      { kind: 'create_channel', channel: new Uint8Array(16).fill(1), name: 'x', channelKind: 'text', topic: '' },
      room.time,
      crypto,
    );
    const dangling = sign(entryCodec, { ...base.body, prev: [new Uint8Array(32).fill(9)] }, owner.device.sign.secret, crypto);
    const backdated = sign(entryCodec, { ...base.body, lamport: 1 }, owner.device.sign.secret, crypto);
    // A "cycle": an entry whose claimed clock is not above a previous entry's cannot be ordered.
    const cyclic = sign(entryCodec, { ...base.body, seq: base.body.seq + 1, lamport: 0 }, owner.device.sign.secret, crypto);
    const s = room.replay([...room.entries, dangling, backdated, cyclic]);
    const err = (id: Uint8Array): ProtocolError | undefined => [...s.rejected, ...s.pending].find((r) => toHex(r.id) === toHex(id))?.error;
    assert.equal(err(dangling.id)?.code, 'ERR_UNKNOWN_REFERENCE', String(err(dangling.id)?.message));
    assert.equal(err(backdated.id)?.code, 'ERR_FIELD');
    assert.equal(err(cyclic.id)?.code, 'ERR_FIELD');
  });

  it('equivocation: a second entry with the same device sequence number is rejected (THREATS 5)', () => {
    const room = new TestRoom(owner);
    const a = nextEntry(
      room.state,
      owner.author,
      { kind: 'create_channel', channel: new Uint8Array(16).fill(1), name: 'a', channelKind: 'text', topic: '' },
      room.time,
      crypto,
    );
    const b = nextEntry(
      room.state,
      owner.author,
      { kind: 'create_channel', channel: new Uint8Array(16).fill(2), name: 'b', channelKind: 'text', topic: '' },
      room.time,
      crypto,
    );
    const s = room.replay([...room.entries, a, b]);
    const validIds = s.validEntries().map((e) => toHex(e.id));
    assert.equal([a, b].filter((e) => validIds.includes(toHex(e.id))).length, 1);
    assert.equal(s.rejected.find((r) => r.error.message.includes('equivocation')) !== undefined, true);
  });

  it('an old GRANT replayed after its REVOKE does nothing (THREATS 12)', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    const grant = room.do(owner, { kind: 'grant', target: alice.key, role: ROLE_MOD });
    room.do(owner, { kind: 'revoke', target: alice.key, role: ROLE_MOD, cutoffs: cutoffRows(room.state, alice.key) });
    const s = room.replay([...room.entries, grant, grant]);
    assert.equal(digest(s), digest(room.state));
    assert.ok(!s.can(alice.key, CAP.BAN, undefined, s.length - 1));
  });
});

describe('authority log: invites and join modes', () => {
  it('invite-only rooms need a valid, unexpired, unrevoked token with uses left', () => {
    const room = new TestRoom(owner, 'private', { ...OPEN_POLICY, join: 'invite' });
    assert.equal(room.reject(alice, { kind: 'join', cert: alice.cert.bytes }).code, 'ERR_INVALID_INVITE');
    const rnd = seededRandom('invites');
    const token = issueInviteToken(
      { signer: owner.device.sign, account: owner.key, room: room.roomId, maxUses: 1, expiresAt: room.time + 60_000 },
      rnd,
      crypto,
    );
    room.do(alice, { kind: 'join', cert: alice.cert.bytes, invite: token.bytes });
    assert.match(room.reject(bob, { kind: 'join', cert: bob.cert.bytes, invite: token.bytes }).message, /no uses left/);
    const t2 = issueInviteToken({ signer: owner.device.sign, account: owner.key, room: room.roomId }, rnd, crypto);
    room.do(owner, { kind: 'revoke_invite', token: t2.body.nonce, issuer: owner.key });
    assert.match(room.reject(bob, { kind: 'join', cert: bob.cert.bytes, invite: t2.bytes }).message, /revoked/);
    const expired = issueInviteToken({ signer: owner.device.sign, account: owner.key, room: room.roomId, expiresAt: room.time - 1 }, rnd, crypto);
    assert.match(room.reject(carol, { kind: 'join', cert: carol.cert.bytes, invite: expired.bytes }).message, /expired/);
    // A token issued by a non-member (no INVITE capability) is refused.
    const rogue = issueInviteToken({ signer: mallory.device.sign, account: mallory.key, room: room.roomId }, rnd, crypto);
    assert.equal(room.reject(carol, { kind: 'join', cert: carol.cert.bytes, invite: rogue.bytes }).code, 'ERR_INVALID_INVITE');
  });

  it('approval rooms admit joiners as pending until someone grants membership', () => {
    const room = new TestRoom(owner, 'club', { ...OPEN_POLICY, join: 'approval' });
    const general = room.channel('general');
    room.do(alice, { kind: 'join', cert: alice.cert.bytes });
    assert.ok(!room.state.can(alice.key, CAP.READ, general, room.state.length - 1));
    room.do(owner, { kind: 'grant', target: alice.key, role: 'member' });
    assert.ok(room.state.can(alice.key, CAP.READ, general, room.state.length - 1));
  });
});

describe('authority log: devices', () => {
  it('a revoked device cannot act, its backdated entries are cut off, and the account acts through another device (THREATS 4)', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    const phoneKeys = deviceKeys(seededRandom('phone')(32), seededRandom('phone-box')(32), crypto);
    const phoneCert = certifyDevice(alice.account, phoneKeys, room.time, crypto, 'phone');
    const phone = {
      ...alice,
      name: 'alice-phone',
      device: phoneKeys,
      cert: phoneCert,
      author: { account: alice.key, signer: phoneKeys.sign, cert: phoneCert },
    };
    room.do(phone, { kind: 'add_device', cert: phoneCert.bytes });
    const before = room.state;
    room.channel('later');
    room.do(alice, {
      kind: 'revoke_device',
      device: phoneKeys.sign.publicKey,
      cutoffs: cutoffRows(room.state, alice.key).filter((r) => toHex(r.device) === toHex(phoneKeys.sign.publicKey)),
    });
    assert.equal(room.reject(phone, { kind: 'leave' }).code, 'ERR_UNAUTHORIZED');
    // The stolen phone signs on an old state (low Lamport clock, old heads): cut off.
    const backdated = nextEntry(before, phone.author, { kind: 'leave' }, room.time, crypto);
    const s = room.replay([...room.entries, backdated]);
    assert.equal([...s.rejected].find((r) => toHex(r.id) === toHex(backdated.id))?.error.code, 'ERR_CUTOFF');
    assert.ok(s.isMember(alice.key, s.length - 1));
  });
});

describe('authority log: directory settings (SET_DISCOVERY)', () => {
  const listed = { name: 'Frag night', description: 'FPS evenings', language: 'en', tags: ['gaming', 'gaming/fps'], color: 0x112233 };

  it('the owner lists the room, changes it and unlists it; the latest valid entry wins', () => {
    const room = new TestRoom(owner);
    assert.equal(room.state.discovery(), undefined, 'a room is unlisted until it says otherwise');
    room.do(owner, { kind: 'set_discovery', settings: listed });
    assert.deepEqual(room.state.discovery(), listed);
    room.do(owner, { kind: 'set_discovery', settings: { ...listed, tags: ['music'] } });
    assert.deepEqual(room.state.discovery()?.tags, ['music']);
    room.do(owner, { kind: 'set_discovery', settings: undefined });
    assert.equal(room.state.discovery(), undefined);
    for (const e of room.entries) assert.deepEqual(openEntry(e.bytes, crypto).id, e.id);
  });

  it('a member without MANAGE_ROOM cannot list the room, and its attempt changes nothing', () => {
    const room = new TestRoom(owner);
    room.join(alice);
    assert.equal(room.reject(alice, { kind: 'set_discovery', settings: listed }).code, 'ERR_UNAUTHORIZED');
    assert.equal(room.state.discovery(), undefined);
  });
});
