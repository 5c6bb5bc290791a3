/** Compliance: the durable outbox. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { InvalidArgumentError } from '../errors.ts';
import type { SuiteContext } from './context.ts';
import { Fixtures, ids, norm } from './fixtures.ts';

export const outboxTests = (ctx: SuiteContext): void => {
  describe('outbox', () => {
    it('enqueue stores the object and lists it as pending, in enqueue order', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(60);
        const room = f.room();
        const ch = f.channel();
        const dev = f.key();
        const msgs = [3, 1, 2].map((seq) => f.envelope({ room, channel: ch, device: dev, seq, lamport: seq }));
        for (const m of msgs) assert.equal(await s.enqueue(m), true);
        assert.equal(await s.enqueue(msgs[0] as (typeof msgs)[0]), false, 'already pending');
        assert.deepEqual(await s.has(msgs.map((m) => m.id)), [true, true, true]);
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 3 });
        const pending = await s.pending();
        assert.deepEqual(ids(pending.map((p) => p.object)), ids(msgs));
        assert.deepEqual(norm(pending[0]?.object), norm(msgs[0]));
        assert.deepEqual(
          pending.map((p) => [p.attempts, p.nextAttemptAt, p.lastAttemptAt, p.targets, p.acks]),
          msgs.map(() => [0, 0, undefined, undefined, []]),
        );
        assert.equal((await s.pending({ limit: 2 })).length, 2);
      }));

    it('attempted records tries; pending({ dueAt }) holds back what is not due', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(61);
        const room = f.room();
        const [a, b] = [f.other('INVITE_TOKEN', room), f.other('PROFILE', room)];
        await s.enqueue(a);
        await s.enqueue(b);
        assert.equal(await s.attempted(a.id, 1000, 3000), true);
        assert.equal(await s.attempted(a.id, 3000, 7000), true);
        assert.equal(await s.attempted(f.id(), 1, 2), false);
        const [pa] = await s.pending();
        assert.deepEqual([pa?.attempts, pa?.lastAttemptAt, pa?.nextAttemptAt], [2, 3000, 7000]);
        assert.deepEqual(ids((await s.pending({ dueAt: 6999 })).map((p) => p.object)), ids([b]));
        assert.deepEqual(ids((await s.pending({ dueAt: 7000 })).map((p) => p.object)), ids([a, b]));
        await assert.rejects(s.attempted(a.id, -1, 2), InvalidArgumentError);
      }));

    it('without targets, the first ack completes an entry', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(62);
        const room = f.room();
        const a = f.other('KEY_SHARE', room);
        await s.enqueue(a);
        assert.equal(await s.ack(a.id, 'peer-x'), 'done');
        assert.deepEqual(await s.pending(), []);
        assert.equal(await s.ack(a.id, 'peer-y'), 'unknown');
        assert.deepEqual(await s.has([a.id]), [true], 'the object itself stays stored');
        assert.equal(await s.enqueue(a), true, 'a completed entry can be enqueued again');
      }));

    it('with targets, only a target completes an entry; other acks are recorded', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(63);
        const room = f.room();
        const a = f.envelope({ room, channel: f.channel(), device: f.key(), seq: 1, lamport: 1 });
        await s.enqueue(a, ['hub-a', 'hub-b', 'hub-a']);
        assert.equal(await s.ack(a.id, 'peer-1'), 'recorded');
        assert.equal(await s.ack(a.id, 'peer-1'), 'recorded');
        const [p] = await s.pending();
        assert.deepEqual([...(p?.targets ?? [])].sort(), ['hub-a', 'hub-b']);
        assert.deepEqual(p?.acks, ['peer-1']);
        assert.equal(await s.ack(a.id, 'hub-b'), 'done');
        assert.deepEqual(await s.pending(), []);
        await assert.rejects(s.enqueue(a, []), InvalidArgumentError);
        await assert.rejects(s.ack(a.id, ''), InvalidArgumentError);
      }));

    it('an entry keeps its own copy: deleting the stored object does not lose it', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(64);
        const room = f.room();
        const a = f.envelope({ room, channel: f.channel(), device: f.key(), seq: 1, lamport: 1 });
        await s.enqueue(a);
        assert.equal(await s.delete([a.id]), 1);
        const [p] = await s.pending();
        assert.deepEqual(norm(p?.object), norm(a));
      }));
  });
};
