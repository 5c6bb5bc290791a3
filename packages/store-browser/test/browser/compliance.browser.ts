/** Runs in Chromium: the shared ObjectStore compliance suite against the IndexedDB adapter. */
import { complianceSuite } from '@parley/store/compliance';
import { deleteIndexedDbStore, openIndexedDbStore } from '../../src/index.ts';

// A fresh database per test; the previous test's store is closed by then, so drop its database.
let n = 0;
complianceSuite('IndexedDB (Chromium)', async () => {
  if (n > 0) await deleteIndexedDbStore(`compliance-${n - 1}`);
  return openIndexedDbStore({ name: `compliance-${n++}` });
});
