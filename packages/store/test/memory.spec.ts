import { complianceSuite } from '../src/compliance/index.ts';
import { MemoryStore } from '../src/index.ts';

complianceSuite('memory', async () => new MemoryStore());
