/** Checks the frozen direct-message vectors (direct-envelope.json, ratchet-state.json) against the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../src/bytes.ts';
import { decodeRatchetState } from '../src/direct/ratchet-state-codec.ts';
import { ProtocolError } from '../src/errors.ts';
import { crypto } from './helpers.ts';
import { type DirectReaderJson, readDirect } from './vectors/gen-direct.ts';
import type { VectorFile } from './vectors/vector-file.ts';

const load = (name: string): VectorFile => JSON.parse(readFileSync(new URL(`vectors/${name}`, import.meta.url), 'utf8')) as VectorFile;

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e.code;
  }
  return 'accepted';
};

describe('vectors: direct-envelope.json', () => {
  const v = load('direct-envelope.json');
  const reader = v.valid[0]?.expect?.reader as unknown as DirectReaderJson;
  for (const c of v.valid) {
    it(`valid: ${c.name}`, () => {
      const { env, content } = readDirect(fromHex(c.hex as string), c.expect?.reader as unknown as DirectReaderJson);
      assert.equal(toHex(env.id), c.id);
      assert.equal(content.text, c.expect?.text);
      assert.equal(toHex(content.to), c.expect?.to);
    });
  }
  for (const c of v.invalid) {
    it(`invalid: ${c.name} (${c.note})`, () =>
      assert.equal(
        code(() => readDirect(fromHex(c.hex as string), reader)),
        c.error,
      ));
  }
});

describe('vectors: ratchet-state.json', () => {
  const v = load('ratchet-state.json');
  for (const c of v.valid) {
    it(`valid: ${c.name}`, () => {
      const s = decodeRatchetState(fromHex(c.hex as string), crypto);
      assert.deepEqual({ session: toHex(s.session), sendCount: s.sendCount, peer: toHex(s.peer) }, c.expect);
    });
  }
  for (const c of v.invalid) {
    it(`invalid: ${c.name} (${c.note})`, () =>
      assert.equal(
        code(() => decodeRatchetState(fromHex(c.hex as string), crypto)),
        c.error,
      ));
  }
});
