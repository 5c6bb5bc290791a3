/** The portal's words and form for a room's file rules: what it builds the protocol takes, and refusals agree with the protocol's check. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FileRules, fileRefusal, isMediaTypeRule, LIMITS } from '@parley/protocol';
import fc from 'fast-check';
import { MAX_ATTACHMENT_BYTES } from '../src/lib/parley/attachments.ts';
import { describeRules, mbText, parseMaxMb, parseTypeRule, pickedFileProblem, ruleProblem, rulesOf, sameRules } from '../src/lib/parley/file-rules.ts';

const MB = 1024 * 1024;

test('the largest file in MB: empty is none, numbers in range are bytes, anything else says what to write', () => {
  assert.deepEqual(parseMaxMb(''), { ok: true, value: undefined });
  assert.deepEqual(parseMaxMb(' 10 '), { ok: true, value: 10 * MB });
  assert.deepEqual(parseMaxMb('0.5'), { ok: true, value: MB / 2 });
  assert.deepEqual(parseMaxMb('2048'), { ok: true, value: LIMITS.maxFileBytes });
  for (const bad of ['ten', '-1', '1e3', '1,5', '10 MB'])
    assert.deepEqual(parseMaxMb(bad), { ok: false, error: 'Largest file: a number of MB, such as 10 or 0.5, or empty for no limit.' }, bad);
  assert.deepEqual(parseMaxMb('0'), { ok: false, error: 'Largest file: more than 0 MB.' });
  assert.deepEqual(parseMaxMb('2049'), { ok: false, error: 'Largest file: at most 2048 MB.' });
  assert.equal(mbText(undefined), '');
  assert.equal(mbText(10 * MB), '10');
  assert.equal(mbText(1234567), '1.177');
});

test('a typed type is taken only as the protocol takes a rule, and not twice', () => {
  assert.deepEqual(parseTypeRule(' text/plain ', []), { ok: true, value: 'text/plain' });
  assert.deepEqual(parseTypeRule('application/*', []), { ok: true, value: 'application/*' });
  for (const bad of ['Text/Plain', 'image', '*/*', 'image/', 'a b/c', 'image/png; q=1']) assert.equal(parseTypeRule(bad, []).ok, false, bad);
  assert.match((parseTypeRule('IMAGE/PNG', []) as { error: string }).error, /lower case as type\/subtype or type\/\*/);
  assert.deepEqual(parseTypeRule('image/*', ['image/*']), { ok: false, error: 'image/* is already allowed.' });
  const full = Array.from({ length: LIMITS.maxFileTypes }, (_, i) => `x/t${i}`);
  assert.deepEqual(parseTypeRule('x/more', full), { ok: false, error: `A community allows at most ${LIMITS.maxFileTypes} types.` });
  assert.equal(parseTypeRule(`a/${'b'.repeat(LIMITS.maxFileTypeBytes)}`, []).ok, false);
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (s) => {
      const r = parseTypeRule(s, []);
      if (r.ok) assert.ok(isMediaTypeRule(r.value) && r.value.length <= LIMITS.maxFileTypeBytes);
    }),
  );
});

test('the form makes no rules from nothing, sorted unique types otherwise', () => {
  assert.equal(rulesOf(undefined, []), undefined);
  assert.deepEqual(rulesOf(MB, []), { maxBytes: MB, types: undefined });
  assert.deepEqual(rulesOf(undefined, ['video/*', 'application/pdf', 'video/*']), { maxBytes: undefined, types: ['application/pdf', 'video/*'] });
  assert.ok(sameRules(undefined, rulesOf(undefined, [])));
  assert.ok(sameRules({ types: ['b/c', 'a/*'] }, { maxBytes: undefined, types: ['a/*', 'b/c'] }));
  assert.ok(!sameRules({ maxBytes: 5 }, { maxBytes: 6 }));
  assert.ok(!sameRules({ types: ['a/*'] }, undefined));
});

test('refusals in words, exactly when the protocol refuses', () => {
  const rules: FileRules = { maxBytes: 2 * MB, types: ['application/pdf', 'image/*'] };
  assert.equal(ruleProblem(rules, { name: 'big.png', size: 3 * MB, type: 'image/png' }), 'big.png is 3.0 MB: this community takes files up to 2.0 MB.');
  assert.equal(
    ruleProblem(rules, { name: 'notes.txt', size: 10, type: 'text/plain' }),
    'notes.txt is text/plain: this community takes only PDF (application/pdf), Images (image/*).',
  );
  assert.equal(ruleProblem(rules, { name: 'ok.png', size: 2 * MB, type: 'image/png' }), undefined);
  assert.equal(ruleProblem(undefined, { name: 'any', size: 1, type: '' }), undefined);
  // A browser's type goes through attachmentType, as the composer sends it: unknown is application/octet-stream.
  assert.equal(
    pickedFileProblem({ types: ['image/*'] }, { name: 'x', size: 1, type: '' }),
    'x is application/octet-stream: this community takes only Images (image/*).',
  );
  assert.equal(pickedFileProblem({ types: ['image/*'] }, { name: 'p', size: 1, type: 'IMAGE/PNG; x=y' }), undefined);
  const ruleArb = fc.record(
    {
      maxBytes: fc.integer({ min: 1, max: 100 }),
      types: fc.uniqueArray(fc.constantFrom('image/*', 'image/png', 'text/plain', 'application/pdf', 'video/*'), { minLength: 1 }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(ruleArb, fc.nat(200), fc.constantFrom('image/png', 'image/gif', 'text/plain', 'video/mp4', '', 'application/pdf'), (r, size, type) => {
      const words = ruleProblem(r, { name: 'f', size, type });
      assert.equal(words === undefined, fileRefusal(r, size, type) === undefined);
    }),
  );
});

test('the rules in one sentence for members', () => {
  assert.equal(describeRules(undefined), 'Members share files up to 25.0 MB (this portal’s limit), of any type.');
  assert.equal(describeRules({ maxBytes: MAX_ATTACHMENT_BYTES * 2 }), 'Members share files up to 25.0 MB (this portal’s limit), of any type.');
  assert.equal(
    describeRules({ maxBytes: MB, types: ['image/*', 'text/plain'] }),
    'Members share files up to 1.0 MB, of these types only: Images (image/*), text/plain.',
  );
});
