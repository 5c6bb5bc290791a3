import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { toHex } from '@parley/protocol';
import { complianceSuite, Fixtures, norm } from '@parley/store/compliance';
import { openPostgresStore } from '../src/index.ts';
import { memoryPglite, truncate } from './harness.ts';

let client: PGlite;
before(async () => {
  client = await memoryPglite();
});
after(async () => {
  await client.close();
});

complianceSuite('PGlite (in memory)', async () => {
  const store = await openPostgresStore({ client });
  await truncate(store);
  return store;
});

describe('PGlite on disk', () => {
  it('keeps objects, have-vectors and the outbox across a close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zz-store-pglite-'));
    try {
      const f = new Fixtures(900);
      const room = f.room();
      const ch = f.channel();
      const hist = f.history(room, ch, 30);
      const mine = f.envelope({ room, channel: ch, device: f.key(), seq: 1, lamport: 99 });
      const first = await openPostgresStore({ dataDir: dir });
      await first.put(hist);
      await first.enqueue(mine, ['hub-a']);
      const vector = await first.haveVector(room, ch);
      await first.close();
      const again = await openPostgresStore({ dataDir: dir });
      try {
        assert.equal((await again.fingerprint(room, ch)).count, 31);
        assert.deepEqual(await again.haveVector(room, ch), { ...vector, [toHex(mine.device as Uint8Array)]: 1 });
        const [p] = await again.pending();
        assert.deepEqual(norm(p?.object), norm(mine));
        assert.deepEqual(p?.targets, ['hub-a']);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
