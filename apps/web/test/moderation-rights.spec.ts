/**
 * The member list offers Mute, Kick and Ban, and a message's toolbar a moderator's Delete, exactly
 * where the authority log would accept them: for every pair of people in a room with an owner, two
 * moderators and two members, `rightsOver` and `messageRights` say yes if and only if replaying the
 * log with that person's MUTE / KICK / BAN / DELETE_MESSAGE of the other leaves the entry valid
 * (capability and rank, both checked by the protocol core); someone holding the capability without
 * the rank sees the actions greyed. Role badges list the roles by rank,
 * the creator's Owner first, and never the implicit Member role.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Author,
  type AuthorityEntry,
  accountKeys,
  CAP,
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
import { grantableRoles, messageRights, rightsOver, roleBadges } from '../src/lib/parley/moderation.ts';

const T0 = 1_750_000_000_000;
const person = (name: string): Author => {
  const k = accountKeys(crypto.sha256(utf8(`moderation-rights:${name}`)), crypto);
  return { account: k.publicKey, signer: k };
};

const names = ['owner', 'mod1', 'mod2', 'ann', 'ben'] as const;
const people = Object.fromEntries(names.map((n) => [n, person(n)])) as Record<(typeof names)[number], Author>;

const CHANNEL = new Uint8Array(16).fill(3);

const build = (): { entries: Signed<AuthorityEntry>[]; state: RoomState } => {
  const entries: Signed<AuthorityEntry>[] = [createGenesis({ author: people.owner, name: 'Rights', nonce: new Uint8Array(16).fill(7), time: T0 }, crypto)];
  let state = replayAuthority(entries, crypto);
  let time = T0;
  const add = (who: Author, action: EntryAction) => {
    entries.push(nextEntry(state, who, action, (time += 1000), crypto));
    state = replayAuthority(entries, crypto);
    assert.equal(state.rejected.length + state.pending.length, 0, `${action.kind} is valid`);
  };
  add(people.owner, { kind: 'set_policy', policy: { ...state.policy(), join: 'open' } });
  add(people.owner, { kind: 'create_channel', channel: CHANNEL, name: 'general', channelKind: 'text', topic: '' });
  for (const n of ['mod1', 'mod2', 'ann', 'ben'] as const) add(people[n], { kind: 'join' });
  add(people.owner, { kind: 'grant', target: people.mod1.account, role: 'mod' });
  add(people.owner, { kind: 'grant', target: people.mod2.account, role: 'mod' });
  return { entries, state };
};

/** Whether the log accepts `who` kicking or banning `target` now. */
const accepted = (
  entries: readonly Signed<AuthorityEntry>[],
  state: RoomState,
  who: Author,
  kind: 'kick' | 'ban' | 'mute' | 'delete_message',
  target: Author,
): boolean => {
  const cutoffs = cutoffRows(state, target.account);
  const action: EntryAction =
    kind === 'ban'
      ? { kind, target: target.account, cutoffs, purge: false }
      : kind === 'delete_message'
        ? { kind, channel: CHANNEL, message: new Uint8Array(32).fill(9), author: target.account }
        : { kind, target: target.account, cutoffs };
  const e = nextEntry(state, who, action, T0 + 60_000, crypto);
  const after = replayAuthority([...entries, e], crypto);
  const p = after.positionOf(e.id);
  return p !== undefined && after.isValid(p);
};

test('Mute, Kick, Ban and a moderator Delete are offered exactly where the authority log accepts them', () => {
  const { entries, state } = build();
  const offered: string[] = [];
  for (const a of names)
    for (const b of names) {
      const r = rightsOver(state, people[a].account, people[b].account);
      const del = messageRights(state, people[a].account, people[b].account).delete;
      if (a !== b) assert.equal(del, accepted(entries, state, people[a], 'delete_message', people[b]), `${a} deletes a message of ${b}`);
      else assert.equal(del, false, 'one deletes one own message with a delete envelope, not as a moderator');
      for (const kind of ['mute', 'kick', 'ban'] as const) {
        // Acting on oneself is never offered (a LEAVE is the way out); the log's answer is not asked.
        if (a === b) {
          assert.equal(r[kind], false, `${a} is offered no ${kind} of themself`);
          continue;
        }
        assert.equal(r[kind], accepted(entries, state, people[a], kind, people[b]), `${a} ${kind} ${b}`);
        if (r[kind]) offered.push(`${a} ${kind} ${b}`);
      }
    }
  // Greyed, with why: a moderator over the owner and over the other moderator; a plain member sees no actions at all.
  const greyed = names.flatMap((a) => names.filter((b) => rightsOver(state, people[a].account, people[b].account).outranked).map((b) => `${a} > ${b}`));
  assert.deepEqual(greyed, ['mod1 > owner', 'mod1 > mod2', 'mod2 > owner', 'mod2 > mod1']);
  // The expected shape: the owner over everyone, moderators over members only (not each other, not the owner).
  assert.deepEqual(
    offered.filter((o) => o.includes(' ban ')),
    ['owner ban mod1', 'owner ban mod2', 'owner ban ann', 'owner ban ben', 'mod1 ban ann', 'mod1 ban ben', 'mod2 ban ann', 'mod2 ban ben'],
  );
});

test('role badges: Owner first, then roles by rank; the implicit Member role is not shown', () => {
  const { state } = build();
  const badges = (n: (typeof names)[number]) => {
    const m = state.members().find((x) => toHex(x.account) === toHex(people[n].account));
    return roleBadges(state, people[n].account, m?.roles ?? []).map((b) => b.name);
  };
  assert.deepEqual(badges('owner'), ['Owner']);
  assert.deepEqual(badges('mod1'), ['Moderator']);
  assert.deepEqual(badges('ann'), []);
});

test('the member menu offers exactly the roles the log lets each person grant or revoke', () => {
  const base = build();
  const entries = [...base.entries];
  let state = base.state;
  let time = T0 + 100_000;
  const add = (who: Author, action: EntryAction) => {
    entries.push(nextEntry(state, who, action, (time += 1000), crypto));
    state = replayAuthority(entries, crypto);
    assert.equal(state.rejected.length + state.pending.length, 0, `${action.kind} is valid`);
  };
  // A helper role with PIN, and a lead role that manages roles but does not hold PIN itself.
  add(people.owner, { kind: 'define_role', role: 'helper', name: 'Helper', caps: CAP.READ | CAP.SEND | CAP.PIN, rank: 10, color: 0 });
  add(people.owner, { kind: 'define_role', role: 'lead', name: 'Lead', caps: CAP.READ | CAP.SEND | CAP.MANAGE_ROLES, rank: 20, color: 0 });
  add(people.owner, { kind: 'grant', target: people.ben.account, role: 'lead' });
  add(people.owner, { kind: 'grant', target: people.ann.account, role: 'helper' });
  const roles = state.roles().map((r) => r.id);
  const offered: string[] = [];
  for (const a of names)
    for (const b of names) {
      const menu = grantableRoles(state, people[a].account, people[b].account);
      for (const role of roles) {
        const item = menu.find((r) => r.id === role);
        const held =
          state
            .members()
            .find((m) => toHex(m.account) === toHex(people[b].account))
            ?.roles.includes(role) ?? false;
        const action: EntryAction = held
          ? { kind: 'revoke', target: people[b].account, role, cutoffs: cutoffRows(state, people[b].account) }
          : { kind: 'grant', target: people[b].account, role };
        const e = nextEntry(state, people[a], action, time + 60_000, crypto);
        const after = replayAuthority([...entries, e], crypto);
        const p = after.positionOf(e.id);
        const ok = p !== undefined && after.isValid(p);
        assert.equal(item !== undefined, ok, `${a} ${action.kind} ${role} ${held ? 'from' : 'to'} ${b}`);
        if (item !== undefined) {
          assert.equal(item.held, held);
          offered.push(`${a} ${action.kind} ${role} ${b}`);
        }
      }
    }
  // Ben (lead) may take the helper role from Ann but not give it to anyone: he does not hold PIN.
  assert.ok(offered.includes('ben revoke helper ann'));
  assert.ok(!offered.some((o) => o.startsWith('ben grant helper')));
  assert.ok(offered.includes('owner grant helper ben'));
});
