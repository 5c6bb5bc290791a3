/**
 * A browser stand-in for `node:assert/strict`, aliased in by `bundleForBrowser`. Strict semantics
 * only (Object.is, deep-strict equality with prototypes compared), as node:assert/strict has them:
 * ok, equal, notEqual, deepEqual, notDeepEqual (and their `strict*` names), throws, rejects,
 * doesNotThrow, doesNotReject, match, doesNotMatch, fail, AssertionError.
 */

export class AssertionError extends Error {
  readonly actual: unknown;
  readonly expected: unknown;
  readonly operator: string;
  readonly code = 'ERR_ASSERTION';
  constructor(options: { message: string; actual?: unknown; expected?: unknown; operator: string }) {
    super(options.message);
    this.name = 'AssertionError';
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
  }
}

type Message = string | Error | undefined;

const MAX_INSPECT = 4000;

/** A short, readable rendering of a value for failure messages. */
export const inspect = (v: unknown): string => {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (x === undefined) return '<undefined>';
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (typeof x === 'function') return `<function ${x.name}>`;
    if (typeof x === 'symbol') return x.toString();
    if (ArrayBuffer.isView(x)) {
      const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      return `<${x.constructor.name} ${Array.from(bytes.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('')}${bytes.length > 64 ? '…' : ''}>`;
    }
    if (x instanceof Map) return { '<Map>': [...x.entries()] };
    if (x instanceof Set) return { '<Set>': [...x.values()] };
    if (x instanceof Error) return `<${x.name}: ${x.message}>`;
    if (typeof x === 'object' && x !== null) {
      if (seen.has(x)) return '<circular>';
      seen.add(x);
    }
    return x;
  });
  const s = text === undefined ? String(v) : text;
  return s.length > MAX_INSPECT ? `${s.slice(0, MAX_INSPECT)}…` : s;
};

const raise = (message: Message, fallback: string, operator: string, actual?: unknown, expected?: unknown): never => {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message ?? fallback, actual, expected, operator });
};

const tag = (v: object): string => Object.prototype.toString.call(v);

/** Node's deep-strict equality, for the kinds of values tests compare. */
export const isDeepStrictEqual = (a: unknown, b: unknown, seen = new Map<object, object>()): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || tag(a) !== tag(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) return a.source === (b as RegExp).source && a.flags === (b as RegExp).flags;
  if (a instanceof Error && (a.name !== (b as Error).name || a.message !== (b as Error).message)) return false;
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) {
    const x = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y =
      b instanceof ArrayBuffer
        ? new Uint8Array(b)
        : new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) {
      if (m.has(k)) {
        if (!isDeepStrictEqual(v, m.get(k), seen)) return false;
      } else if (typeof k !== 'object' || ![...m].some(([k2, v2]) => isDeepStrictEqual(k, k2, seen) && isDeepStrictEqual(v, v2, seen))) return false;
    }
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v) && (typeof v !== 'object' || ![...s].some((w) => isDeepStrictEqual(v, w, seen)))) return false;
  }
  for (const boxed of [Number, String, Boolean] as const) {
    if (a instanceof boxed && !Object.is(a.valueOf(), (b as typeof a).valueOf())) return false;
  }
  // Typed arrays were compared above; their indices are own keys too, so skip the key walk.
  if (ArrayBuffer.isView(a)) return true;
  const keys = (o: object): (string | symbol)[] => [
    ...Object.keys(o),
    ...Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s)),
  ];
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!isDeepStrictEqual((a as Record<string | symbol, unknown>)[k], (b as Record<string | symbol, unknown>)[k], seen)) return false;
  }
  return true;
};

export function ok(value: unknown, message?: Message): asserts value {
  if (!value) raise(message, `The expression evaluated to a falsy value: ${inspect(value)}`, '==', value, true);
}

export const equal = (actual: unknown, expected: unknown, message?: Message): void => {
  if (!Object.is(actual, expected))
    raise(message, `Expected values to be strictly equal:\n  actual: ${inspect(actual)}\nexpected: ${inspect(expected)}`, 'strictEqual', actual, expected);
};

export const notEqual = (actual: unknown, expected: unknown, message?: Message): void => {
  if (Object.is(actual, expected)) raise(message, `Expected "actual" to be strictly unequal to: ${inspect(expected)}`, 'notStrictEqual', actual, expected);
};

export const deepEqual = (actual: unknown, expected: unknown, message?: Message): void => {
  if (!isDeepStrictEqual(actual, expected)) {
    raise(
      message,
      `Expected values to be strictly deep-equal:\n  actual: ${inspect(actual)}\nexpected: ${inspect(expected)}`,
      'deepStrictEqual',
      actual,
      expected,
    );
  }
};

export const notDeepEqual = (actual: unknown, expected: unknown, message?: Message): void => {
  if (isDeepStrictEqual(actual, expected))
    raise(message, `Expected "actual" not to be strictly deep-equal to: ${inspect(expected)}`, 'notDeepStrictEqual', actual, expected);
};

export const match = (value: string, re: RegExp, message?: Message): void => {
  if (typeof value !== 'string' || !re.test(value)) raise(message, `The input did not match ${re}: ${inspect(value)}`, 'match', value, re);
};

export const doesNotMatch = (value: string, re: RegExp, message?: Message): void => {
  if (typeof value !== 'string' || re.test(value)) raise(message, `The input was expected not to match ${re}: ${inspect(value)}`, 'doesNotMatch', value, re);
};

export const fail = (message: Message = 'Failed'): never => raise(message, 'Failed', 'fail');

type Expected = RegExp | ((e: unknown) => unknown) | (abstract new (...a: never[]) => unknown) | Record<string, unknown>;

/** Checks a thrown value against `expected` as node:assert does (class, validator, RegExp or object of properties). */
const checkThrown = (e: unknown, expected: Expected | string | undefined, message: Message, operator: string): void => {
  if (expected === undefined || typeof expected === 'string') return;
  if (expected instanceof RegExp) {
    if (!expected.test(String(e))) raise(message, `The error did not match ${expected}: ${inspect(e)}`, operator, e, expected);
    return;
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && e instanceof (expected as abstract new () => unknown)) return;
    if (Object.prototype.isPrototypeOf.call(Error, expected) || expected === Error) {
      raise(message, `The error is expected to be an instance of "${expected.name}". Received ${inspect(e)}`, operator, e, expected);
    }
    if ((expected as (e: unknown) => unknown)(e) !== true) {
      raise(message, `The validation function is expected to return "true". Received ${inspect(e)}`, operator, e, expected);
    }
    return;
  }
  for (const [k, want] of Object.entries(expected)) {
    const got = (e as Record<string, unknown> | null)?.[k];
    const good = want instanceof RegExp && typeof got === 'string' ? want.test(got) : isDeepStrictEqual(got, want);
    if (!good) raise(message, `The error's "${k}" is ${inspect(got)}, expected ${inspect(want)}`, operator, e, expected);
  }
};

const NOTHING = Symbol('nothing thrown');

export const throws = (fn: () => unknown, expected?: Expected | string, message?: Message): void => {
  let thrown: unknown = NOTHING;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  const msg = typeof expected === 'string' ? expected : message;
  if (thrown === NOTHING) raise(msg, 'Missing expected exception.', 'throws');
  checkThrown(thrown, expected, msg, 'throws');
};

export const doesNotThrow = (fn: () => unknown, message?: Message): void => {
  try {
    fn();
  } catch (e) {
    raise(message, `Got unwanted exception: ${inspect(e)}`, 'doesNotThrow', e);
  }
};

const settle = async (p: Promise<unknown> | (() => Promise<unknown>)): Promise<{ rejected: boolean; value: unknown }> => {
  try {
    return { rejected: false, value: await (typeof p === 'function' ? p() : p) };
  } catch (e) {
    return { rejected: true, value: e };
  }
};

export const rejects = async (p: Promise<unknown> | (() => Promise<unknown>), expected?: Expected | string, message?: Message): Promise<void> => {
  const r = await settle(p);
  const msg = typeof expected === 'string' ? expected : message;
  if (!r.rejected) raise(msg, 'Missing expected rejection.', 'rejects');
  checkThrown(r.value, expected, msg, 'rejects');
};

export const doesNotReject = async (p: Promise<unknown> | (() => Promise<unknown>), message?: Message): Promise<void> => {
  const r = await settle(p);
  if (r.rejected) raise(message, `Got unwanted rejection: ${inspect(r.value)}`, 'doesNotReject', r.value);
};

type Assert = typeof ok & {
  ok: typeof ok;
  equal: typeof equal;
  strictEqual: typeof equal;
  notEqual: typeof notEqual;
  notStrictEqual: typeof notEqual;
  deepEqual: typeof deepEqual;
  deepStrictEqual: typeof deepEqual;
  notDeepEqual: typeof notDeepEqual;
  notDeepStrictEqual: typeof notDeepEqual;
  match: typeof match;
  doesNotMatch: typeof doesNotMatch;
  fail: typeof fail;
  throws: typeof throws;
  doesNotThrow: typeof doesNotThrow;
  rejects: typeof rejects;
  doesNotReject: typeof doesNotReject;
  AssertionError: typeof AssertionError;
  strict: Assert;
};

const assert = ((value: unknown, message?: Message) => ok(value, message)) as Assert;
Object.assign(assert, {
  ok,
  equal,
  strictEqual: equal,
  notEqual,
  notStrictEqual: notEqual,
  deepEqual,
  deepStrictEqual: deepEqual,
  notDeepEqual,
  notDeepStrictEqual: notDeepEqual,
  match,
  doesNotMatch,
  fail,
  throws,
  doesNotThrow,
  rejects,
  doesNotReject,
  AssertionError,
});
assert.strict = assert;

export { assert as strict, deepEqual as deepStrictEqual, equal as strictEqual, notDeepEqual as notDeepStrictEqual, notEqual as notStrictEqual };
export default assert;
