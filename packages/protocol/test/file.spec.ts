/**
 * Files (PROTOCOL 11): piece lists, chunk encryption, file references in message content and the
 * envelope's cleartext file id. Real crypto (node and noble ports), seeded inputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { equals } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble-crypto.ts';
import { ProtocolError } from '../src/errors.ts';
import { decryptChunk, deriveFileKey, encryptChunk, FILE_SALT_BYTES, type FileKeyContext } from '../src/file/chunk-cipher.ts';
import { readFileRef, writeFileRef } from '../src/file/file-ref.ts';
import { chunkCipherLength, chunkCount, fileIdOf, merkleRoot, openPieceList } from '../src/file/piece-list.ts';
import { prepareFile } from '../src/file/prepare-file.ts';
import { LIMITS } from '../src/limits.ts';
import { decodeContent, encodeContent } from '../src/message/content.ts';
import { createEnvelope, decryptEnvelope, openEnvelope } from '../src/message/envelope.ts';
import { historyView } from '../src/message/history.ts';
import { verifyEnvelope } from '../src/message/validate-envelope.ts';
import { crypto, seededRandom } from './helpers.ts';
import { cast } from './message-fixture.ts';

const CH = LIMITS.fileChunkBytes;
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const rnd = seededRandom('files');
const ctx: FileKeyContext = { room: rnd(32), channel: rnd(16), epoch: 3, epochKey: rnd(32) };
const meta = { name: 'holiday.png', type: 'image/png', thumbnail: PNG };

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${e}`);
    return `${e.code} ${e.field}`;
  }
  return 'ok';
};

const decryptAll = (chunks: Uint8Array[], key: Uint8Array, size: number, c = crypto): Uint8Array => {
  const out = new Uint8Array(size);
  chunks.forEach((ch, i) => {
    out.set(decryptChunk(key, size, i, ch, c), i * CH);
  });
  return out;
};

describe('files: chunks and piece lists', () => {
  const bytes = rnd(2 * CH + 1000);
  const salt = rnd(FILE_SALT_BYTES);
  const f = prepareFile(bytes, ctx, salt, meta, crypto);

  it('splits into fixed 256 KiB chunks plus a short last one, each with a 16-byte tag', () => {
    assert.equal(f.chunks.length, 3);
    assert.deepEqual(
      f.chunks.map((c) => c.length),
      [CH + 16, CH + 16, 1016],
    );
    assert.equal(chunkCount(CH), 1);
    assert.equal(chunkCount(CH + 1), 2);
  });

  it('round-trips with the key derived from the epoch key and salt, on both crypto ports', () => {
    const key = deriveFileKey(ctx, salt);
    assert.ok(equals(decryptAll(f.chunks, key, bytes.length), bytes));
    assert.ok(equals(decryptAll(f.chunks, key, bytes.length, nobleCrypto), bytes));
    const viaNoble = prepareFile(bytes, ctx, salt, meta, nobleCrypto);
    assert.ok(
      viaNoble.chunks.every((c, i) => equals(c, f.chunks[i] as Uint8Array)),
      'noble and OpenSSL produce the same bytes',
    );
  });

  it('the piece list hashes to the file id; a wrong size or a changed hash does not', () => {
    assert.equal(f.hashes.length, 3);
    assert.ok(equals(fileIdOf(bytes.length, f.hashes, crypto), f.ref.id));
    openPieceList(f.ref.id, bytes.length, f.pieces, crypto);
    // THREATS 37: a reference that lies about the size names another id.
    assert.equal(
      code(() => openPieceList(f.ref.id, bytes.length - 1, f.pieces, crypto)),
      'ERR_FIELD pieces',
    );
    assert.equal(
      code(() => openPieceList(f.ref.id, bytes.length + CH, f.pieces, crypto)),
      'ERR_FIELD pieces',
    );
    const bad = f.pieces.slice();
    bad[40] = (bad[40] as number) ^ 1;
    assert.equal(
      code(() => openPieceList(f.ref.id, bytes.length, bad, crypto)),
      'ERR_FIELD pieces',
    );
  });

  it('refuses altered, moved, truncated chunks and the wrong key', () => {
    const key = deriveFileKey(ctx, salt);
    const c0 = f.chunks[0] as Uint8Array;
    const flipped = c0.slice();
    flipped[100] = (flipped[100] as number) ^ 0x80;
    assert.equal(
      code(() => decryptChunk(key, bytes.length, 0, flipped, crypto)),
      'ERR_DECRYPT chunk',
    );
    assert.equal(
      code(() => decryptChunk(key, bytes.length, 1, c0, crypto)),
      'ERR_DECRYPT chunk',
    );
    assert.equal(
      code(() => decryptChunk(key, bytes.length, 2, c0.subarray(0, 1016), crypto)),
      'ERR_DECRYPT chunk',
    );
    assert.equal(
      code(() => decryptChunk(key, bytes.length + 1, 0, c0, crypto)),
      'ERR_DECRYPT chunk',
    );
    assert.equal(
      code(() => decryptChunk(key, bytes.length, 3, c0, crypto)),
      'ERR_FIELD chunk.index',
    );
    // Another epoch key (a non-member's guess, or the next epoch) derives another file key.
    const other = deriveFileKey({ ...ctx, epochKey: rnd(32) }, salt);
    assert.equal(
      code(() => decryptChunk(other, bytes.length, 0, c0, crypto)),
      'ERR_DECRYPT chunk',
    );
    const otherEpoch = deriveFileKey({ ...ctx, epoch: 4 }, salt);
    assert.equal(
      code(() => decryptChunk(otherEpoch, bytes.length, 0, c0, crypto)),
      'ERR_DECRYPT chunk',
    );
  });

  it('chunk ciphertext carries no plaintext run (canary)', () => {
    const canary = new TextEncoder().encode('CANARY-CANARY-CANARY-0123456789');
    const plain = new Uint8Array(CH + 500);
    for (let o = 0; o + canary.length <= plain.length; o += canary.length) plain.set(canary, o);
    const p = prepareFile(plain, ctx, rnd(16), meta, crypto);
    const hay = Buffer.concat(p.chunks);
    assert.equal(hay.indexOf(Buffer.from(canary.subarray(0, 12))), -1);
  });

  it('checks sizes and limits before work', () => {
    assert.equal(
      code(() => chunkCount(0)),
      'ERR_FIELD file.size',
    );
    assert.equal(
      code(() => chunkCount(LIMITS.maxFileBytes + 1)),
      'ERR_LIMIT file.size',
    );
    assert.equal(
      code(() => encryptChunk(deriveFileKey(ctx, salt), 10, 0, new Uint8Array(9), crypto)),
      'ERR_FIELD chunk',
    );
    assert.equal(
      code(() => deriveFileKey(ctx, new Uint8Array(15))),
      'ERR_FIELD file.s',
    );
    assert.equal(
      code(() => merkleRoot([], crypto)),
      'ERR_FIELD file.hashes',
    );
  });
});

describe('files: references in content and envelopes', () => {
  const { bob, carol, room } = cast('files');
  const key0 = room.keys[0] as Uint8Array;
  const ctx0 = { room: room.room.roomId, channel: room.channel, epoch: 0, epochKey: key0 };
  const f = prepareFile(rnd(5000), ctx0, rnd(16), meta, crypto);

  it('a message may share a file with or without a caption; the envelope names the file id in the clear', () => {
    for (const content of [{ file: f.ref }, { text: 'look', file: f.ref }]) {
      const env = room.send(bob, content);
      assert.ok(env.body.file !== undefined && equals(env.body.file, f.ref.id));
      const opened = openEnvelope(env.bytes, crypto);
      assert.ok(opened.body.file !== undefined && equals(opened.body.file, f.ref.id));
      verifyEnvelope(env.bytes, room.state, crypto);
      const got = decryptEnvelope(opened.body, key0, crypto);
      assert.equal(got.text, content.text);
      assert.deepEqual(got.file, f.ref);
    }
  });

  it("the history view shows a message's file; an edit keeps it, the author's delete hides it", () => {
    const env = room.send(bob, { text: 'look', file: f.ref });
    const plain = room.send(carol, { text: 'no file' });
    const item = (e: typeof env) => ({ envelope: e, content: decryptEnvelope(e.body, key0, crypto) });
    const shown = (...es: (typeof env)[]) => historyView({ channel: room.channel, items: es.map(item) }).messages;
    const [withFile, without] = shown(env, plain);
    assert.deepEqual(withFile?.file, f.ref);
    assert.equal(without?.file, undefined);
    const edit = room.send(bob, { text: 'look again' }, { op: 'edit', target: env.id });
    const edited = shown(env, edit).find((m) => equals(m.id, env.id));
    assert.equal(edited?.text, 'look again');
    assert.deepEqual(edited?.file, f.ref);
    const del = room.send(bob, {}, { op: 'delete', target: env.id });
    assert.equal(shown(env, del).find((m) => equals(m.id, env.id))?.file, undefined);
  });

  it('refuses a cleartext id that disagrees with the encrypted reference, and files on ops', () => {
    const env = room.send(bob, { file: f.ref });
    const other = rnd(32);
    const forged = createEnvelope(
      { account: bob.key, room: room.room.roomId, channel: room.channel, seq: 99, lamport: 99, heads: room.state.heads(), epoch: 0, content: { text: 'x' } },
      bob.device.sign,
      key0,
      rnd(24),
      crypto,
    );
    assert.equal(
      code(() => decryptEnvelope({ ...forged.body, file: other }, key0, crypto)),
      'ERR_FIELD content.fl.i',
    );
    assert.equal(
      code(() => decryptEnvelope({ ...env.body, file: other }, key0, crypto)),
      'ERR_FIELD content.fl.i',
    );
    assert.equal(
      code(() => decryptEnvelope({ ...env.body, file: undefined }, key0, crypto)),
      'ERR_FIELD content.fl.i',
    );
    assert.equal(
      code(() => room.send(carol, { file: f.ref, text: 'x' }, { op: 'edit', target: env.id })),
      'ERR_FIELD content.fl',
    );
  });

  it('validates every field of a reference', () => {
    const base = writeFileRef(f.ref);
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, n: '' }, 'ERR_FIELD fl.n'],
      [{ ...base, n: '../etc/passwd' }, 'ERR_FIELD fl.n'],
      [{ ...base, n: 'a\nb' }, 'ERR_FIELD fl.n'],
      [{ ...base, n: 'x'.repeat(256) }, 'ERR_LIMIT fl.n'],
      [{ ...base, t: 'Image/PNG' }, 'ERR_FIELD fl.t'],
      [{ ...base, t: 'image/png; charset=x' }, 'ERR_FIELD fl.t'],
      [{ ...base, t: 'text' }, 'ERR_FIELD fl.t'],
      [{ ...base, p: new TextEncoder().encode('<svg onload=alert(1)>') }, 'ERR_FIELD fl.p'],
      [{ ...base, p: new Uint8Array(LIMITS.maxThumbnailBytes + 1) }, 'ERR_LIMIT fl.p'],
      [{ ...base, z: 0 }, 'ERR_FIELD fl.z'],
      [{ ...base, z: LIMITS.maxFileBytes + 1 }, 'ERR_LIMIT fl.z'],
      [{ ...base, s: new Uint8Array(15) }, 'ERR_FIELD fl.s'],
      [{ ...base, i: new Uint8Array(31) }, 'ERR_FIELD fl.i'],
      [{ ...base, x: 1 }, 'ERR_FIELD fl.x'],
    ];
    for (const [m, want] of bad)
      assert.equal(
        code(() => readFileRef(m as never, 'fl')),
        want,
        JSON.stringify(Object.keys(m)),
      );
  });

  it('content with the largest file reference and the largest body still fits maxContentBytes', () => {
    const big = { ...f.ref, name: 'é'.repeat(127), type: `image/${'x'.repeat(120)}`, thumbnail: new Uint8Array(LIMITS.maxThumbnailBytes).fill(0xff) };
    const mentions = Array.from({ length: LIMITS.maxMentions }, () => rnd(32));
    const bytes = encodeContent(
      {
        text: 'a'.repeat(LIMITS.maxBodyBytes),
        replyTo: rnd(32),
        mentions,
        file: { ...big, thumbnail: Uint8Array.from([0xff, 0xd8, 0xff, ...big.thumbnail.subarray(3)]) },
      },
      undefined,
    );
    assert.ok(bytes.length <= LIMITS.maxContentBytes, `${bytes.length}`);
    assert.ok(bytes.length + 16 <= LIMITS.maxCiphertextBytes);
    assert.ok(decodeContent(bytes, undefined).file !== undefined);
  });
});

describe('files: properties (fast-check)', () => {
  it('any size round-trips, and the id depends on every chunk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * CH + 7 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(), (size, salt, pick) => {
        const bytes = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
        const p = prepareFile(bytes, ctx, salt, meta, crypto);
        assert.equal(p.chunks.length, chunkCount(size));
        for (const [i, c] of p.chunks.entries()) assert.equal(c.length, chunkCipherLength(size, i));
        assert.ok(equals(decryptAll(p.chunks, deriveFileKey(ctx, salt), size), bytes));
        const hashes = [...p.hashes];
        const i = pick % hashes.length;
        const h = (hashes[i] as Uint8Array).slice();
        h[0] = (h[0] as number) ^ 1;
        hashes[i] = h;
        assert.ok(!equals(fileIdOf(size, hashes, crypto), p.ref.id));
      }),
      { numRuns: 40 },
    );
  });

  it('decoding a random reference map either succeeds and re-encodes identically, or throws a ProtocolError', () => {
    const bytesArb = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.constant(PNG));
    fc.assert(
      fc.property(
        fc.record(
          { i: bytesArb, z: fc.oneof(fc.integer({ min: -2, max: 2 ** 32 }), fc.string()), s: bytesArb, n: fc.string(), t: fc.string(), p: bytesArb },
          { requiredKeys: [] },
        ),
        (m) => {
          let r: ReturnType<typeof readFileRef>;
          try {
            r = readFileRef(m as never, 'fl');
          } catch (e) {
            assert.ok(e instanceof ProtocolError);
            return;
          }
          assert.deepEqual(readFileRef(writeFileRef(r), 'fl'), r);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
