import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ModeratorDeletion } from '../src/authority/view.ts';
import { compare, toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import type { Content } from '../src/message/content.ts';
import { decryptEnvelope, type Envelope } from '../src/message/envelope.ts';
import { haveVector, haveVectors, lacking } from '../src/message/have-vector.ts';
import { channelHistory, type HistoryItem, type HistoryMessage, historyView } from '../src/message/history.ts';
import { verifyEnvelope } from '../src/message/validate-envelope.ts';
import { crypto } from './helpers.ts';
import { addDevice, cast, type MessageRoom } from './message-fixture.ts';

/** Decrypts with the room's key for the envelope's epoch, as a client would. */
const itemOf = (room: MessageRoom, env: Signed<Envelope>): HistoryItem => {
  const key = room.keys[env.body.epoch];
  let content: Content | undefined;
  try {
    content = key === undefined ? undefined : decryptEnvelope(env.body, key, crypto);
  } catch {
    content = undefined;
  }
  return { envelope: env, content };
};

const byId = (view: { messages: HistoryMessage[] }, id: Uint8Array): HistoryMessage => {
  const m = view.messages.find((x) => compare(x.id, id) === 0);
  assert.ok(m, 'message not in view');
  return m;
};

describe('history view rules', () => {
  const { alice, bob, carol, room } = cast('history-rules');
  const bobPhone = addDevice(room, bob, 'phone');
  const ch = room.channel;
  const m1 = room.send(bob, { text: 'first', mentions: [carol.key] });
  const m2 = room.send(carol, { text: 'reply', replyTo: m1.id });
  const items = (...envs: Signed<Envelope>[]) => envs.map((e) => itemOf(room, e));

  it('orders messages by (lamport, id) and carries reply-to and mentions', () => {
    const v = historyView({ channel: ch, items: items(m2, m1) });
    assert.deepEqual(
      v.messages.map((m) => m.text),
      ['first', 'reply'],
    );
    assert.deepEqual(byId(v, m2.id).replyTo, m1.id);
    assert.deepEqual(byId(v, m1.id).mentions, [carol.key]);
  });

  it('applies the latest edit by the author account (any of its devices); ignores others', () => {
    const e1 = room.send(bob, { text: 'first (edited)' }, { op: 'edit', target: m1.id });
    const e2 = room.send(bobPhone, { text: 'first (edited on phone)' }, { op: 'edit', target: m1.id });
    const forged = room.send(carol, { text: 'carol rewrote it' }, { op: 'edit', target: m1.id });
    const v = historyView({ channel: ch, items: items(m1, forged, e2, e1) });
    const m = byId(v, m1.id);
    assert.equal(m.text, 'first (edited on phone)');
    assert.equal(m.edited, true);
    assert.equal(byId(historyView({ channel: ch, items: items(m1, forged) }), m1.id).edited, false);
  });

  it('author delete makes a tombstone; a delete by someone else is ignored', () => {
    const d = room.send(bobPhone, {}, { op: 'delete', target: m1.id });
    const notMine = room.send(carol, {}, { op: 'delete', target: m1.id });
    const v = historyView({ channel: ch, items: items(m1, d) });
    assert.deepEqual(byId(v, m1.id).deleted, { reason: 'author', by: bob.key, entryId: d.id });
    assert.equal(byId(v, m1.id).text, undefined);
    assert.equal(byId(historyView({ channel: ch, items: items(m1, notMine) }), m1.id).deleted, undefined);
  });

  it('moderator deletions apply only when they name the real author, and win over author deletes', () => {
    const d = room.send(bob, {}, { op: 'delete', target: m1.id });
    const mod: ModeratorDeletion = { message: m1.id, author: bob.key, by: alice.key, entryId: new Uint8Array(32).fill(5), reason: 'delete' };
    const lying: ModeratorDeletion = { ...mod, author: carol.key, entryId: new Uint8Array(32).fill(1) };
    const v = historyView({ channel: ch, items: items(m1, d), deletions: [lying, mod] });
    assert.deepEqual(byId(v, m1.id).deleted, { reason: 'delete', by: alice.key, entryId: mod.entryId });
    assert.equal(byId(historyView({ channel: ch, items: items(m1), deletions: [lying] }), m1.id).deleted, undefined);
  });

  it('aggregates reactions: latest react/unreact per (account, emoji) wins', () => {
    const r1 = room.send(carol, { emoji: '👍' }, { op: 'react', target: m1.id });
    const r2 = room.send(alice, { emoji: '👍' }, { op: 'react', target: m1.id });
    const r3 = room.send(alice, { emoji: '🎉' }, { op: 'react', target: m1.id });
    const u1 = room.send(carol, { emoji: '👍' }, { op: 'unreact', target: m1.id });
    const r4 = room.send(carol, { emoji: '🎉' }, { op: 'react', target: m1.id });
    const v = historyView({ channel: ch, items: items(r4, u1, r3, r2, r1, m1) });
    assert.deepEqual(byId(v, m1.id).reactions, [
      { emoji: '👍', accounts: [alice.key] },
      { emoji: '🎉', accounts: [alice.key, carol.key].sort(compare) },
    ]);
  });

  it('ignores ops on ops and ops on unknown targets; pins mark messages', () => {
    const e1 = room.send(bob, { text: 'edit' }, { op: 'edit', target: m1.id });
    const onEdit = room.send(bob, { text: 'edit of edit' }, { op: 'edit', target: e1.id });
    const dangling = room.send(bob, { emoji: 'x' }, { op: 'react', target: new Uint8Array(32) });
    const v = historyView({ channel: ch, items: items(m1, e1, onEdit, dangling), pins: [m1.id] });
    assert.equal(v.messages.length, 1);
    assert.equal(byId(v, m1.id).text, 'edit');
    assert.equal(byId(v, m1.id).pinned, true);
  });

  it('equivocation: same (device, seq) twice keeps the lower id and reports the pair', () => {
    const a = room.send(carol, { text: 'version A' }, { seq: 99 });
    const b = room.send(carol, { text: 'version B' }, { seq: 99 });
    const [lo, hi] = compare(a.id, b.id) < 0 ? [a, b] : [b, a];
    const v = historyView({ channel: ch, items: items(hi, lo, hi) });
    assert.deepEqual(
      v.messages.map((m) => toHex(m.id)),
      [toHex(lo.id)],
    );
    assert.deepEqual(v.equivocations, [{ device: carol.device.sign.publicKey, seq: 99, kept: lo.id, dropped: hi.id }]);
  });

  it('an undecryptable message stays in place without text; a duplicate with content wins', () => {
    const m = room.send(carol, { text: 'hidden' });
    const v = historyView({ channel: ch, items: [{ envelope: m, content: undefined }] });
    assert.equal(byId(v, m.id).text, undefined);
    const v2 = historyView({ channel: ch, items: [{ envelope: m, content: undefined }, itemOf(room, m)] });
    assert.equal(byId(v2, m.id).text, 'hidden');
  });
});

describe('channelHistory with the real authority log', () => {
  it('BAN with purge tombstones the banned account messages and drops its reactions', () => {
    const { alice, bob, carol, room } = cast('purge');
    const keep = room.send(carol, { text: 'keep me' });
    const spam = room.send(bob, { text: 'spam' });
    const react = room.send(bob, { emoji: '💩' }, { op: 'react', target: keep.id });
    const envs = [keep, spam, react];
    for (const e of envs) verifyEnvelope(e.bytes, room.state, crypto);
    const ban = room.room.ban(alice, bob, [{ device: bob.device.sign.publicKey, stream: room.channel, seq: 2 }], true);
    const v = channelHistory(
      envs.map((e) => itemOf(room, e)),
      room.state,
      room.channel,
    );
    assert.deepEqual(byId(v, spam.id).deleted, { reason: 'purge', by: alice.key, entryId: ban.id });
    assert.deepEqual(byId(v, keep.id).reactions, []);
    assert.equal(byId(v, keep.id).deleted, undefined);
  });

  it('DELETE_MESSAGE and PIN entries show up', () => {
    const { alice, bob, room } = cast('mod-delete');
    const m = room.send(bob, { text: 'rude' });
    const p = room.send(bob, { text: 'useful' });
    const del = room.room.do(alice, { kind: 'delete_message', channel: room.channel, message: m.id, author: bob.key });
    room.room.do(alice, { kind: 'pin', channel: room.channel, message: p.id, pinned: true });
    const v = channelHistory([itemOf(room, m), itemOf(room, p)], room.state, room.channel);
    assert.deepEqual(byId(v, m.id).deleted, { reason: 'delete', by: alice.key, entryId: del.id });
    assert.equal(byId(v, p.id).pinned, true);
  });
});

/** A pool of envelopes exercising every rule, for the property tests. */
const buildPool = () => {
  const { alice, bob, carol, room } = cast('history-pool');
  const phone = addDevice(room, bob, 'phone');
  const people = [alice, bob, carol, phone];
  const envs: Signed<Envelope>[] = [];
  const msgs: Signed<Envelope>[] = [];
  for (let i = 0; i < 8; i++) {
    const who = people[i % people.length] as (typeof people)[number];
    const m = room.send(who, { text: `message ${i}`, replyTo: msgs[i - 1]?.id });
    msgs.push(m);
    envs.push(m);
  }
  const t = (i: number) => (msgs[i] as Signed<Envelope>).id;
  envs.push(
    room.send(bob, { text: 'edit 1' }, { op: 'edit', target: t(1) }),
    room.send(phone, { text: 'edit 2' }, { op: 'edit', target: t(1) }),
    room.send(alice, { text: 'not yours' }, { op: 'edit', target: t(1) }),
    // Two edits with the same Lamport clock: the id breaks the tie.
    room.send(carol, { text: 'tie A' }, { op: 'edit', target: t(2), lamport: 500 }),
    room.send(carol, { text: 'tie B' }, { op: 'edit', target: t(2), lamport: 500 }),
    room.send(alice, {}, { op: 'delete', target: t(4) }),
    room.send(carol, {}, { op: 'delete', target: t(5) }),
    room.send(alice, { emoji: '👍' }, { op: 'react', target: t(3) }),
    room.send(carol, { emoji: '👍' }, { op: 'react', target: t(3) }),
    room.send(carol, { emoji: '👍' }, { op: 'unreact', target: t(3) }),
    room.send(bob, { emoji: '🎉' }, { op: 'react', target: t(3), lamport: 700 }),
    room.send(phone, { emoji: '🎉' }, { op: 'unreact', target: t(3), lamport: 700 }),
    room.send(carol, { text: 'equivocation A' }, { seq: 50 }),
    room.send(carol, { text: 'equivocation B' }, { seq: 50 }),
    room.send(carol, { text: 'equivocation C' }, { seq: 50 }),
  );
  const items = envs.map((e) => itemOf(room, e));
  // One envelope nobody can decrypt.
  items.push({ envelope: room.send(alice, { text: 'unreadable' }), content: undefined });
  const deletions: ModeratorDeletion[] = [
    { message: t(6), author: (msgs[6] as Signed<Envelope>).body.account, by: alice.key, entryId: new Uint8Array(32).fill(3), reason: 'delete' },
    { message: t(6), author: (msgs[6] as Signed<Envelope>).body.account, by: alice.key, entryId: new Uint8Array(32).fill(2), reason: 'purge' },
    { message: t(7), author: carol.key, by: alice.key, entryId: new Uint8Array(32).fill(4), reason: 'delete' },
  ];
  return { room, items, deletions, pins: [t(0), t(3)] };
};

describe('history view properties (fast-check)', () => {
  const pool = buildPool();
  const view = (items: readonly HistoryItem[], deletions: readonly ModeratorDeletion[] = pool.deletions) =>
    historyView({ channel: pool.room.channel, items, deletions, pins: pool.pins });
  /** A delivery of `set`: every element at least once, some duplicated (some copies undecrypted), any order. */
  const delivery = (set: HistoryItem[]) =>
    fc
      .tuple(
        fc.array(fc.nat({ max: Math.max(0, set.length - 1) }), { maxLength: set.length === 0 ? 0 : 2 * set.length }),
        fc.array(fc.boolean(), { minLength: 3 * set.length, maxLength: 3 * set.length }),
      )
      .map(([dups, strip]) => {
        const all = [...set, ...dups.map((i) => set[i] as HistoryItem)];
        // A duplicate copy may have failed to decrypt; the set semantics must not care.
        return all.map((it, i) => (i >= set.length && strip[i] === true ? { envelope: it.envelope, content: undefined } : it));
      })
      .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));

  it('is a pure function of the SET: any permutation and duplication gives a deep-equal view', () => {
    fc.assert(
      fc.property(
        fc.subarray(pool.items).chain((set) => fc.tuple(fc.constant(set), delivery(set), fc.shuffledSubarray(pool.deletions, { minLength: 3, maxLength: 3 }))),
        ([set, delivered, deletions]) => {
          const canonical = [...set].sort((a, b) => compare(a.envelope.id, b.envelope.id));
          assert.deepStrictEqual(view(delivered, deletions), view(canonical));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never reports more equivocations than duplicates of a slot, and keeps the lowest id', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(pool.items), (set) => {
        const v = view(set);
        for (const q of v.equivocations) assert.ok(compare(q.kept, q.dropped) < 0);
        const ids = new Set(v.messages.map((m) => toHex(m.id)));
        for (const q of v.equivocations) assert.ok(!ids.has(toHex(q.dropped)));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('have-vectors are order-free and lacking() covers exactly the gap', () => {
    const envs = pool.items.map((i) => i.envelope.body);
    fc.assert(
      fc.property(fc.subarray(envs), fc.subarray(envs), (mine, theirs) => {
        const a = haveVector(mine, pool.room.channel);
        assert.deepStrictEqual(haveVectors([...mine].reverse()), haveVectors(mine));
        const b = haveVector(theirs, pool.room.channel);
        for (const r of lacking(a, b)) {
          const d = toHex(r.device);
          assert.equal(r.from, (a[d] ?? 0) + 1);
          assert.equal(r.to, b[d]);
        }
        assert.deepEqual(lacking(a, a), []);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe('have-vector', () => {
  it('counts the contiguous prefix per device and ignores malformed remote entries', () => {
    const d1 = new Uint8Array(32).fill(1);
    const d2 = new Uint8Array(32).fill(2);
    const c = new Uint8Array(16);
    const slots = [1, 2, 3, 5].map((seq) => ({ device: d1, channel: c, seq })).concat([{ device: d2, channel: c, seq: 2 }]);
    const v = haveVector(slots, c);
    assert.deepEqual(v, { [toHex(d1)]: 3 });
    assert.deepEqual(lacking(v, { [toHex(d1)]: 6, [toHex(d2)]: 2, nothex: 4, [toHex(new Uint8Array(32).fill(3))]: -1 }), [
      { device: d1, from: 4, to: 6 },
      { device: d2, from: 1, to: 2 },
    ]);
  });
});
