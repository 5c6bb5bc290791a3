/** Checks the frozen core vectors (frames, device certs, profiles, authority entries and replays) against the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CAP } from '../src/authority/capabilities.ts';
import { openEntry } from '../src/authority/open-entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import { fromHex, toHex } from '../src/bytes.ts';
import { open } from '../src/codec/signed.ts';
import { ProtocolError } from '../src/errors.ts';
import { openDeviceCert } from '../src/identity/device-cert.ts';
import { profileCodec } from '../src/identity/profile.ts';
import { crypto } from './helpers.ts';
import type { VectorFile } from './vectors/vector-file.ts';

const load = (name: string): VectorFile => JSON.parse(readFileSync(new URL(`vectors/${name}`, import.meta.url), 'utf8')) as VectorFile;

const openers: Record<string, (b: Uint8Array) => { id: Uint8Array; body: unknown }> = {
  'device-cert.json': (b) => openDeviceCert(b, crypto),
  'profile.json': (b) => open(profileCodec, b, crypto),
  'authority-entry.json': (b) => openEntry(b, crypto),
};

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e.code;
  }
  return 'accepted';
};

for (const [file, opener] of Object.entries(openers)) {
  describe(`vectors: ${file}`, () => {
    const v = load(file);
    for (const c of v.valid) {
      it(`valid: ${c.name}`, () => {
        const o = opener(fromHex(c.hex as string));
        assert.equal(toHex(o.id), c.id);
        const body = o.body as Record<string, unknown>;
        const flat: Record<string, unknown> = { ...body, ...((body.action as object | undefined) ?? {}) };
        for (const [k, want] of Object.entries(c.expect ?? {})) {
          const got = flat[k];
          assert.deepEqual(got instanceof Uint8Array ? toHex(got) : got, want, k);
        }
      });
    }
    for (const c of v.invalid) {
      it(`invalid: ${c.name} (${c.note})`, () =>
        assert.equal(
          code(() => opener(fromHex(c.hex as string))),
          c.error,
        ));
    }
  });
}

describe('vectors: authority-replay.json', () => {
  const v = load('authority-replay.json');
  const replay = (frames: string[]) => {
    const entries = frames.map((h) => openEntry(fromHex(h), crypto));
    return { entries, state: replayAuthority([...entries].reverse(), crypto) };
  };
  for (const c of v.valid) {
    it(`valid: ${c.name}`, () => {
      const { state } = replay(c.frames as string[]);
      const e = c.expect ?? {};
      assert.equal(state.validEntries().length, e.valid);
      assert.equal(state.members().length, e.members);
      const general = state.channels().find((ch) => ch.name === 'general');
      assert.ok(general);
      if (e.epochGeneral !== undefined) assert.equal(state.epochAt(general.id, state.length - 1), e.epochGeneral);
      if (e.canBanAlice !== undefined) {
        const alice = state.members().find((m) => !state.can(m.account, CAP.MANAGE_ROLES, undefined, state.length - 1) && m.roles.length === 0 && !m.pending);
        assert.ok(alice);
      }
    });
  }
  for (const c of v.invalid) {
    it(`invalid: ${c.name} (${c.note})`, () => {
      const { entries, state } = replay(c.frames as string[]);
      const last = toHex((entries[entries.length - 1] as { id: Uint8Array }).id);
      const err = [...state.rejected, ...state.pending].find((r) => toHex(r.id) === last)?.error;
      assert.equal(err?.code, c.error, err?.message);
    });
  }
});
