/**
 * The TURN answer decoder: a hub's credential round-trips; a refusal, garbage, oversized or
 * ill-typed answers are TurnErrors and nothing else (fuzzed); every accepted answer is well formed
 * (property).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_TURN_ANSWER, parseTurnAnswer, TurnError } from '../src/index.ts';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const GOOD = {
  username: '1800000600:12D3KooWabc',
  credential: 'q2Fw5xP8mYbU3s3cC2kq3eN0y1M=',
  ttl: 600,
  urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:t.example:5349'],
};

describe('TURN answer decoder', () => {
  it('reads a credential', () => {
    assert.deepEqual(parseTurnAnswer(enc(GOOD)), GOOD);
  });

  it('turns a refusal and every malformed answer into a TurnError', () => {
    const bad: unknown[] = [
      { error: 'rate' },
      [],
      null,
      'text',
      { ...GOOD, username: 'no-expiry' },
      { ...GOOD, username: '1:bad peer' },
      { ...GOOD, credential: 'not base64!' },
      { ...GOOD, ttl: 0 },
      { ...GOOD, ttl: 1.5 },
      { ...GOOD, ttl: '600' },
      { ...GOOD, urls: 'turn:x' },
      { ...GOOD, urls: ['http://x'] },
      { ...GOOD, urls: ['turn:a b'] },
      { ...GOOD, urls: Array.from({ length: 9 }, () => 'turn:x') },
    ];
    for (const b of bad) assert.throws(() => parseTurnAnswer(enc(b)), TurnError, JSON.stringify(b));
    assert.throws(() => parseTurnAnswer(new Uint8Array([0xff, 0xfe, 0x7b])), TurnError);
    assert.throws(() => parseTurnAnswer(new Uint8Array(MAX_TURN_ANSWER + 1).fill(0x20)), TurnError);
    assert.throws(() => parseTurnAnswer(enc({ error: 'rate' })), /refused.*rate/);
  });

  it('never throws anything but TurnError, and what it accepts is well formed (fuzz)', () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 10 }));
    const answers = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.record({ username: field, credential: field, ttl: field, urls: field }, { requiredKeys: [] }).map(enc),
      fc
        .record({
          username: fc.constant(GOOD.username),
          credential: fc.constant(GOOD.credential),
          ttl: fc.integer({ min: -5, max: 100_000 }),
          urls: fc.array(fc.string(), { maxLength: 10 }),
        })
        .map(enc),
    );
    fc.assert(
      fc.property(answers, (bytes) => {
        try {
          const c = parseTurnAnswer(bytes);
          assert.ok(/^\d+:[A-Za-z0-9]+$/.test(c.username));
          assert.ok(Number.isSafeInteger(c.ttl) && c.ttl >= 1 && c.ttl <= 86_400);
          assert.ok(c.urls.every((u) => /^turns?:\S+$/.test(u)));
        } catch (e) {
          assert.ok(e instanceof TurnError, `only TurnError, got ${String(e)}`);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
