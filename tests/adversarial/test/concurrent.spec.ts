/**
 * THREATS 10 / 17, end to end: two moderators act at the same moment on the same heads, neither
 * seeing the other's entry first (ban vs grant; two key rotations). Every peer must derive the same
 * room state, and no legitimate member may lose the ability to read what was sent meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { CAP, toHex } from '@parley/protocol';
import { Cast, type Community, community, converged, eventually, texts, witnesses } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

let c: Community;
const m = (name: string): ParleyClient => c.members[name] as ParleyClient;
const acct = (x: ParleyClient): Uint8Array => x.identity.account.publicKey;

before(
  async () => {
    c = await community(cast, 'conc', ['m1', 'm2', 'x', 'y']);
    const caps = CAP.READ | CAP.SEND | CAP.INVITE | CAP.PIN | CAP.KICK | CAP.BAN | CAP.MANAGE_ROLES | CAP.MANAGE_KEYS;
    await c.owner.act(c.room, { kind: 'define_role', role: 'admin', name: 'Admin', caps, rank: 500, color: 0xe67e22 });
    await c.owner.act(c.room, { kind: 'define_role', role: 'helper', name: 'Helper', caps: CAP.READ | CAP.SEND | CAP.PIN, rank: 10, color: 0x1abc9c });
    await c.owner.grant(c.room, acct(m('m1')), 'mod');
    await c.owner.grant(c.room, acct(m('m2')), 'admin');
    await eventually('everyone sees both moderators', () =>
      c.all.every((x) => x.members(c.room).filter((mm) => mm.roles.includes('mod') || mm.roles.includes('admin')).length === 2),
    );
    await converged(witnesses(c.all), c.room);
  },
  { timeout: 900_000 },
);

/** An entry's body as the peer that holds it sees it. */
const bodyOf = (client: ParleyClient, id: Uint8Array) => client.state(c.room).entries.find((o) => toHex(o.entry.id) === toHex(id))?.entry.body;

/** Whether neither entry names the other among its previous entries and both carry the same Lamport clock. */
const concurrent = (a: NonNullable<ReturnType<typeof bodyOf>>, aId: Uint8Array, b: NonNullable<ReturnType<typeof bodyOf>>, bId: Uint8Array): boolean =>
  !a.prev.some((p) => toHex(p) === toHex(bId)) && !b.prev.some((p) => toHex(p) === toHex(aId)) && a.lamport === b.lamport;

test('two moderators issue conflicting actions concurrently (ban vs grant): all peers converge to the same state', { timeout: 600_000 }, async () => {
  const x = m('x');
  const [banId, grantId] = await Promise.all([m('m1').ban(c.room, acct(x)), m('m2').grant(c.room, acct(x), 'helper')]);
  const ban = bodyOf(m('m1'), banId);
  const grant = bodyOf(m('m2'), grantId);
  assert.ok(ban !== undefined && grant !== undefined);
  assert.ok(concurrent(ban, banId, grant, grantId), 'the two entries are concurrent (same Lamport clock, neither names the other)');
  // Total order (Lamport, id): a grant sorting first is valid (x then holds rank 10, below a moderator,
  // and the ban stands); a ban sorting first leaves no member to grant to, so the grant is invalid
  // for every peer (receivers reject it; its author's replay marks it invalid).
  const grantFirst = toHex(grantId) < toHex(banId);
  const honest = c.all.filter((p) => p !== x);
  await eventually('every peer holds the ban', () => honest.every((p) => p.state(c.room).positionOf(banId) !== undefined));
  const d = await converged(witnesses(c.all), c.room);
  for (const p of c.all)
    assert.ok(
      p
        .state(c.room)
        .banned()
        .some((a) => toHex(a) === toHex(acct(x))),
      'x is banned everywhere',
    );
  for (const p of honest) {
    const st = p.state(c.room);
    const at = st.positionOf(grantId);
    assert.equal(at !== undefined && st.isValid(at), grantFirst, 'the grant is valid exactly when it sorts before the ban');
  }
  assert.ok(d.length > 0);
});

test('two moderators rotate the channel key concurrently: all peers converge and every message stays readable', { timeout: 600_000 }, async () => {
  const honest = c.all.filter((p) => p !== m('x'));
  const e0 = c.owner.state(c.room).epochAt(c.general, c.owner.state(c.room).length - 1);
  await eventually('everyone holds the current key', () => honest.every((p) => p.canSend(c.room, c.general)));
  const [r1, r2] = await Promise.all([
    m('m1').act(c.room, { kind: 'rotate', channel: c.general }),
    m('m2').act(c.room, { kind: 'rotate', channel: c.general }),
  ]);
  // Each rotator sends at once, under the key it just made.
  const racing = ['m1 right after rotating', 'm2 right after rotating'];
  await Promise.all([m('m1').send(c.room, c.general, racing[0] as string), m('m2').send(c.room, c.general, racing[1] as string)]);
  await eventually('every peer holds both rotations', () =>
    honest.every((p) => p.state(c.room).positionOf(r1) !== undefined && p.state(c.room).positionOf(r2) !== undefined),
  );
  const b1 = bodyOf(c.owner, r1);
  const b2 = bodyOf(c.owner, r2);
  assert.ok(b1 !== undefined && b2 !== undefined);
  assert.ok(concurrent(b1, r1, b2, r2), 'the two rotations are concurrent');
  await converged(witnesses(honest), c.room);
  for (const p of honest) assert.equal(p.state(c.room).epochAt(c.general, p.state(c.room).length - 1), e0 + 2, 'two new epochs everywhere');
  await eventually('every member can send in the newest epoch', () => honest.every((p) => p.canSend(c.room, c.general)));
  const after = honest.map((_p, i) => `after both rotations ${i}`);
  for (const [i, p] of honest.entries()) await p.send(c.room, c.general, after[i] as string);
  const all = [...racing, ...after];
  await eventually(
    'every member reads every message (nothing became unreadable)',
    async () => {
      for (const p of honest) {
        const seen = await texts(p, c.room, c.general);
        if (!all.every((t) => seen.includes(t))) return false;
      }
      return true;
    },
    40_000,
  );
});
