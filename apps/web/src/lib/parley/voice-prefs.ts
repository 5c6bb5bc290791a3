/**
 * Voice settings remembered in this browser (localStorage): mute and deafen as last left, the input
 * mode and its push-to-talk key (a KeyboardEvent.code), and the chosen microphone and speaker
 * (device ids; '' is the system default). Anything unreadable falls back to the defaults.
 */
import type { VoiceInputMode } from '@parley/voice';

export interface VoicePrefs {
  readonly muted: boolean;
  readonly deafened: boolean;
  readonly inputMode: VoiceInputMode;
  readonly pttKey: string;
  readonly microphone: string;
  readonly speaker: string;
}

export const DEFAULT_VOICE_PREFS: VoicePrefs = { muted: false, deafened: false, inputMode: 'voice', pttKey: 'Backquote', microphone: '', speaker: '' };

const KEY = 'parley-voice';

/** Parses stored prefs field by field: a wrong type keeps that field's default. */
export const parseVoicePrefs = (raw: string | null): VoicePrefs => {
  if (raw === null) return DEFAULT_VOICE_PREFS;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return DEFAULT_VOICE_PREFS;
  }
  if (typeof v !== 'object' || v === null) return DEFAULT_VOICE_PREFS;
  const o = v as Record<string, unknown>;
  const str = (k: string, d: string, max = 256) => (typeof o[k] === 'string' && (o[k] as string).length <= max ? (o[k] as string) : d);
  const bool = (k: string, d: boolean) => (typeof o[k] === 'boolean' ? (o[k] as boolean) : d);
  const d = DEFAULT_VOICE_PREFS;
  return {
    muted: bool('muted', d.muted),
    deafened: bool('deafened', d.deafened),
    inputMode: o.inputMode === 'push-to-talk' || o.inputMode === 'voice' ? o.inputMode : d.inputMode,
    pttKey: str('pttKey', d.pttKey, 32) || d.pttKey,
    microphone: str('microphone', d.microphone),
    speaker: str('speaker', d.speaker),
  };
};

export const loadVoicePrefs = (): VoicePrefs => {
  try {
    return parseVoicePrefs(globalThis.localStorage?.getItem(KEY) ?? null);
  } catch {
    return DEFAULT_VOICE_PREFS;
  }
};

export const saveVoicePrefs = (p: VoicePrefs): void => {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(p));
  } catch {
    // private mode or full storage: the settings last for this visit
  }
};

/** How a push-to-talk key code is shown: "KeyV" -> "V", "Backquote" -> "`", "Digit1" -> "1", else the code. */
export const keyLabel = (code: string): string => {
  const named: Record<string, string> = {
    Backquote: '`',
    Space: 'Space',
    CapsLock: 'Caps Lock',
    ShiftLeft: 'Left Shift',
    ShiftRight: 'Right Shift',
    ControlLeft: 'Left Ctrl',
    ControlRight: 'Right Ctrl',
    AltLeft: 'Left Alt',
    AltRight: 'Right Alt',
  };
  if (named[code] !== undefined) return named[code] as string;
  const m = /^(Key|Digit|Numpad)(.+)$/.exec(code);
  return m === null ? code : `${m[1] === 'Numpad' ? 'Num ' : ''}${m[2]}`;
};
