/** Compliance: room-level queries (authority log, objects by type). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare, toHex } from '@parley/protocol';
import { InvalidArgumentError } from '../errors.ts';
import type { SuiteContext } from './context.ts';
import { Fixtures, historyOrder, ids } from './fixtures.ts';

export const roomTests = (ctx: SuiteContext): void => {
  describe('room objects', () => {
    it('authority(room) is every AUTHORITY_ENTRY of the room, ordered by (lamport, id)', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(20);
        const room = f.room();
        const dev = f.key();
        const entries = Array.from({ length: 30 }, (_, i) => f.entry({ room, device: dev, seq: i + 1, lamport: 1 + Math.floor(i / 3) }));
        const other = f.entry({ room: f.room(), device: dev, seq: 1, lamport: 1 });
        const env = f.envelope({ room, channel: f.channel(), device: dev, seq: 1, lamport: 1 });
        await s.put(f.shuffle([...entries, other, env, f.other('INVITE_TOKEN', room)]));
        assert.deepEqual(ids(await s.authority(room)), ids(historyOrder(entries)));
        assert.deepEqual(await s.authority(f.room()), []);
      }));

    it('byType filters by type, account and channel, ordered by id, paged by id', () =>
      ctx.with(async (s) => {
        const f = new Fixtures(21);
        const room = f.room();
        const alice = f.key();
        const ch = f.channel();
        const profiles = Array.from({ length: 12 }, (_, i) => f.other('PROFILE', room, i < 5 ? { account: alice } : {}));
        const bundles = Array.from({ length: 6 }, (_, i) => f.other('EPOCH_BUNDLE', room, { channel: i % 2 === 0 ? ch : f.channel() }));
        const shares = Array.from({ length: 4 }, () => f.other('KEY_SHARE', room));
        await s.put(f.shuffle([...profiles, ...bundles, ...shares, f.other('PROFILE', f.room(), { account: alice })]));
        const byId = (xs: { id: Uint8Array }[]) => [...xs].sort((a, b) => compare(a.id, b.id)).map((x) => toHex(x.id));
        assert.deepEqual(ids(await s.byType(room, 'PROFILE')), byId(profiles));
        assert.deepEqual(ids(await s.byType(room, 'PROFILE', { account: alice })), byId(profiles.slice(0, 5)));
        assert.deepEqual(ids(await s.byType(room, 'EPOCH_BUNDLE', { channel: ch })), byId(bundles.filter((_, i) => i % 2 === 0)));
        assert.deepEqual(ids(await s.byType(room, 'KEY_SHARE')), byId(shares));
        assert.deepEqual(await s.byType(room, 'VOTE'), []);
        const pages: string[] = [];
        let after: Uint8Array | undefined;
        for (;;) {
          const page = await s.byType(room, 'PROFILE', { afterId: after, limit: 5 });
          pages.push(...ids(page));
          if (page.length < 5) break;
          after = page[page.length - 1]?.id;
        }
        assert.deepEqual(pages, byId(profiles));
        await assert.rejects(s.byType(room, 'PROFILE', { limit: 0 }), InvalidArgumentError);
        await assert.rejects(s.byType(room, 'NOPE' as 'PROFILE'), InvalidArgumentError);
      }));
  });
};
