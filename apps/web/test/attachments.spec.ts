/** The portal's attachment rules: the size limit's message, names and types the protocol accepts, and which bytes may be shown as an image. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, readFileRef } from '@parley/protocol';
import fc from 'fast-check';
import { attachmentName, attachmentProblem, attachmentType, formatBytes, MAX_ATTACHMENT_BYTES, previewType } from '../src/lib/parley/attachments.ts';
import { makePng } from './harness/png.ts';

test('sizes for people, and the limit says what it is', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(MAX_ATTACHMENT_BYTES), '25.0 MB');
  assert.equal(attachmentProblem({ name: 'a.png', size: MAX_ATTACHMENT_BYTES }), undefined);
  assert.equal(attachmentProblem({ name: 'big.bin', size: MAX_ATTACHMENT_BYTES + 1 }), 'big.bin is 25.0 MB: files up to 25.0 MB can be sent.');
  assert.equal(attachmentProblem({ name: 'huge.mov', size: 300 * 1024 * 1024 }), 'huge.mov is 300.0 MB: files up to 25.0 MB can be sent.');
  assert.equal(attachmentProblem({ name: 'e.txt', size: 0 }), 'e.txt is empty.');
});

test('only bytes that are PNG, JPEG, GIF or WebP are previewed, whatever the name or claimed type', () => {
  assert.equal(previewType(makePng(4, 4)), 'image/png');
  assert.equal(previewType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(previewType(new TextEncoder().encode('GIF89a....')), 'image/gif');
  assert.equal(previewType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
  assert.equal(previewType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), undefined);
  assert.equal(previewType(new TextEncoder().encode('<html><img src=x onerror=alert(1)>')), undefined);
  assert.equal(previewType(new Uint8Array(0)), undefined);
});

test('property: any name and type become ones a file reference accepts', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400, unit: 'binary' }), fc.string({ maxLength: 200 }), (name, type) => {
      const ref = { i: new Uint8Array(32), z: 1, s: new Uint8Array(16), n: attachmentName(name), t: attachmentType(type) };
      const back = readFileRef(ref, 'fl');
      assert.ok(new TextEncoder().encode(back.name).length <= LIMITS.maxFileNameBytes);
    }),
  );
  assert.equal(attachmentName('../../etc/passwd'), '.._.._etc_passwd');
  assert.equal(attachmentName('..'), 'file');
  assert.equal(attachmentName('a\nb.txt'), 'a_b.txt');
  assert.equal(attachmentType('Image/PNG; charset=x'), 'image/png');
  assert.equal(attachmentType(''), 'application/octet-stream');
});
