'use client';
/**
 * Voice settings: voice activity or push to talk (and its key, set by pressing it), the microphone
 * and the speakers. Device names show once the browser has granted the microphone.
 */
import { useEffect, useId, useState } from 'react';
import { useVoice } from '../../lib/parley/voice.tsx';
import { keyLabel } from '../../lib/parley/voice-prefs.ts';
import { useModal } from '../../lib/use-modal.ts';

const select = 'mt-1 block w-full rounded bg-[#1e1f22] px-2 py-1.5 text-sm text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]';

export const VoiceSettingsDialog = ({ onClose }: { onClose: () => void }) => {
  const v = useVoice();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [capturing, setCapturing] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    void navigator.mediaDevices
      ?.enumerateDevices()
      .then(setDevices)
      .catch(() => undefined);
  }, []);
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const speakers = devices.filter((d) => d.kind === 'audiooutput');
  const canPickSpeaker = typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;
  const apply = (p: Parameters<typeof v.setPrefs>[0]) => {
    setProblem(undefined);
    v.setPrefs(p).catch((e: unknown) => setProblem(`That device could not be used: ${(e as Error).message}`));
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (capturing) {
          e.preventDefault();
          e.stopPropagation();
          if (e.key !== 'Escape') apply({ pttKey: e.nativeEvent.code });
          setCapturing(false);
          return;
        }
        wrap(e);
      }}
      onCancel={(e) => {
        e.preventDefault();
        if (!capturing) onClose();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <div className="space-y-4 p-4">
        <h2 id={titleId} className="text-lg font-bold text-white">
          Voice settings
        </h2>
        <fieldset className="space-y-1">
          <legend className="text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Input mode</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="input-mode"
              checked={v.prefs.inputMode === 'voice'}
              onChange={() => apply({ inputMode: 'voice' })}
              className="accent-[#5865f2]"
            />
            Voice activity: send when you speak
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="input-mode"
              checked={v.prefs.inputMode === 'push-to-talk'}
              onChange={() => apply({ inputMode: 'push-to-talk' })}
              className="accent-[#5865f2]"
            />
            Push to talk: send while you hold a key
          </label>
        </fieldset>
        {v.prefs.inputMode === 'push-to-talk' && (
          <div className="flex items-center justify-between gap-2 text-sm">
            <span>
              Push-to-talk key: <kbd className="rounded bg-[#1e1f22] px-1.5 py-0.5">{keyLabel(v.prefs.pttKey)}</kbd>
            </span>
            <button
              type="button"
              onClick={() => setCapturing(true)}
              className="rounded bg-[#4e5058] px-3 py-1 text-sm text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white"
            >
              {capturing ? 'Press a key… (Escape cancels)' : 'Change key'}
            </button>
          </div>
        )}
        <label className="block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
          Microphone
          <select value={v.prefs.microphone} onChange={(e) => apply({ microphone: e.target.value })} className={select}>
            <option value="">System default</option>
            {mics
              .filter((d) => d.deviceId !== '' && d.deviceId !== 'default')
              .map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `Microphone ${i + 1}`}
                </option>
              ))}
          </select>
        </label>
        {canPickSpeaker && (
          <label className="block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
            Speakers
            <select value={v.prefs.speaker} onChange={(e) => apply({ speaker: e.target.value })} className={select}>
              <option value="">System default</option>
              {speakers
                .filter((d) => d.deviceId !== '' && d.deviceId !== 'default')
                .map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || `Speakers ${i + 1}`}
                  </option>
                ))}
            </select>
          </label>
        )}
        {problem !== undefined && (
          <p role="alert" className="text-xs text-red-300">
            {problem}
          </p>
        )}
        <div className="flex justify-end">
          <button
            type="button"
            onClick={onClose}
            className="rounded bg-[#5865f2] px-4 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white"
          >
            Done
          </button>
        </div>
      </div>
    </dialog>
  );
};
