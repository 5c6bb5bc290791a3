/** Helpers shared by the test suites of every workspace (no test framework, no Parley package). */
export { hasEnded, type StopOptions, stopProcess } from './stop-process.ts';
