/**
 * The tabs' channel messages (tab-messages.ts): well-formed ones decode to themselves; anything else
 * (any shape fast-check makes, or a well-formed message with one field spoiled) throws a
 * TabMessageError, never another error, and never passes as a message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeTabMessage, TAB_METHODS, type TabMessage, TabMessageError, toTabError } from '../src/lib/parley/tab-messages.ts';

const outcome = (v: unknown): string => {
  try {
    decodeTabMessage(v);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof TabMessageError, String(e));
    return `${e.code} ${e.field}`;
  }
};

const bytes = new Uint8Array([1, 2, 3]);
const samples: TabMessage[] = [
  { t: 'relay', r: { kind: 'frame', bytes, room: new Uint8Array(32) } },
  { t: 'relay', r: { kind: 'frame', bytes, room: undefined } },
  { t: 'relay', r: { kind: 'signal', topic: 'parley/typing/ab', bytes } },
  { t: 'relay', r: { kind: 'event', name: 'connection', event: { peer: 'p', connected: true } } },
  { t: 'call', id: 'c1', method: 'send', args: [bytes, bytes, 'hi'] },
  { t: 'result', id: 'c1', ok: true, value: bytes },
  { t: 'result', id: 'c1', ok: false, error: { name: 'ClientError', message: 'no', code: 'unknown-room' } },
  { t: 'handover' },
  { t: 'hello' },
];

describe('tab channel messages', () => {
  it('decodes every kind as it is', () => {
    for (const m of samples) assert.deepEqual(decodeTabMessage(structuredClone(m)), m);
  });

  it('refuses wrong shapes, kinds, methods and fields with typed errors', () => {
    assert.equal(outcome(null), 'shape message');
    assert.equal(outcome([]), 'shape message');
    assert.equal(outcome({ t: 'nope' }), 'kind t');
    assert.equal(outcome({ t: 'call', id: 'x', method: 'close', args: [] }), 'method method');
    assert.equal(outcome({ t: 'call', id: 'x', method: 'constructor', args: [] }), 'method method');
    assert.equal(outcome({ t: 'call', id: '', method: 'send', args: [] }), 'field id');
    assert.equal(outcome({ t: 'call', id: 'x'.repeat(65), method: 'send', args: [] }), 'field id');
    assert.equal(outcome({ t: 'call', id: 'x', method: 'send', args: 'a' }), 'field args');
    assert.equal(outcome({ t: 'call', id: 'x', method: 'send', args: Array(9).fill(0) }), 'field args');
    assert.equal(outcome({ t: 'result', id: 'x', ok: 1 }), 'field ok');
    assert.equal(outcome({ t: 'result', id: 'x', ok: false, error: { name: 1, message: '' } }), 'field error.name');
    assert.equal(outcome({ t: 'relay', r: { kind: 'frame', bytes: [1, 2] } }), 'field r.bytes');
    assert.equal(outcome({ t: 'relay', r: { kind: 'frame', bytes, room: 'ab' } }), 'field r.room');
    assert.equal(outcome({ t: 'relay', r: { kind: 'event', name: 'message', event: {} } }), 'kind r.name');
    assert.equal(outcome({ t: 'relay', r: { kind: 'event', name: 'dm', event: null } }), 'field r.event');
    assert.equal(outcome({ t: 'relay', r: { kind: 'x' } }), 'kind r.kind');
    assert.equal(outcome({ t: 'relay', r: 5 }), 'shape r');
  });

  it('any value either decodes or throws a TabMessageError (fast-check)', () => {
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true }), (v) => {
        outcome(v);
      }),
      { numRuns: 3000 },
    );
  });

  it('a well-formed message with one field replaced by anything decodes or throws a TabMessageError (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.constantFrom('t', 'id', 'method', 'args', 'ok', 'value', 'error', 'r'),
        fc.anything({ withTypedArray: true }),
        (m, key, v) => {
          const spoiled = { ...m, [key]: v };
          const o = outcome(spoiled);
          if (key === 't' && v !== m.t && o === 'ok') assert.ok(['relay', 'call', 'result', 'handover', 'hello'].includes(v as string));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('calls name client methods only from the list; errors cross as {name, message, code}', () => {
    for (const m of TAB_METHODS) assert.equal(outcome({ t: 'call', id: 'x', method: m, args: [] }), 'ok');
    const e = Object.assign(new Error('boom'), { name: 'ClientError', code: 'read-only' });
    assert.deepEqual(toTabError(e), { name: 'ClientError', message: 'boom', code: 'read-only' });
    assert.deepEqual(toTabError('plain'), { name: 'Error', message: 'plain', code: undefined });
  });
});
