/**
 * Checks the frozen invite and discovery vectors against the code: every valid case decodes to exactly
 * its recorded content and id, every invalid case fails with its recorded error code, and the
 * generator still produces the frozen files byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromHex, fromUtf8, toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import type { CryptoPort } from '../src/crypto/port.ts';
import { openListing } from '../src/discovery/listing.ts';
import { openPresence } from '../src/discovery/presence.ts';
import { openVote } from '../src/discovery/vote.ts';
import { ProtocolError } from '../src/errors.ts';
import { openInviteToken } from '../src/invite/invite-token.ts';
import { type Invite, parseInviteUrl } from '../src/invite/invite-url.ts';
import { crypto } from './helpers.ts';
import { expectListing, expectPresence, expectToken, expectVote, generate } from './vectors/gen-invite-discovery.ts';
import { serialize } from './vectors/serialize.ts';
import type { JsonValue, VectorFile } from './vectors/vector-file.ts';

type Context = { now: number; room: string; difficulty: number };
type Checker = (hex: string, ctx: Context, c: CryptoPort) => { id?: string; expect: { [k: string]: JsonValue } };

const frame =
  <T>(open: (b: Uint8Array, ctx: Context, c: CryptoPort) => Signed<T>, expect: (body: T) => { [k: string]: JsonValue }): Checker =>
  (hex, ctx, c) => {
    const s = open(fromHex(hex), ctx, c);
    return { id: toHex(s.id), expect: expect(s.body) };
  };

const inviteExpect = (url: string, i: Invite): { [k: string]: JsonValue } => ({
  url,
  origin: i.origin,
  room: toHex(i.room),
  addrs: [...i.addrs],
  token: i.token ? toHex(i.token.id) : null,
  key: i.key ? toHex(i.key) : null,
  name: i.name ?? null,
  heads: i.heads ? i.heads.map(toHex) : null,
});

const checkers: Record<string, Checker> = {
  'invite-token.json': frame((b, _x, c) => openInviteToken(b, c), expectToken),
  'invite-url.json': (hex, _x, c) => {
    const url = fromUtf8(fromHex(hex));
    return { expect: inviteExpect(url, parseInviteUrl(url, c)) };
  },
  'presence.json': frame((b, x, c) => openPresence(b, c, x.now, fromHex(x.room)), expectPresence),
  'listing.json': frame((b, x, c) => openListing(b, c, x.now, x.difficulty), expectListing),
  'vote.json': frame((b, x, c) => openVote(b, c, x.now, x.difficulty), expectVote),
};

describe('vectors: invites and discovery', () => {
  const generated = generate();

  for (const [name, check] of Object.entries(checkers)) {
    const text = readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8');
    const file = JSON.parse(text) as VectorFile & { context?: Context };
    const ctx = file.context ?? ({} as Context);

    it(`${name}: the generator reproduces the frozen file`, () => {
      const g = generated[name];
      assert.ok(g !== undefined);
      assert.equal(serialize(g), text);
    });

    for (const c of [crypto, nobleCrypto]) {
      it(`${name}: ${file.valid.length} valid cases decode as recorded (${c.name})`, () => {
        for (const v of file.valid) {
          const got = check(v.hex as string, ctx, c);
          if (v.id !== undefined) assert.equal(got.id, v.id, v.name);
          assert.deepEqual(got.expect, v.expect, v.name);
        }
      });

      it(`${name}: ${file.invalid.length} invalid cases fail with their error (${c.name})`, () => {
        for (const v of file.invalid) {
          assert.throws(
            () => check(v.hex as string, ctx, c),
            // Invite-URL notes start with the field the error must name.
            (e: unknown) => e instanceof ProtocolError && e.code === v.error && (name !== 'invite-url.json' || v.note.startsWith(`${e.field}:`)),
            `${v.name}: expected ${v.error} (${v.note})`,
          );
        }
      });
    }
  }
});
