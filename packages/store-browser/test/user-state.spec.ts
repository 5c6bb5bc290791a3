import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { InvalidArgumentError } from '@parley/store';
import { Fixtures } from '@parley/store/compliance';
import fc from 'fast-check';
import { SealedUpdateError, sealUpdate, userStateKey } from '../src/user-state/sealed-update.ts';
import { UserState } from '../src/user-state/user-state.ts';

const f = new Fixtures(7000);
const SECRET = f.bytes(32);
const device = () => new UserState({ accountSecret: SECRET });
const field = (name: string) => (e: unknown) => e instanceof InvalidArgumentError && e.field === name;

/** Wires devices so each one's sealed updates are collected, for delivery in any order. */
const outboxes = (states: readonly UserState[]): Uint8Array[][] =>
  states.map((s) => {
    const out: Uint8Array[] = [];
    s.onSealedUpdate((b) => out.push(b));
    return out;
  });

const snapshot = (s: UserState, room: Uint8Array, channel: Uint8Array, account: Uint8Array) => ({
  rooms: s.rooms().map((r) => ({ ...r, room: toHex(r.room) })),
  settings: s.settings(),
  marker: s.readMarker(room, channel),
  draft: s.draft(room, channel),
  nickname: s.nickname(account),
});

describe('UserState: the typed API', () => {
  it('keeps rooms, settings, drafts and nicknames as plain values', () => {
    const s = device();
    const [r1, r2, ch, acct] = [f.room(), f.room(), f.channel(), f.key()];
    s.joinRoom({ room: r2, name: 'Later', hubs: [], joinedAt: 20 });
    s.joinRoom({ room: r1, name: 'Lobby', hubs: ['/dns4/hub.example/tcp/443/wss'], joinedAt: 10 });
    assert.deepEqual(
      s.rooms().map((r) => [toHex(r.room), r.name, r.hubs, r.joinedAt]),
      [
        [toHex(r1), 'Lobby', ['/dns4/hub.example/tcp/443/wss'], 10],
        [toHex(r2), 'Later', [], 20],
      ],
    );
    for (const r of s.rooms()) assert.equal(Object.getPrototypeOf(r), Object.prototype, 'no Yjs type leaks out');
    s.setSetting('theme', 'dark');
    s.setSetting('compact', true);
    s.setSetting('fontScale', 1.25);
    s.setSetting('compact', undefined);
    assert.deepEqual(s.settings(), { fontScale: 1.25, theme: 'dark' });
    assert.equal(s.setting('missing'), undefined);
    s.setDraft(r1, ch, 'half a thought');
    assert.equal(s.draft(r1, ch), 'half a thought');
    s.setNickname(acct, 'Mum');
    assert.equal(s.nickname(acct), 'Mum');
    s.leaveRoom(r1);
    assert.equal(s.room(r1), undefined);
    assert.equal(s.draft(r1, ch), '', 'leaving a room drops its drafts');
    assert.equal(s.room(r2)?.name, 'Later');
    s.setNickname(acct, undefined);
    assert.equal(s.nickname(acct), undefined);
  });

  it('read markers only move forward', () => {
    const s = device();
    const [room, ch] = [f.room(), f.channel()];
    const at = (lamport: number, byte: number) => ({ lamport, id: new Uint8Array(32).fill(byte) });
    assert.equal(s.readMarker(room, ch), undefined);
    assert.equal(s.markRead(room, ch, at(5, 1)), true);
    assert.equal(s.markRead(room, ch, at(4, 9)), false);
    assert.equal(s.markRead(room, ch, at(5, 1)), false);
    assert.equal(s.markRead(room, ch, at(5, 2)), true);
    assert.deepEqual(s.readMarker(room, ch), at(5, 2));
  });

  it('checks its arguments, naming the bad one', () => {
    const s = device();
    const [room, ch] = [f.room(), f.channel()];
    assert.throws(() => s.joinRoom({ room: new Uint8Array(31), name: 'x', hubs: [], joinedAt: 0 }), field('room.room'));
    assert.throws(() => s.joinRoom({ room, name: '', hubs: [], joinedAt: 0 }), field('room.name'));
    assert.throws(() => s.joinRoom({ room, name: 'x'.repeat(101), hubs: [], joinedAt: 0 }), field('room.name'));
    assert.throws(() => s.joinRoom({ room, name: 'x', hubs: Array(17).fill('/a'), joinedAt: 0 }), field('room.hubs'));
    assert.throws(() => s.joinRoom({ room, name: 'x', hubs: [''], joinedAt: 0 }), field('room.hubs[0]'));
    assert.throws(() => s.joinRoom({ room, name: 'x', hubs: [], joinedAt: -1 }), field('room.joinedAt'));
    assert.throws(() => s.setSetting('', 1), field('key'));
    assert.throws(() => s.setSetting('k', Number.NaN), field('value'));
    assert.throws(() => s.setSetting('k', {} as unknown as string), field('value'));
    assert.throws(() => s.setDraft(room, new Uint8Array(32), 'x'), field('channel'));
    assert.throws(() => s.setDraft(room, ch, 'x'.repeat(4001)), field('text'));
    assert.throws(() => s.markRead(room, ch, { lamport: -1, id: new Uint8Array(32) }), field('cursor.lamport'));
    assert.throws(() => s.setNickname(new Uint8Array(3), 'x'), field('account'));
    assert.throws(() => new UserState({ accountSecret: new Uint8Array(8) }), field('accountSecret'));
    assert.deepEqual(s.rooms(), [], 'nothing was written');
  });
});

describe('UserState: sync through sealed updates', () => {
  it('devices converge from sealed updates delivered in any order, with duplicates (property)', () => {
    const [room, ch, acct] = [f.room(), f.channel(), f.key()];
    const op = fc.oneof(
      fc.record({ k: fc.constant('join' as const), name: fc.string({ minLength: 1, maxLength: 10 }), at: fc.nat(1000) }),
      fc.record({
        k: fc.constant('setting' as const),
        key: fc.constantFrom('theme', 'sound', 'lang'),
        v: fc.oneof(fc.string(), fc.boolean(), fc.constant(null)),
      }),
      fc.record({ k: fc.constant('read' as const), lamport: fc.nat(50), id: fc.nat(255) }),
      fc.record({ k: fc.constant('draft' as const), text: fc.string({ maxLength: 20 }) }),
      fc.record({ k: fc.constant('nick' as const), name: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }) }),
      fc.record({ k: fc.constant('leave' as const) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), op), { maxLength: 30 }), fc.infiniteStream(fc.nat()), (ops, picks) => {
        const devices = [device(), device(), device()];
        const sent = outboxes(devices);
        for (const [d, o] of ops) {
          const s = devices[d] as UserState;
          if (o.k === 'join') s.joinRoom({ room, name: o.name, hubs: [], joinedAt: o.at });
          if (o.k === 'setting') s.setSetting(o.key, o.v);
          if (o.k === 'read') s.markRead(room, ch, { lamport: o.lamport, id: new Uint8Array(32).fill(o.id) });
          if (o.k === 'draft') s.setDraft(room, ch, o.text);
          if (o.k === 'nick') s.setNickname(acct, o.name);
          if (o.k === 'leave') s.leaveRoom(room);
        }
        const all = sent.flat();
        const it = picks[Symbol.iterator]();
        const next = () => it.next().value as number;
        // Every device gets every blob, shuffled, some twice.
        for (const s of devices) {
          const order = [...all, ...all.filter(() => next() % 3 === 0)].sort(() => (next() % 2 === 0 ? -1 : 1));
          for (const b of order) s.applySealed(b);
        }
        const [a, ...rest] = devices.map((s) => snapshot(s, room, ch, acct));
        for (const x of rest) assert.deepEqual(x, a);
        // Markers never go back: the converged marker is the highest any device marked.
        const marks = ops.flatMap(([, o]) => (o.k === 'read' ? [[o.lamport, o.id] as const] : []));
        const neverLeft = ops.every(([, o]) => o.k !== 'leave');
        if (neverLeft && marks.length > 0) {
          const [l, id] = [...marks].sort((x, y) => x[0] - y[0] || x[1] - y[1]).at(-1) as readonly [number, number];
          assert.deepEqual(a?.marker, { lamport: l, id: new Uint8Array(32).fill(id) });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a blob that is tampered, foreign or not an update is rejected with a typed error and changes nothing', () => {
    const a = device();
    const b = device();
    const [sent] = outboxes([a]);
    a.joinRoom({ room: f.room(), name: 'Secret club', hubs: [], joinedAt: 1 });
    const blob = sent?.[0] as Uint8Array;
    assert.ok(!toHex(blob).includes(toHex(new TextEncoder().encode('Secret club'))), 'the blob hides the room name');
    const tampered = new Uint8Array(blob);
    tampered[30] = (tampered[30] as number) ^ 0x80;
    assert.throws(
      () => b.applySealed(tampered),
      (e: unknown) => e instanceof SealedUpdateError && e.reason === 'tampered',
    );
    const foreign = new UserState({ accountSecret: f.bytes(32) });
    assert.throws(
      () => foreign.applySealed(blob),
      (e: unknown) => e instanceof SealedUpdateError && e.reason === 'tampered',
    );
    const garbage = sealUpdate(userStateKey(SECRET), new Uint8Array([1, 2, 3, 4, 5]));
    assert.throws(
      () => b.applySealed(garbage),
      (e: unknown) => e instanceof SealedUpdateError && e.reason === 'malformed',
    );
    assert.deepEqual(b.rooms(), []);
    b.applySealed(blob);
    assert.equal(b.rooms()[0]?.name, 'Secret club');
  });

  it('a new device catches up from the sealed whole state', () => {
    const a = device();
    const [room, ch] = [f.room(), f.channel()];
    a.joinRoom({ room, name: 'Lobby', hubs: ['/dns4/h/tcp/1/wss'], joinedAt: 3 });
    a.markRead(room, ch, { lamport: 9, id: new Uint8Array(32).fill(4) });
    const fresh = device();
    fresh.applySealed(a.sealedState());
    assert.deepEqual(snapshot(fresh, room, ch, f.key()), snapshot(a, room, ch, f.key()));
  });
});
