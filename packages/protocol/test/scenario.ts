/**
 * Random concurrent scenarios for property tests: five actors, each with its own partial view of the
 * log, act on their view (so entries fork and merge) and now and then sync with another actor.
 */
import fc from 'fast-check';
import { cutoffRows, nextEntry } from '../src/authority/build.ts';
import { CAP, ROLE_MOD } from '../src/authority/capabilities.ts';
import type { AuthorityEntry, EntryAction } from '../src/authority/entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import { toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import { crypto } from './helpers.ts';
import { type Member, member, TestRoom } from './room-fixture.ts';

export const ACTORS: Member[] = ['owner', 'alice', 'bob', 'carol', 'mallory'].map(member);
export const [OWNER, ALICE, BOB] = ACTORS as [Member, Member, Member];

export interface Step {
  readonly actor: number;
  readonly action: number;
  readonly target: number;
  readonly sync: number;
  readonly n: number;
}

export const stepArb: fc.Arbitrary<Step> = fc.record({
  actor: fc.nat(ACTORS.length - 1),
  action: fc.nat(13),
  target: fc.nat(ACTORS.length - 1),
  sync: fc.integer({ min: -1, max: ACTORS.length - 1 }),
  n: fc.nat(1_000_000),
});

/** The shared starting point: an open room, #general, everyone joined, alice and bob moderators. */
export const baseRoom = (): { room: TestRoom; general: Uint8Array } => {
  const room = new TestRoom(OWNER);
  const general = room.channel('general');
  for (const m of ACTORS.slice(1)) room.join(m);
  room.do(OWNER, { kind: 'grant', target: ALICE.key, role: ROLE_MOD });
  room.do(OWNER, { kind: 'grant', target: BOB.key, role: ROLE_MOD });
  return { room, general };
};

const actionFor = (s: Step, view: ReturnType<typeof replayAuthority>, general: Uint8Array): EntryAction => {
  const target = (ACTORS[s.target] as Member).key;
  const ch = new Uint8Array(16);
  new DataView(ch.buffer).setUint32(0, s.n);
  switch (s.action) {
    case 0:
      return { kind: 'grant', target, role: ROLE_MOD };
    case 1:
      return { kind: 'revoke', target, role: ROLE_MOD, cutoffs: cutoffRows(view, target) };
    case 2:
      return { kind: 'ban', target, cutoffs: cutoffRows(view, target), purge: s.n % 2 === 0 };
    case 3:
      return { kind: 'unban', target };
    case 4:
      return { kind: 'kick', target, cutoffs: cutoffRows(view, target) };
    case 5:
      return { kind: 'mute', target, cutoffs: cutoffRows(view, target) };
    case 6:
      return { kind: 'unmute', target };
    case 7:
      return { kind: 'join', cert: (ACTORS[s.actor] as Member).cert.bytes };
    case 8:
      return {
        kind: 'define_role',
        role: `r${s.n % 3}`,
        name: 'R',
        caps: [CAP.READ | CAP.SEND, CAP.BAN | CAP.READ, CAP.MANAGE_ROLES | CAP.KICK][s.n % 3] as number,
        rank: [5, 50, 150, 2000][s.n % 4] as number,
        color: 0,
      };
    case 9:
      return { kind: 'grant', target, role: `r${s.n % 3}` };
    case 10:
      return { kind: 'create_channel', channel: ch, name: `c${s.n}`, channelKind: 'text', topic: '' };
    case 11:
      return { kind: 'set_channel_acl', channel: general, acl: s.n % 2 === 0 ? { read: [ROLE_MOD], send: [ROLE_MOD], accounts: [] } : undefined, cutoffs: [] };
    case 12:
      return { kind: 'delete_message', channel: general, message: new Uint8Array(32).fill(s.n % 256), author: target };
    default:
      return { kind: 'leave' };
  }
};

/** Runs the steps; returns every entry made (base included) and each actor's final view. */
export const runScenario = (steps: readonly Step[]): { all: Signed<AuthorityEntry>[]; base: Signed<AuthorityEntry>[]; general: Uint8Array } => {
  const { room, general } = baseRoom();
  const base = [...room.entries];
  const views: Map<string, Signed<AuthorityEntry>>[] = ACTORS.map(() => new Map(base.map((e) => [toHex(e.id), e])));
  const all = new Map(base.map((e) => [toHex(e.id), e]));
  let time = room.time;
  for (const s of steps) {
    const view = views[s.actor] as Map<string, Signed<AuthorityEntry>>;
    if (s.sync >= 0) for (const [h, e] of views[s.sync] as Map<string, Signed<AuthorityEntry>>) view.set(h, e);
    const state = replayAuthority([...view.values()], crypto);
    time += 1000;
    const e = nextEntry(state, (ACTORS[s.actor] as Member).author, actionFor(s, state, general), time, crypto);
    view.set(toHex(e.id), e);
    all.set(toHex(e.id), e);
  }
  return { all: [...all.values()], base, general };
};
