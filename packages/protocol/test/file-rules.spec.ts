/**
 * A room's file rules (PROTOCOL 4.1 `f`, 12.5): any valid rules survive signing, decoding and replay
 * into the room's policy; a policy without them encodes as before (no `f` key); malformed rules are
 * refused with typed errors naming the field; fileRefusal allows exactly what the rules name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nextEntry } from '../src/authority/build.ts';
import { openEntry } from '../src/authority/open-entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import type { FileRules } from '../src/authority/view.ts';
import { decodeCanonicalMap } from '../src/codec/cbor.ts';
import { parseFrame } from '../src/codec/signed.ts';
import { InvalidFieldError, LimitError } from '../src/errors.ts';
import { fileRefusal, isMediaTypeRule, typeAllowed } from '../src/file/file-rules.ts';
import { LIMITS } from '../src/limits.ts';
import { crypto } from './helpers.ts';
import { member, OPEN_POLICY, T0, TestRoom } from './room-fixture.ts';

const RUNS = Number(process.env.PARLEY_PROPERTY_RUNS ?? 40);
const owner = member('files-owner');
const bob = member('files-bob');
const room = new TestRoom(owner, 'File rules', OPEN_POLICY);
room.join(bob);

const setPolicy = (files: FileRules | undefined, who = owner) =>
  nextEntry(room.state, who.author, { kind: 'set_policy', policy: { ...OPEN_POLICY, files } }, T0 + 60_000, crypto);

const token = fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{0,12}$/);
const ruleArb = fc.oneof(
  fc.tuple(token, token).map(([a, b]) => `${a}/${b}`),
  token.map((a) => `${a}/*`),
);
const rulesArb: fc.Arbitrary<FileRules> = fc
  .record(
    {
      maxBytes: fc.integer({ min: 1, max: LIMITS.maxFileBytes }),
      types: fc.uniqueArray(ruleArb, { minLength: 1, maxLength: LIMITS.maxFileTypes }).map((t) => t.sort()),
    },
    { requiredKeys: [] },
  )
  .filter((r) => r.maxBytes !== undefined || r.types !== undefined);

describe('file rules in the policy', () => {
  it('round-trip through signing, decoding and replay into the policy', () => {
    fc.assert(
      fc.property(rulesArb, (files) => {
        const e = setPolicy(files);
        const a = openEntry(e.bytes, crypto).body.action;
        assert.equal(a.kind, 'set_policy');
        const got = a.kind === 'set_policy' ? a.policy.files : undefined;
        assert.deepEqual({ maxBytes: got?.maxBytes, types: got?.types }, { maxBytes: files.maxBytes, types: files.types });
        const st = replayAuthority([...room.entries, e], crypto);
        assert.deepEqual(st.policy().files?.types, files.types);
        assert.equal(st.policy().files?.maxBytes, files.maxBytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('absent: no f key, the bytes as before the field existed', () => {
    const e = setPolicy(undefined);
    const po = decodeCanonicalMap(parseFrame(e.bytes).payload, 'x').po as Record<string, unknown>;
    assert.deepEqual(Object.keys(po).sort(), ['d', 'h', 'i', 'j', 'v']);
    assert.equal(replayAuthority([...room.entries, e], crypto).policy().files, undefined);
  });

  it('is set by MANAGE_ROOM only: a member cannot change them', () => {
    const e = setPolicy({ maxBytes: 1 }, bob);
    const st = replayAuthority([...room.entries, e], crypto);
    assert.equal(st.policy().files, undefined, 'bob has no MANAGE_ROOM');
  });

  it('malformed rules are refused with typed errors naming the field', () => {
    const bad: [FileRules, typeof InvalidFieldError | typeof LimitError, RegExp][] = [
      [{}, InvalidFieldError, /po\.f/],
      [{ maxBytes: 0 }, InvalidFieldError, /po\.f\.z/],
      [{ maxBytes: LIMITS.maxFileBytes + 1 }, InvalidFieldError, /po\.f\.z/],
      [{ types: ['IMAGE/png'] }, InvalidFieldError, /po\.f\.t\[0\]/],
      [{ types: ['image'] }, InvalidFieldError, /po\.f\.t\[0\]/],
      [{ types: ['*/*'] }, InvalidFieldError, /po\.f\.t\[0\]/],
      [{ types: ['x'.repeat(LIMITS.maxFileTypeBytes - 1) + '/a'] }, LimitError, /po\.f\.t/],
      [{ types: Array.from({ length: LIMITS.maxFileTypes + 1 }, (_, i) => `image/t${String(i).padStart(2, '0')}`) }, LimitError, /po\.f\.t/],
    ];
    for (const [files, type, field] of bad) {
      // Built without the writer's sorting (nextEntry sorts types): sign the bytes as given.
      assert.throws(
        () => openEntry(setPolicy(files).bytes, crypto),
        (e: unknown) => e instanceof type && field.test((e as Error).message),
        JSON.stringify(files),
      );
    }
  });
});

describe('fileRefusal', () => {
  it('no rules: anything goes', () => {
    assert.equal(fileRefusal(undefined, LIMITS.maxFileBytes, ''), undefined);
  });

  it('the size limit is inclusive', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LIMITS.maxFileBytes - 1 }), (max) => {
        assert.equal(fileRefusal({ maxBytes: max }, max, 'image/png'), undefined);
        assert.match(fileRefusal({ maxBytes: max }, max + 1, 'image/png') ?? '', /over this room's limit/);
      }),
      { numRuns: RUNS },
    );
  });

  it('types: exact, type/*, any case, parameters ignored; nothing else', () => {
    const rules = ['application/pdf', 'image/*'];
    for (const t of ['image/png', 'IMAGE/JPEG', 'application/pdf', 'application/pdf; x=1', ' image/webp ']) assert.equal(typeAllowed(rules, t), true, t);
    for (const t of ['', 'image', 'application/pdfx', 'text/plain', 'video/mp4', 'application/*', '*/*', 'imagex/png'])
      assert.equal(typeAllowed(rules, t), false, t);
    assert.match(fileRefusal({ types: rules }, 10, '') ?? '', /unknown type/);
  });

  it('a rule matches the types it names and no type of another major type', () => {
    fc.assert(
      fc.property(ruleArb, token, token, (rule, major, minor) => {
        assert.ok(isMediaTypeRule(rule));
        const [rm, rs] = rule.split('/') as [string, string];
        const t = `${major}/${minor}`;
        const expected = rm === major && (rs === '*' || rs === minor);
        assert.equal(typeAllowed([rule], t), expected, `${rule} vs ${t}`);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
