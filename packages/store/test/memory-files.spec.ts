import { fileStoreSuite } from '../src/compliance/index.ts';
import { MemoryFileStore } from '../src/index.ts';

fileStoreSuite('memory', async () => ({ files: new MemoryFileStore(), close: async () => {} }));
