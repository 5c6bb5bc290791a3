/**
 * The browser shims checked against the real thing, in Node: the node:assert/strict shim agrees
 * with node:assert/strict on what passes and what fails, and the node:test shim runs hooks in
 * node:test's order. (The shims run in Chromium; their logic is plain JS, so Node can check it.)
 */
import nodeAssert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import shimAssert, { AssertionError, isDeepStrictEqual as shimDeepEqual } from '../shims/node-assert.ts';
import * as shimTest from '../shims/node-test.ts';

const verdict = (fn: () => unknown): string => {
  try {
    fn();
    return 'pass';
  } catch (e) {
    return e instanceof AssertionError || e instanceof nodeAssert.AssertionError ? 'assertion' : `other: ${String(e)}`;
  }
};

const PAIRS: [unknown, unknown][] = [
  [1, 1],
  [0, -0],
  [Number.NaN, Number.NaN],
  ['1', 1],
  [{ a: 1 }, { a: 1 }],
  [{ a: undefined }, {}],
  [
    [1, 2],
    [1, 2],
  ],
  [
    [1, 2],
    [2, 1],
  ],
  [new Uint8Array([1, 2]), new Uint8Array([1, 2])],
  [new Uint8Array([1, 2]), new Uint8Array([1, 3])],
  [new Uint8Array([1]), Buffer.from([1])],
  [new Uint8Array([1]), [1]],
  [new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]])],
  [new Set([1, 2]), new Set([2, 1])],
  [new Set([{ a: 1 }]), new Set([{ a: 1 }])],
  [new Date(5), new Date(5)],
  [new Date(5), new Date(6)],
  [Object.create(null), {}],
  [[undefined], [null]],
  [{ x: [1, { y: new Uint8Array(3) }] }, { x: [1, { y: new Uint8Array(3) }] }],
  [new Error('a'), new Error('b')],
];

describe('browser shim: node:assert/strict', () => {
  it('deepEqual agrees with node on a table of pairs', () => {
    PAIRS.forEach(([a, b], i) => {
      nodeAssert.equal(shimDeepEqual(a, b), isDeepStrictEqual(a, b), `pair ${i}`);
    });
  });

  it('deepEqual agrees with node on random values and their clones (property)', () => {
    const value = fc.anything({ withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true, withBoxedValues: true });
    fc.assert(
      fc.property(value, value, (a, b) => {
        nodeAssert.equal(shimDeepEqual(a, b), isDeepStrictEqual(a, b));
        const c = structuredClone(a);
        nodeAssert.equal(shimDeepEqual(a, c), isDeepStrictEqual(a, c));
      }),
      { numRuns: 500 },
    );
  });

  it('equal, ok, throws and rejects pass and fail where node does', async () => {
    class Custom extends Error {}
    const sync: [string, () => unknown, () => unknown][] = [
      ['equal', () => shimAssert.equal(1, 1), () => nodeAssert.equal(1, 1)],
      ['equal NaN', () => shimAssert.equal(Number.NaN, Number.NaN), () => nodeAssert.equal(Number.NaN, Number.NaN)],
      ['equal loose', () => shimAssert.equal(1, '1'), () => nodeAssert.equal(1, '1')],
      ['ok', () => shimAssert.ok(0), () => nodeAssert.ok(0)],
      [
        'throws class',
        () =>
          shimAssert.throws(() => {
            throw new Custom();
          }, Custom),
        () =>
          nodeAssert.throws(() => {
            throw new Custom();
          }, Custom),
      ],
      [
        'throws validator',
        () =>
          shimAssert.throws(
            () => {
              throw new Custom();
            },
            (e) => e instanceof Custom,
          ),
        () =>
          nodeAssert.throws(
            () => {
              throw new Custom();
            },
            (e) => e instanceof Custom,
          ),
      ],
      [
        'throws regexp',
        () =>
          shimAssert.throws(() => {
            throw new Error('boom');
          }, /boom/),
        () =>
          nodeAssert.throws(() => {
            throw new Error('boom');
          }, /boom/),
      ],
      ['throws nothing', () => shimAssert.throws(() => 1), () => nodeAssert.throws(() => 1)],
      [
        'throws object',
        () =>
          shimAssert.throws(
            () => {
              throw new Custom('m');
            },
            { message: 'm' },
          ),
        () =>
          nodeAssert.throws(
            () => {
              throw new Custom('m');
            },
            { message: 'm' },
          ),
      ],
    ];
    for (const [name, shim, real] of sync) nodeAssert.equal(verdict(shim), verdict(real), name);
    const verdictAsync = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'pass';
      } catch (e) {
        return e instanceof AssertionError || e instanceof nodeAssert.AssertionError ? 'assertion' : `other: ${String(e)}`;
      }
    };
    const rejected = () => Promise.reject(new Custom('x'));
    const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['rejects class', () => shimAssert.rejects(rejected(), Custom), () => nodeAssert.rejects(rejected(), Custom)],
      ['rejects wrong class', () => shimAssert.rejects(rejected(), TypeError), () => nodeAssert.rejects(rejected(), TypeError)],
      ['rejects validator false', () => shimAssert.rejects(rejected(), () => false), () => nodeAssert.rejects(rejected(), () => false)],
      ['rejects resolved', () => shimAssert.rejects(Promise.resolve(1)), () => nodeAssert.rejects(Promise.resolve(1))],
    ];
    for (const [name, shim, real] of cases) nodeAssert.equal(await verdictAsync(shim), await verdictAsync(real), name);
  });
});

describe('browser shim: node:test', () => {
  it('lists tests with their suite path and runs hooks in node:test order', async () => {
    const log: string[] = [];
    shimTest.describe('outer', () => {
      shimTest.before(() => void log.push('before outer'));
      shimTest.after(() => void log.push('after outer'));
      shimTest.beforeEach(() => void log.push('each outer'));
      shimTest.it('one', () => void log.push('one'));
      shimTest.describe('inner', () => {
        shimTest.afterEach(() => void log.push('after-each inner'));
        shimTest.it('two', () => {
          log.push('two');
          throw new Error('two fails');
        });
        shimTest.it.skip('three', () => void log.push('three'));
      });
    });
    const shim = (globalThis as { __parleyNodeTest?: shimTest.NodeTestShim }).__parleyNodeTest as shimTest.NodeTestShim;
    nodeAssert.deepEqual(
      shim.list().map((t) => [t.path, t.skip]),
      [
        [['outer', 'one'], false],
        [['outer', 'inner', 'two'], false],
        [['outer', 'inner', 'three'], true],
      ],
    );
    const results = [await shim.run(0), await shim.run(1), await shim.run(2)];
    nodeAssert.deepEqual(
      results.map((r) => [r.status, r.error?.message]),
      [
        ['pass', undefined],
        ['fail', 'two fails'],
        ['skip', undefined],
      ],
    );
    nodeAssert.deepEqual(log, ['before outer', 'each outer', 'one', 'each outer', 'two', 'after-each inner', 'after outer']);
  });
});
