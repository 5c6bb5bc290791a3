/**
 * @parley/store/compliance — the suite every ObjectStore adapter passes. It registers node:test
 * tests; call it from an adapter's spec file with a factory that opens a fresh, empty store.
 * It uses only node:test and node:assert (shimmable in a browser runner) and synthetic objects.
 *
 * @example
 * ```ts
 * import { complianceSuite } from '@parley/store/compliance';
 * import { MemoryStore } from '@parley/store';
 * complianceSuite('memory', async () => new MemoryStore());
 * ```
 */
import { describe } from 'node:test';
import { channelTests } from './channel-tests.ts';
import { type ComplianceOptions, type StoreFactory, suiteContext } from './context.ts';
import { objectTests } from './objects-tests.ts';
import { outboxTests } from './outbox-tests.ts';
import { quotaTests } from './quota-tests.ts';
import { roomTests } from './room-tests.ts';
import { syncTests } from './sync-tests.ts';

export type { ComplianceOptions, StoreFactory } from './context.ts';
export { type FileStoreFactory, fileStoreSuite } from './file-tests.ts';
export { Fixtures, norm, prng } from './fixtures.ts';

export const complianceSuite = (name: string, factory: StoreFactory, options?: ComplianceOptions): void => {
  describe(`ObjectStore compliance: ${name}`, () => {
    const ctx = suiteContext(factory, options);
    objectTests(ctx);
    roomTests(ctx);
    channelTests(ctx);
    syncTests(ctx);
    quotaTests(ctx);
    outboxTests(ctx);
  });
};
