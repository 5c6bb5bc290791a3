/**
 * The channel permissions dialog against the authority log: for every draft over a room with an
 * owner, a moderator and two members (public; Moderators only; one member by name; read-only for
 * everyone with Moderators sending), the ACL `aclOf` builds is accepted by the log as a SET_CHANNEL_ACL,
 * and `wouldRead` says, for every person, exactly what the replayed log then answers for READ. The
 * channel list shows a private channel only to its readers and to those who manage channels, and keeps
 * public channels for everyone (a banned person still sees where they were). Only MANAGE_CHANNELS
 * holders may edit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Author,
  type AuthorityEntry,
  accountKeys,
  CAP,
  type ChannelInfo,
  createGenesis,
  cutoffRows,
  type EntryAction,
  nextEntry,
  type RoomState,
  replayAuthority,
  type Signed,
  toHex,
  utf8,
} from '@parley/protocol';
import { nodeCrypto as crypto } from '@parley/protocol/crypto-node';
import { type AccessDraft, accessSummary, aclOf, draftOf, listedChannels, mayEditAccess, wouldRead } from '../src/lib/parley/channel-access.ts';

const T0 = 1_750_000_000_000;
const person = (name: string): Author => {
  const k = accountKeys(crypto.sha256(utf8(`channel-access:${name}`)), crypto);
  return { account: k.publicKey, signer: k };
};
const names = ['owner', 'mod', 'ann', 'ben'] as const;
const people = Object.fromEntries(names.map((n) => [n, person(n)])) as Record<(typeof names)[number], Author>;
const STAFF = new Uint8Array(16).fill(5);
const LOBBY = new Uint8Array(16).fill(6);

const build = () => {
  const entries: Signed<AuthorityEntry>[] = [createGenesis({ author: people.owner, name: 'Access', nonce: new Uint8Array(16).fill(1), time: T0 }, crypto)];
  let state = replayAuthority(entries, crypto);
  let time = T0;
  const add = (who: Author, action: EntryAction) => {
    entries.push(nextEntry(state, who, action, (time += 1000), crypto));
    state = replayAuthority(entries, crypto);
    assert.equal(state.rejected.length + state.pending.length, 0, `${action.kind} is valid`);
  };
  add(people.owner, { kind: 'set_policy', policy: { ...state.policy(), join: 'open' } });
  add(people.owner, { kind: 'create_channel', channel: STAFF, name: 'staff', channelKind: 'text', topic: '' });
  add(people.owner, { kind: 'create_channel', channel: LOBBY, name: 'lobby', channelKind: 'text', topic: '' });
  for (const n of ['mod', 'ann', 'ben'] as const) add(people[n], { kind: 'join' });
  add(people.owner, { kind: 'grant', target: people.mod.account, role: 'mod' });
  return { entries, state, add: (who: Author, a: EntryAction) => add(who, a), now: () => state };
};

const staffOf = (st: RoomState): ChannelInfo => st.channels().find((c) => c.name === 'staff') as ChannelInfo;
const accountsOf = (st: RoomState) => new Map(st.members().map((m) => [toHex(m.account), m.account] as const));

test('every ACL the dialog builds is accepted by the log, and wouldRead predicts READ for everyone', () => {
  const { entries, state } = build();
  const base = draftOf(state, staffOf(state));
  assert.equal(base.private, false);
  assert.deepEqual(Object.keys(base.roles).sort(), ['member', 'mod'], 'every role but the owner’s');
  const drafts: Record<string, AccessDraft> = {
    public: base,
    moderators: { ...base, private: true, roles: { ...base.roles, mod: { see: true, send: true } } },
    ann: { ...base, private: true, accounts: new Set([toHex(people.ann.account)]) },
    readOnly: { ...base, private: true, roles: { member: { see: true, send: false }, mod: { see: true, send: true } } },
  };
  for (const [label, d] of Object.entries(drafts)) {
    const acl = aclOf(d, accountsOf(state));
    const e = nextEntry(state, people.owner, { kind: 'set_channel_acl', channel: STAFF, acl, cutoffs: [] }, T0 + 60_000, crypto);
    const after = replayAuthority([...entries, e], crypto);
    const p = after.positionOf(e.id);
    assert.ok(p !== undefined && after.isValid(p), `${label}: the log accepts it`);
    for (const n of names) {
      const reads = after.can(people[n].account, CAP.READ, STAFF, after.length - 1);
      assert.equal(wouldRead(state, people[n].account, staffOf(state), acl), reads, `${label}: ${n} reads`);
    }
    // The draft read back from the new state is the same draft.
    const again = draftOf(after, staffOf(after));
    assert.deepEqual(aclOf(again, accountsOf(after)), acl, `${label}: round trip`);
  }
});

test('a private channel is listed for its readers and channel managers; public ones for everyone, the banned too', () => {
  const r = build();
  r.add(people.owner, { kind: 'set_channel_acl', channel: STAFF, acl: { read: ['mod'], send: ['mod'], accounts: [] }, cutoffs: [] });
  r.add(people.owner, { kind: 'ban', target: people.ben.account, cutoffs: cutoffRows(r.now(), people.ben.account), purge: false });
  const st = r.now();
  const listed = (n: (typeof names)[number]) => listedChannels(st, people[n].account, st.channels()).map((c) => c.name);
  assert.deepEqual(listed('owner'), ['staff', 'lobby']);
  assert.deepEqual(listed('mod'), ['staff', 'lobby']);
  assert.deepEqual(listed('ann'), ['lobby']);
  assert.deepEqual(listed('ben'), ['lobby'], 'banned: the public channel stays in view');
  assert.deepEqual(
    names.map((n) => mayEditAccess(st, people[n].account)),
    [true, false, false, false],
    'only MANAGE_CHANNELS edits (the moderator role does not carry it)',
  );
  const acl = staffOf(st).acl;
  assert.ok(acl !== undefined);
  assert.equal(
    accessSummary(st, acl, () => 'x'),
    'Private to Moderator',
  );
  assert.equal(
    accessSummary(st, { read: ['member', 'mod'], send: ['mod'], accounts: [people.ann.account] }, () => 'Ann'),
    'Private to everyone, Moderator, Ann; read-only for everyone',
  );
});
