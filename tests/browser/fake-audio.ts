/**
 * A steady microphone for browser voice tests: a WAV file of a 440 Hz tone at half scale (48 kHz
 * mono 16-bit, 1 s, which Chromium loops) and the Chromium flags that make it the microphone with
 * no permission prompt.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes the tone file (once per process) and returns its path. */
export const toneWav = (): string => {
  const rate = 48_000;
  const n = rate;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 16_000), 44 + i * 2);
  const path = join(tmpdir(), `parley-voice-tone-${process.pid}.wav`);
  writeFileSync(path, b);
  return path;
};

/** Chromium flags: the tone as the microphone, no permission prompt, audio that plays without a gesture. */
export const fakeMicrophoneArgs = (): string[] => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-audio-capture=${toneWav()}`,
  '--autoplay-policy=no-user-gesture-required',
];
