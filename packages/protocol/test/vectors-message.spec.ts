/**
 * Checks the frozen message and key vectors against the code: every valid case decodes (or replays)
 * to exactly its recorded outcome, every invalid case fails with its recorded error code, and the
 * generators still produce the frozen files byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../src/bytes.ts';
import { isProtocolError } from '../src/errors.ts';
import { openEpochBundleFrame } from '../src/keys/epoch-bundle.ts';
import { openKeyShareFrame } from '../src/keys/key-share.ts';
import { crypto } from './helpers.ts';
import { checkSeal, expectBundle, expectShare, generate as generateKeys } from './vectors/gen-keys.ts';
import { checkEnvelope, generate as generateMessage } from './vectors/gen-message.ts';
import { historyJson, historyOf, type Reader, rotationJson, runFrames } from './vectors/run-message-scenario.ts';
import { serialize } from './vectors/serialize.ts';
import type { JsonValue, VectorFile } from './vectors/vector-file.ts';

type Ctx = { key?: string; reader?: Reader; boxSecret?: string; devices?: { [k: string]: JsonValue }; recipientBoxSecret?: string };
type File = VectorFile & { context?: Ctx };

const load = (name: string): File => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as File;

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return e.code;
  }
};

/** Single-frame files: `check(bytes, ctx)` returns the recorded { id?, expect }. */
const singleFrame: Record<string, (b: Uint8Array, ctx: Ctx) => { id?: string; expect: { [k: string]: JsonValue } }> = {
  'envelope.json': (b, ctx) => checkEnvelope(b, fromHex(ctx.key as string)),
  'seal.json': (b, ctx) => ({ expect: checkSeal(b, fromHex(ctx.boxSecret as string)) }),
  'epoch-bundle.json': (b, ctx) => {
    const s = openEpochBundleFrame(b, crypto);
    return { id: toHex(s.id), expect: expectBundle(s.body, ctx.devices as { [k: string]: JsonValue }) };
  },
  'key-share.json': (b, ctx) => {
    const s = openKeyShareFrame(b, crypto);
    return { id: toHex(s.id), expect: expectShare(s.body, fromHex(ctx.recipientBoxSecret as string)) };
  },
};

/** Scenario files: the outcome a valid case records. */
const scenario: Record<string, (frames: string[], o: ReturnType<typeof runFrames>) => { [k: string]: JsonValue }> = {
  'envelope-authority.json': (_, o) => ({ position: o.envelopes.at(-1)?.position ?? -1 }),
  'history.json': (frames, o) => {
    const last = fromHex(frames.at(-1) as string);
    const env = o.envelopes.find((v) => toHex(v.envelope.bytes) === toHex(last));
    assert.ok(env, 'the last frame of a history case is an envelope');
    return historyJson(historyOf(o, env.envelope.body.channel, crypto));
  },
  'epoch-rotation.json': (_, o) => rotationJson(o),
};

describe('message and key vectors', () => {
  for (const [name, check] of Object.entries(singleFrame)) {
    it(`${name}: valid cases decode to their record, invalid ones fail with their code`, () => {
      const f = load(name);
      const ctx = f.context ?? {};
      for (const c of f.valid) {
        const got = check(fromHex(c.hex as string), ctx);
        if (c.id !== undefined) assert.equal(got.id, c.id, `${name}/${c.name}: id`);
        assert.deepStrictEqual(got.expect, c.expect, `${name}/${c.name}`);
      }
      for (const c of f.invalid)
        assert.equal(
          codeOf(() => check(fromHex(c.hex as string), ctx)),
          c.error,
          `${name}/${c.name}`,
        );
    });
  }

  for (const [name, expectOf] of Object.entries(scenario)) {
    it(`${name}: scenarios replay to their record; each invalid case fails at its last frame`, () => {
      const f = load(name);
      const reader = f.context?.reader as Reader;
      for (const c of f.valid) {
        const frames = c.frames as string[];
        const o = runFrames(frames, reader, crypto);
        assert.deepEqual(o.rejected, [], `${name}/${c.name}: nothing rejected`);
        assert.deepStrictEqual(expectOf(frames, o), c.expect, `${name}/${c.name}`);
      }
      for (const c of f.invalid) {
        const frames = c.frames as string[];
        const o = runFrames(frames, reader, crypto);
        assert.deepEqual(o.rejected, [{ index: frames.length - 1, error: c.error }], `${name}/${c.name}`);
      }
    });
  }

  it('history.json: the view depends on the set of frames, not their order', () => {
    const f = load('history.json');
    const reader = f.context?.reader as Reader;
    for (const c of f.valid) {
      const frames = c.frames as string[];
      const entries = frames.filter((h) => h.slice(2, 4) === '10');
      const rest = frames.filter((h) => h.slice(2, 4) !== '10');
      // Reverse everything but the authority log, and deliver the last envelope twice.
      const shuffled = [...[...entries].reverse(), ...[...rest].reverse(), frames.at(-1) as string];
      const o = runFrames(shuffled, reader, crypto);
      assert.deepStrictEqual(scenario['history.json']?.(shuffled, o), c.expect, c.name);
    }
  });

  it('the generators reproduce the frozen files byte for byte', () => {
    for (const [name, file] of Object.entries({ ...generateMessage(), ...generateKeys() })) {
      const frozen = readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8');
      assert.equal(serialize(file), frozen, `${name} differs from its generator: regenerate on purpose, with docs/PROTOCOL.md`);
    }
  });
});
