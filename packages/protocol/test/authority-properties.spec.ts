import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cutoffRows, nextEntry } from '../src/authority/build.ts';
import { OWNER_RANK, ROLE_MOD, ROLE_OWNER } from '../src/authority/capabilities.ts';
import { entryCodec } from '../src/authority/entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import { equals, toHex } from '../src/bytes.ts';
import { sign } from '../src/codec/signed.ts';
import { crypto } from './helpers.ts';
import { digest } from './room-fixture.ts';
import { ACTORS, ALICE, BOB, OWNER, runScenario, stepArb } from './scenario.ts';

const RUNS = Number(process.env.PARLEY_PROPERTY_RUNS ?? 40);

describe('authority log properties', () => {
  it('any permutation and duplication of delivery yields the identical RoomState', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 20 }), fc.nat(), (steps, seed) => {
        const { all } = runScenario(steps);
        const reference = digest(replayAuthority(all, crypto));
        const shuffled = fc.sample(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), { numRuns: 1, seed })[0] ?? all;
        const dups = [...shuffled, ...shuffled.filter((_, i) => i % 3 === 0)].reverse();
        assert.equal(digest(replayAuthority(shuffled, crypto)), reference);
        assert.equal(digest(replayAuthority(dups, crypto)), reference);
      }),
      { numRuns: RUNS },
    );
  });

  it("a revoked moderator's entries above the cut-off are rejected whatever their Lamport clock or claimed heads", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 0, maxLength: 12 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (steps, picks) => {
        // Keep alice a moderator through the scenario: drop steps that would remove her.
        const safe = steps.filter((s) => !(s.target === 1 && [1, 2, 4].includes(s.action)));
        const { all } = runScenario(safe);
        let state = replayAuthority(all, crypto);
        if (!state.members().some((m) => equals(m.account, ALICE.key) && m.roles.includes(ROLE_MOD))) return;
        const revoke = nextEntry(
          state,
          OWNER.author,
          { kind: 'revoke', target: ALICE.key, role: ROLE_MOD, cutoffs: cutoffRows(state, ALICE.key) },
          9e12,
          crypto,
        );
        const withRevoke = [...all, revoke];
        state = replayAuthority(withRevoke, crypto);
        const cutoff = state.highestSeq(ALICE.device.sign.publicKey);
        // Alice signs moderator actions on top of arbitrary earlier states (old heads, low Lamport clocks).
        const valid = state.validEntries();
        const late = picks.map((p, i) => {
          const prefix = replayAuthority(valid.slice(0, 1 + (p % valid.length)), crypto);
          const e = nextEntry(prefix, ALICE.author, { kind: 'kick', target: (ACTORS[4] as (typeof ACTORS)[number]).key, cutoffs: [] }, 1, crypto);
          return sign(entryCodec, { ...e.body, seq: cutoff + 1 + i }, ALICE.device.sign.secret, crypto);
        });
        const final = replayAuthority([...withRevoke, ...late], crypto);
        const validIds = new Set(final.validEntries().map((e) => toHex(e.id)));
        for (const e of late) assert.ok(!validIds.has(toHex(e.id)), 'a late moderator action by the revoked moderator was accepted');
        // And honest state is untouched by the attempt.
        assert.equal(digest(replayAuthority([...withRevoke], crypto)).length > 0, true);
      }),
      { numRuns: RUNS },
    );
  });

  it('no sequence of valid entries lets anyone act on an equal or higher rank', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const { all } = runScenario(steps);
        const s = replayAuthority(all, crypto);
        for (const o of s.entries) {
          if (!s.isValid(o.position)) continue;
          const e = o.entry.body;
          const a = e.action;
          const before = o.position - 1;
          const actorRank = s.rankOf(e.account, before);
          if ('target' in a && !equals(a.target, e.account) && a.kind !== 'unban') {
            assert.ok(!equals(a.target, OWNER.key), `${a.kind} acted on the owner`);
            assert.ok(actorRank > s.rankOf(a.target, before), `${a.kind} on an equal or higher rank`);
          }
          if (a.kind === 'define_role') assert.ok(a.rank < actorRank);
          if (a.kind === 'grant') assert.notEqual(a.role, ROLE_OWNER);
        }
        for (const m of s.members()) {
          if (!equals(m.account, OWNER.key)) assert.ok(s.rankOf(m.account, s.length - 1) < OWNER_RANK);
        }
        assert.ok(s.isMember(OWNER.key, s.length - 1));
        assert.ok(!s.banned().some((b) => equals(b, OWNER.key)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('authority log: concurrent conflicts (THREATS 10)', () => {
  it('ban vs grant issued concurrently by two moderators converge to one state for every delivery order', () => {
    const { all, base } = runScenario([]);
    const s0 = replayAuthority(base, crypto);
    const carol = ACTORS[3] as (typeof ACTORS)[number];
    const ban = nextEntry(s0, ALICE.author, { kind: 'ban', target: carol.key, cutoffs: cutoffRows(s0, carol.key), purge: false }, 1, crypto);
    const grant = nextEntry(s0, BOB.author, { kind: 'mute', target: carol.key, cutoffs: cutoffRows(s0, carol.key) }, 1, crypto);
    const a = digest(replayAuthority([...all, ban, grant], crypto));
    const b = digest(replayAuthority([grant, ...all.slice().reverse(), ban], crypto));
    assert.equal(a, b);
    const s = replayAuthority([...all, ban, grant], crypto);
    assert.ok(
      s.banned().some((x) => equals(x, carol.key)),
      'the ban holds',
    );
  });
});
