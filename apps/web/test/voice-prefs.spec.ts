/** Voice settings as stored in localStorage: read back exactly, and anything else falls back field by field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_VOICE_PREFS, keyLabel, parseVoicePrefs, type VoicePrefs } from '../src/lib/parley/voice-prefs.ts';

const prefs: fc.Arbitrary<VoicePrefs> = fc.record({
  muted: fc.boolean(),
  deafened: fc.boolean(),
  inputMode: fc.constantFrom('voice' as const, 'push-to-talk' as const),
  pttKey: fc.string({ minLength: 1, maxLength: 32 }),
  microphone: fc.string({ maxLength: 256 }),
  speaker: fc.string({ maxLength: 256 }),
});

test('stored settings read back as written', () => {
  fc.assert(fc.property(prefs, (p) => assert.deepEqual(parseVoicePrefs(JSON.stringify(p)), { ...p })));
});

test('nothing stored, broken JSON, or a wrong shape gives the defaults; a wrong field keeps only that default', () => {
  assert.deepEqual(parseVoicePrefs(null), DEFAULT_VOICE_PREFS);
  assert.deepEqual(parseVoicePrefs('{not json'), DEFAULT_VOICE_PREFS);
  assert.deepEqual(parseVoicePrefs('[1,2]').inputMode, 'voice');
  assert.deepEqual(parseVoicePrefs('"text"'), DEFAULT_VOICE_PREFS);
  const p = parseVoicePrefs(JSON.stringify({ muted: 'yes', inputMode: 'shout', pttKey: 'KeyV', microphone: 'x'.repeat(300) }));
  assert.deepEqual(p, { ...DEFAULT_VOICE_PREFS, pttKey: 'KeyV' });
});

test('property: any string parses to valid settings without throwing', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
      const p = parseVoicePrefs(raw);
      assert.ok(p.inputMode === 'voice' || p.inputMode === 'push-to-talk');
      assert.equal(typeof p.muted, 'boolean');
      assert.ok(p.pttKey.length > 0 && p.pttKey.length <= 32);
    }),
  );
});

test('key labels', () => {
  assert.equal(keyLabel('KeyV'), 'V');
  assert.equal(keyLabel('Backquote'), '`');
  assert.equal(keyLabel('Digit1'), '1');
  assert.equal(keyLabel('Numpad5'), 'Num 5');
  assert.equal(keyLabel('F8'), 'F8');
});
