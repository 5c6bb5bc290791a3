/** Compliance: put / get / has / delete, validation, atomicity, copies, rooms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare } from '@parley/protocol';
import { InvalidArgumentError, StoreClosedError } from '../errors.ts';
import type { StoredObject } from '../stored-object.ts';
import type { SuiteContext } from './context.ts';
import { Fixtures, norm } from './fixtures.ts';

const isPlain = (b: Uint8Array | undefined): boolean => b === undefined || Object.getPrototypeOf(b) === Uint8Array.prototype;

export const objectTests = (ctx: SuiteContext): void => {
  describe('objects', () => {
    it('put is idempotent by id and returns how many were new', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(1);
        const room = f.room();
        const a = f.entry({ room, device: f.key(), seq: 1, lamport: 1 });
        const b = f.other('INVITE_TOKEN', room);
        assert.equal(await s.put([a, b]), 2);
        assert.equal(await s.put([a, b]), 0);
        const c = f.other('EPOCH_BUNDLE', room, { channel: f.channel() });
        assert.equal(await s.put([c, c, a]), 1, 'a duplicate inside one batch counts once');
        assert.equal(await s.put([]), 0);
        assert.deepEqual((await s.usage(room)).count, 3);
      }));

    it('get returns every field as stored, as plain Uint8Arrays', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(2);
        const room = f.room();
        const e = f.envelope({ room, channel: f.channel(), device: f.key(), seq: 7, lamport: 2 ** 40, receivedAt: 1_712_345_678_901 });
        const bare: StoredObject = { id: f.id(), type: 'DEVICE_CERT', room, bytes: f.frame('DEVICE_CERT', 5), receivedAt: 0 };
        await s.put([e, bare]);
        const got = await s.get(e.id);
        assert.deepEqual(norm(got), norm(e));
        for (const k of ['id', 'room', 'channel', 'device', 'account', 'bytes'] as const) assert.ok(isPlain(got?.[k]), `${k} is a plain Uint8Array`);
        const gotBare = await s.get(bare.id);
        assert.deepEqual(norm(gotBare), norm(bare));
        assert.equal(gotBare?.seq, undefined);
        assert.equal(gotBare?.channel, undefined);
        assert.equal(await s.get(f.id()), undefined);
      }));

    it('has answers per id, in order, duplicates included', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(3);
        const room = f.room();
        const a = f.other('PROFILE', room);
        await s.put([a]);
        const missing = f.id();
        assert.deepEqual(await s.has([missing, a.id, a.id, missing]), [false, true, true, false]);
        assert.deepEqual(await s.has([]), []);
      }));

    it('keeps a room-less object once per room that uses it', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(4);
        const [r1, r2] = [f.room(), f.room()].sort(compare) as [Uint8Array, Uint8Array];
        const p = f.other('PROFILE', r2);
        const q = { ...p, room: r1, receivedAt: p.receivedAt + 5 };
        assert.equal(await s.put([p]), 1);
        assert.equal(await s.put([q]), 1);
        assert.equal(await s.put([q]), 0);
        assert.deepEqual(norm(await s.get(p.id, r1)), norm(q));
        assert.deepEqual(norm(await s.get(p.id, r2)), norm(p));
        assert.deepEqual(norm(await s.get(p.id)), norm(q), 'without a room: the copy in the bytewise-lowest room');
        assert.equal((await s.byType(r1, 'PROFILE')).length, 1);
        assert.deepEqual(await s.has([p.id], f.room()), [false]);
        assert.deepEqual(await s.has([p.id], r2), [true]);
        assert.equal(await s.delete([p.id], r1), 1);
        assert.deepEqual(await s.has([p.id]), [true]);
        assert.equal((await s.usage(r1)).count, 0);
        assert.equal((await s.usage(r2)).count, 1);
      }));

    it('delete removes ids from every room and counts the ids it held', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(5);
        const room = f.room();
        const a = f.other('KEY_SHARE', room);
        const b = f.other('INVITE_TOKEN', room);
        const p = f.other('PROFILE', room);
        await s.put([a, b, p, { ...p, room: f.room() }]);
        assert.equal(await s.delete([a.id, p.id, f.id(), a.id]), 2);
        assert.deepEqual(await s.has([a.id, b.id, p.id]), [false, true, false]);
        assert.equal(await s.delete([a.id]), 0);
        assert.equal(await s.put([a]), 1, 'a deleted object can be stored again');
      }));

    it('rejects malformed objects, naming the field, and writes nothing of the batch', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(6);
        const room = f.room();
        const good = f.entry({ room, device: f.key(), seq: 1, lamport: 1 });
        const env = f.envelope({ room, channel: f.channel(), device: f.key(), seq: 1, lamport: 1 });
        const bad: [StoredObject, string][] = [
          [{ ...good, id: new Uint8Array(31) }, 'objects[1].id'],
          [{ ...good, room: new Uint8Array(33) }, 'objects[1].room'],
          [{ ...good, type: 'NOPE' as StoredObject['type'] }, 'objects[1].type'],
          [{ ...good, type: 'ENVELOPE' }, 'objects[1].bytes'],
          [{ ...good, bytes: new Uint8Array(0) }, 'objects[1].bytes'],
          [{ ...env, seq: undefined }, 'objects[1].seq'],
          [{ ...env, seq: 0 }, 'objects[1].seq'],
          [{ ...env, channel: new Uint8Array(32) }, 'objects[1].channel'],
          [{ ...good, lamport: -1 }, 'objects[1].lamport'],
          [{ ...good, seq: 1.5 }, 'objects[1].seq'],
          [{ ...good, receivedAt: Number.NaN }, 'objects[1].receivedAt'],
          [{ ...good, device: undefined }, 'objects[1].device'],
          [{ ...good, account: 'x' as unknown as Uint8Array }, 'objects[1].account'],
        ];
        for (const [o, field] of bad) {
          await assert.rejects(s.put([f.other('INVITE_TOKEN', room), o]), (e: unknown) => e instanceof InvalidArgumentError && e.field === field, field);
        }
        assert.deepEqual(await s.usage(room), { count: 0, bytes: 0 });
        await assert.rejects(s.get(new Uint8Array(3)), InvalidArgumentError);
        await assert.rejects(s.has([f.id(), new Uint8Array(1)]), (e: unknown) => e instanceof InvalidArgumentError && e.field === 'ids[1]');
      }));

    it('answers are copies: mutating them or the input changes nothing stored', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(7);
        const room = f.room();
        const a = f.other('INVITE_TOKEN', room);
        const before = norm(a);
        const input = { ...a, bytes: new Uint8Array(a.bytes) };
        await s.put([input]);
        input.bytes[5] = (input.bytes[5] as number) ^ 0xff;
        const got = await s.get(a.id);
        assert.ok(got);
        got.bytes[5] = (got.bytes[5] as number) ^ 0xff;
        got.id[0] = (got.id[0] as number) ^ 0xff;
        assert.deepEqual(norm(await s.get(a.id)), before);
      }));

    it('stores a large batch in one put', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(8);
        const room = f.room();
        const channel = f.channel();
        const batch = f.history(room, channel, ctx.largeBatch, 4);
        assert.equal(await s.put(batch), batch.length);
        assert.equal((await s.usage(room)).count, batch.length);
        assert.equal((await s.fingerprint(room, channel)).count, batch.length);
        assert.equal(await s.put(batch), 0);
      }));

    it('concurrent puts of one stream all land and the have-vector sees them all', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(9);
        const room = f.room();
        const channel = f.channel();
        const device = f.key();
        const objs = Array.from({ length: 40 }, (_, i) => f.envelope({ room, channel, device, seq: i + 1, lamport: i + 1 }));
        const counts = await Promise.all(f.shuffle([...objs, ...objs.slice(0, 10)]).map((o) => s.put([o])));
        assert.equal(
          counts.reduce((x, y) => x + y, 0),
          40,
        );
        assert.deepEqual(Object.values(await s.haveVector(room, channel)), [40]);
      }));

    it('rejects every call after close', async () => {
      await ctx.with(async (s) => {
        await s.close();
        await assert.rejects(s.put([]), StoreClosedError);
        await assert.rejects(s.get(new Uint8Array(32)), StoreClosedError);
        await assert.rejects(s.pending(), StoreClosedError);
      });
    });
  });
};
