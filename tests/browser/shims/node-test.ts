/**
 * A browser stand-in for `node:test`, aliased in by `bundleForBrowser`: `describe` / `it` / `test`
 * and the four hooks collect a tree of tests at load time; nothing runs until the Node side asks.
 * The Node side lists the tests (`list`), registers one real node:test test for each, and runs
 * each one in the page by index (`run`), so counts, names and failures in Node are the browser's.
 *
 * Hook semantics follow node:test: `before` runs once before a suite's first test, `after` once
 * after its last, `beforeEach` / `afterEach` around every test of the suite and its sub-suites.
 * Not supported (they throw): async `describe` bodies, `only`, subtests through the context.
 */

export type TestFn = (t: TestContext) => unknown;
export type HookFn = () => unknown;

export interface TestOptions {
  readonly skip?: boolean | string;
  readonly todo?: boolean | string;
  readonly timeout?: number;
  readonly only?: boolean;
  readonly concurrency?: number | boolean;
}

export interface TestContext {
  readonly name: string;
  readonly fullName: string;
  readonly signal: AbortSignal;
  diagnostic(message: string): void;
}

/** What the Node side sees of a test. */
export interface ListedTest {
  /** Suite names from the outermost, then the test's own name. */
  readonly path: readonly string[];
  readonly skip: boolean | string;
  readonly todo: boolean | string;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

export interface TestResult {
  readonly status: 'pass' | 'fail' | 'skip' | 'todo';
  readonly error?: SerializedError;
  readonly durationMs: number;
  readonly diagnostics: readonly string[];
}

export interface NodeTestShim {
  list(): ListedTest[];
  run(index: number): Promise<TestResult>;
}

interface Suite {
  readonly name: string;
  readonly parent: Suite | undefined;
  readonly skip: boolean | string;
  readonly before: HookFn[];
  readonly after: HookFn[];
  readonly beforeEach: HookFn[];
  readonly afterEach: HookFn[];
  /** Tests in this suite and its sub-suites not yet run; `after` hooks run when it reaches 0. */
  remaining: number;
  /** The outcome of the `before` hooks, once started. */
  started: Promise<void> | undefined;
}

interface Case {
  readonly name: string;
  readonly suite: Suite;
  readonly fn: TestFn | undefined;
  readonly skip: boolean | string;
  readonly todo: boolean | string;
}

const newSuite = (name: string, parent: Suite | undefined, skip: boolean | string): Suite => ({
  name,
  parent,
  skip,
  before: [],
  after: [],
  beforeEach: [],
  afterEach: [],
  remaining: 0,
  started: undefined,
});

const root = newSuite('', undefined, false);
const cases: Case[] = [];
let current = root;

const chain = (s: Suite): Suite[] => {
  const out: Suite[] = [];
  for (let x: Suite | undefined = s; x !== undefined; x = x.parent) out.unshift(x);
  return out;
};

const args = <F>(a: unknown, b: unknown): { options: TestOptions; fn: F | undefined } =>
  typeof a === 'function' ? { options: {}, fn: a as F } : { options: (a ?? {}) as TestOptions, fn: b as F | undefined };

const unsupported = (what: string): never => {
  throw new Error(`node:test browser shim: ${what} is not supported`);
};

const isThenable = (v: unknown): boolean => typeof (v as { then?: unknown } | null)?.then === 'function';

export function describe(name: string, a?: TestOptions | (() => void), b?: () => void): void {
  const { options, fn } = args<() => void>(a, b);
  if (options.only) unsupported('only');
  const suite = newSuite(name, current, options.skip ?? current.skip);
  const outer = current;
  current = suite;
  try {
    if (isThenable(fn?.())) unsupported(`an async describe body (${name})`);
  } finally {
    current = outer;
  }
}

export function it(name: string, a?: TestOptions | TestFn, b?: TestFn): void {
  const { options, fn } = args<TestFn>(a, b);
  if (options.only) unsupported('only');
  cases.push({ name, suite: current, fn, skip: options.skip ?? current.skip, todo: options.todo ?? fn === undefined });
  for (const s of chain(current)) s.remaining++;
}

describe.skip = (name: string, fn?: () => void): void => describe(name, { skip: true }, fn);
describe.todo = (name: string, fn?: () => void): void => describe(name, { skip: 'todo' }, fn);
describe.only = (): never => unsupported('only');
it.skip = (name: string, fn?: TestFn): void => it(name, { skip: true }, fn);
it.todo = (name: string, fn?: TestFn): void => it(name, { todo: true }, fn);
it.only = (): never => unsupported('only');

export const test = it;
export const suite = describe;
export const before = (fn: HookFn): void => void current.before.push(fn);
export const after = (fn: HookFn): void => void current.after.push(fn);
export const beforeEach = (fn: HookFn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: HookFn): void => void current.afterEach.push(fn);

const serialize = (e: unknown): SerializedError => {
  if (e instanceof Error) {
    const extra = (e as { field?: unknown }).field === undefined ? '' : ` [field ${String((e as { field?: unknown }).field)}]`;
    return { name: e.name, message: e.message + extra, stack: e.stack ?? '' };
  }
  return { name: 'NonError', message: String(e), stack: '' };
};

const runHooks = async (hooks: readonly HookFn[]): Promise<void> => {
  for (const h of hooks) await h();
};

const run = async (index: number): Promise<TestResult> => {
  const c = cases[index];
  if (c === undefined) throw new RangeError(`no test #${index}`);
  const diagnostics: string[] = [];
  const started = performance.now();
  const done = (status: TestResult['status'], e?: unknown): TestResult => ({
    status,
    durationMs: performance.now() - started,
    diagnostics,
    ...(e === undefined ? {} : { error: serialize(e) }),
  });
  const suites = chain(c.suite);
  let error: unknown;
  let failed = false;
  const fail = (e: unknown): void => {
    if (!failed) [failed, error] = [true, e];
  };
  if (c.skip === false && c.todo === false) {
    try {
      for (const s of suites) await (s.started ??= runHooks(s.before));
      for (const s of suites) await runHooks(s.beforeEach);
      const abort = new AbortController();
      const fullName = [...suites.slice(1).map((s) => s.name), c.name].join(' > ');
      try {
        await c.fn?.({ name: c.name, fullName, signal: abort.signal, diagnostic: (m) => void diagnostics.push(m) });
      } finally {
        abort.abort();
      }
    } catch (e) {
      fail(e);
    }
    for (const s of [...suites].reverse()) await runHooks(s.afterEach).catch(fail);
  }
  // A suite's `after` hooks run once its last test is done, even if that test was skipped.
  for (const s of [...suites].reverse()) {
    s.remaining--;
    if (s.remaining === 0 && s.started !== undefined) await runHooks(s.after).catch(fail);
  }
  if (failed) return done('fail', error);
  return done(c.skip !== false ? 'skip' : c.todo !== false ? 'todo' : 'pass');
};

const shim: NodeTestShim = {
  list: () =>
    cases.map((c) => ({
      path: [
        ...chain(c.suite)
          .slice(1)
          .map((s) => s.name),
        c.name,
      ],
      skip: c.skip,
      todo: c.todo,
    })),
  run,
};

/** The page-global the Node side calls (`page.evaluate(() => globalThis.__parleyNodeTest.run(i))`). */
(globalThis as { __parleyNodeTest?: NodeTestShim }).__parleyNodeTest = shim;

export default it;
