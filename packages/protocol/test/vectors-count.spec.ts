/**
 * The frozen vectors are complete enough to be worth freezing: at least ten files, each with valid
 * and invalid cases, and every invalid case says which error it must raise and why.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { VectorFile } from './vectors/vector-file.ts';

const dir = new URL('./vectors/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('test vectors', () => {
  it('at least 10 vector files exist', () => {
    assert.ok(names.length >= 10, `found ${names.length} vector files in test/vectors: ${names.join(', ') || 'none'}`);
  });

  for (const name of names) {
    it(`${name} has valid and invalid cases, each invalid one with an error and a note`, () => {
      const file = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as VectorFile;
      assert.ok(typeof file.type === 'string' && file.type.length > 0, `${name}: no type`);
      assert.ok(typeof file.description === 'string' && file.description.length > 0, `${name}: no description`);
      assert.ok(Array.isArray(file.valid) && file.valid.length >= 1, `${name}: no valid case`);
      assert.ok(Array.isArray(file.invalid) && file.invalid.length >= 1, `${name}: no invalid case`);
      for (const c of [...file.valid, ...file.invalid]) {
        assert.ok(typeof c.name === 'string' && c.name.length > 0, `${name}: a case has no name`);
        assert.ok(typeof c.hex === 'string' || Array.isArray(c.frames), `${name}/${c.name}: neither hex nor frames`);
      }
      for (const c of file.invalid) {
        assert.ok(typeof c.error === 'string' && /^ERR_[A-Z_]+$/.test(c.error), `${name}/${c.name}: error "${c.error}" is not an ERR_ code`);
        assert.ok(typeof c.note === 'string' && c.note.trim().length > 0, `${name}/${c.name}: empty note`);
      }
    });
  }
});
