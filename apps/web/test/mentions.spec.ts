/** The composer's mention helpers: the query at the caret, completion, and which members a text mentions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { completeMention, matchMembers, mentionedAccounts, mentionQuery } from '../src/lib/parley/mentions.ts';

const key = (n: number) => new Uint8Array(32).fill(n);
const members = [
  { account: key(1), name: 'Ann' },
  { account: key(2), name: 'Ann Lee' },
  { account: key(3), name: 'Bob' },
];

test('the query is the @word before the caret, at the start or after a space', () => {
  assert.deepEqual(mentionQuery('hi @An', 6), { start: 3, query: 'An' });
  assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
  assert.equal(mentionQuery('mail me at a@b', 14), undefined, 'an @ inside a word is not a mention');
  assert.equal(mentionQuery('hi @Ann ', 8), undefined, 'a space ends it');
  assert.deepEqual(mentionQuery('hi @An there', 6), { start: 3, query: 'An' }, 'text after the caret does not matter');
});

test('matches: name prefix first, then containing, case-insensitively', () => {
  assert.deepEqual(
    matchMembers(members, 'ann').map((m) => m.name),
    ['Ann', 'Ann Lee'],
  );
  assert.deepEqual(
    matchMembers(members, 'lee').map((m) => m.name),
    ['Ann Lee'],
  );
  assert.deepEqual(
    matchMembers(members, 'o').map((m) => m.name),
    ['Bob'],
  );
});

test('mentioned accounts: the longest name wins at a place, a name needs a boundary after it', () => {
  assert.deepEqual(mentionedAccounts('hi @Ann Lee!', members), [key(2)]);
  assert.deepEqual(mentionedAccounts('@Ann and @Ann Lee', members), [key(2), key(1)]);
  assert.deepEqual(mentionedAccounts('@Annabel', members), []);
  assert.deepEqual(mentionedAccounts('x@Bob', members), []);
  assert.deepEqual(mentionedAccounts('@Bob', members), [key(3)]);
});

test('property: completing a query mentions exactly the picked member; any text is handled without throwing', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.constantFrom(...members), (before, after, m) => {
      const head = `${before} @`;
      const q = mentionQuery(head, head.length);
      assert.ok(q !== undefined);
      // A space after the completion: "@Ann " then "Lee" would rightly read as "@Ann Lee".
      const done = completeMention(`${head} ${after}`, q, head.length, m.name);
      assert.equal(done.text.slice(0, done.caret), `${before} @${m.name} `);
      const found = mentionedAccounts(done.text, members);
      assert.ok(found.includes(m.account));
    }),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.nat(210), (text, caret) => {
      mentionQuery(text, Math.min(caret, text.length));
      for (const a of mentionedAccounts(text, members)) assert.ok(members.some((m) => m.account === a));
    }),
  );
});
