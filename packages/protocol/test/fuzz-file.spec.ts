/**
 * Fuzzes the file decoders (PROTOCOL 11): content carrying a file reference, piece lists and
 * encrypted chunks. Every input must decode or throw a ProtocolError, never anything else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCbor } from '../src/codec/cbor.ts';
import { decryptChunk, deriveFileKey } from '../src/file/chunk-cipher.ts';
import { openPieceList } from '../src/file/piece-list.ts';
import { prepareFile } from '../src/file/prepare-file.ts';
import { decodeContent, encodeContent } from '../src/message/content.ts';
import { fuzz } from './fuzz/harness.ts';
import { crypto, seededRandom } from './helpers.ts';

const rnd = seededRandom('fuzz-file');
const ctx = { room: rnd(32), channel: rnd(16), epoch: 0, epochKey: rnd(32) };
const salt = rnd(16);
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const small = prepareFile(rnd(3000), ctx, salt, { name: 'a.jpg', type: 'image/jpeg', thumbnail: jpeg }, crypto);
const two = prepareFile(rnd(300_000), ctx, salt, { name: 'b.bin', type: 'application/octet-stream' }, crypto);
const key = deriveFileKey(ctx, salt);

describe('fuzz: file decoders', () => {
  it('content with a file reference', () => {
    const seeds = [
      encodeContent({ file: small.ref }, undefined),
      encodeContent({ text: 'caption', file: two.ref }, undefined),
      encodeCbor({ fl: { i: rnd(32) } }),
    ];
    const r = fuzz({ name: 'content.fl', seeds, decode: (b) => decodeContent(b, undefined) });
    assert.ok(r.inputs > 0 && r.rejected > 0);
  });

  it('piece lists', () => {
    const r = fuzz({
      name: 'pieces',
      seeds: [small.pieces, two.pieces],
      decode: (b) => openPieceList(two.ref.id, two.ref.size, b, crypto),
    });
    assert.ok(r.inputs > 0 && r.rejected > 0);
  });

  it('encrypted chunks', () => {
    const r = fuzz({ name: 'chunk', seeds: [small.chunks[0] as Uint8Array], decode: (b) => decryptChunk(key, small.ref.size, 0, b, crypto) });
    assert.ok(r.inputs > 0 && r.accepted <= r.inputs);
  });
});
