/** Compliance: per-room usage and eviction. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '@parley/protocol';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredObject } from '../stored-object.ts';
import type { SuiteContext } from './context.ts';
import { Fixtures, ids } from './fixtures.ts';

const bytesOf = (os: readonly StoredObject[]): number => os.reduce((n, o) => n + o.bytes.length, 0);

export const quotaTests = (ctx: SuiteContext): void => {
  describe('quotas', () => {
    it('usage counts objects and frame bytes per room', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(50);
        const room = f.room();
        const ch = f.channel();
        const objs = [...f.history(room, ch, 10), f.entry({ room, device: f.key(), seq: 1, lamport: 1 }), f.other('PROFILE', room)];
        await s.put(objs);
        await s.put(objs.slice(0, 3));
        await s.put(f.history(f.room(), ch, 4));
        assert.deepEqual(await s.usage(room), { count: objs.length, bytes: bytesOf(objs) });
        await s.delete([(objs[0] as StoredObject).id, (objs[11] as StoredObject).id]);
        assert.deepEqual(await s.usage(room), { count: objs.length - 2, bytes: bytesOf(objs.slice(1, 11)) });
        assert.deepEqual(await s.usage(f.room()), { count: 0, bytes: 0 });
      }));

    it('evict deletes the oldest envelopes first until the room fits its budget', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(51);
        const room = f.room();
        const ch = f.channel();
        const dev = f.key();
        // receivedAt runs against seq order, and two share a receivedAt (ties go by id).
        const envs = Array.from({ length: 10 }, (_, i) =>
          f.envelope({ room, channel: ch, device: dev, seq: i + 1, lamport: i + 1, receivedAt: 1000 - Math.min(i, 8) * 10, size: 100 }),
        );
        const entry = { ...f.entry({ room, device: dev, seq: 1, lamport: 1 }), receivedAt: 1 };
        await s.put([...envs, entry]);
        const total = bytesOf([...envs, entry]);
        assert.deepEqual(await s.evict(room, total), []);
        const evicted = await s.evict(room, total - 250);
        const tie = [envs[8], envs[9]] as StoredObject[];
        tie.sort((a, b) => (toHex(a.id) < toHex(b.id) ? -1 : 1));
        assert.deepEqual(evicted.map(toHex), ids([...tie, envs[7] as StoredObject]));
        assert.equal((await s.usage(room)).bytes, total - 300);
        assert.deepEqual(await s.has([entry.id]), [true], 'authority entries are not evicted by default');
        assert.deepEqual(await s.haveVector(room, ch), { [toHex(dev)]: 7 });
        const rest = await s.evict(room, 0);
        assert.equal(rest.length, 7);
        assert.deepEqual(await s.usage(room), { count: 1, bytes: entry.bytes.length });
        assert.deepEqual((await s.evict(room, 0, { types: ['AUTHORITY_ENTRY'] })).map(toHex), ids([entry]));
        await assert.rejects(s.evict(room, -1), InvalidArgumentError);
      }));

    it('evict never takes an object that is pending in the outbox', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(52);
        const room = f.room();
        const ch = f.channel();
        const [old, mine, young] = [1, 2, 3].map((seq) => f.envelope({ room, channel: ch, device: f.key(), seq: 1, lamport: seq, receivedAt: seq })) as [
          StoredObject,
          StoredObject,
          StoredObject,
        ];
        await s.put([old, young]);
        await s.enqueue(mine);
        assert.deepEqual((await s.evict(room, 0)).map(toHex), ids([old, young]));
        assert.deepEqual(await s.has([mine.id]), [true]);
        await s.ack(mine.id, 'hub-1');
        assert.deepEqual((await s.evict(room, 0)).map(toHex), ids([mine]));
      }));
  });
};
