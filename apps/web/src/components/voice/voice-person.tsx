'use client';
/**
 * One person under a voice channel: avatar with a green ring while speaking, name, muted and deafened
 * marks, and in one's own call the link quality (round-trip time, loss) and a volume slider for
 * anyone but oneself (opened by clicking the person).
 */
import type { LinkQuality } from '@parley/voice';
import { useId, useState } from 'react';
import { cssColor } from '../../lib/parley/colors.ts';
import type { Shown } from '../../lib/parley/names.ts';
import { DeafenedIcon, MutedIcon } from './voice-icons.tsx';

/** Words and a tint for a link's quality: good under 150 ms and 2% loss, poor over 400 ms or 10%. */
export const qualityWords = (q: LinkQuality | undefined): { text: string; tone: 'good' | 'fair' | 'poor' | 'unknown' } => {
  if (q === undefined || (q.rttMs === undefined && q.lossPct === undefined)) return { text: 'measuring', tone: 'unknown' };
  const rtt = q.rttMs;
  const loss = q.lossPct ?? 0;
  const tone = (rtt ?? 0) > 400 || loss > 10 ? 'poor' : (rtt ?? 0) > 150 || loss > 2 ? 'fair' : 'good';
  return { text: `${rtt === undefined ? '?' : rtt} ms · ${loss}% loss`, tone };
};

const TONE = { good: 'text-[#4ade80]', fair: 'text-[#fcd34d]', poor: 'text-[#fca5a5]', unknown: 'text-[#b5bac1]' } as const;

export const VoicePerson = ({
  shown,
  speaking,
  muted,
  deafened,
  inCall,
  volume,
  quality,
  onVolume,
}: {
  shown: Shown;
  speaking: boolean;
  muted: boolean;
  deafened: boolean;
  /** Shown in this person's own call: quality and volume apply. */
  inCall: boolean;
  volume: number;
  quality: LinkQuality | undefined;
  onVolume: (v: number) => void;
}) => {
  const [open, setOpen] = useState(false);
  const sliderId = useId();
  const q = qualityWords(quality);
  const adjustable = inCall && !shown.me;
  const face = (
    <>
      <span
        aria-hidden="true"
        className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${speaking ? 'ring-2 ring-[#23a55a]' : ''}`}
        style={{ backgroundColor: cssColor(shown.color) }}
      >
        {shown.name.slice(0, 1).toUpperCase()}
      </span>
      <span className={`min-w-0 flex-1 truncate text-sm ${speaking ? 'text-white' : 'text-[#b5bac1]'}`}>{shown.name}</span>
      {speaking && <span className="sr-only">(speaking)</span>}
      {muted && <MutedIcon label="muted" />}
      {deafened && <DeafenedIcon label="deafened" />}
      {adjustable && (
        <span
          data-testid="voice-quality"
          title={`Round trip ${quality?.rttMs ?? '?'} ms, ${quality?.lossPct ?? 0}% of packets lost`}
          className={`shrink-0 text-[11px] ${TONE[q.tone]}`}
        >
          <span className="sr-only">connection: </span>
          {q.text}
        </span>
      )}
    </>
  );
  return (
    <li data-testid="voice-person" data-speaking={speaking} data-muted={muted} data-deafened={deafened} className="pl-6">
      {adjustable ? (
        <button
          type="button"
          aria-expanded={open}
          aria-controls={sliderId}
          onClick={() => setOpen((o) => !o)}
          className="flex w-full items-center gap-2 rounded px-2 py-0.5 text-left hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white"
        >
          {face}
          <span className="sr-only">, volume settings</span>
        </button>
      ) : (
        <div className="flex items-center gap-2 px-2 py-0.5">{face}</div>
      )}
      {adjustable && open && (
        <label id={sliderId} className="flex items-center gap-2 px-2 pb-1 text-xs text-[#b5bac1]">
          Volume
          <input
            type="range"
            min={0}
            max={200}
            step={5}
            value={Math.round(volume * 100)}
            aria-label={`Volume of ${shown.name}`}
            aria-valuetext={`${Math.round(volume * 100)}%`}
            onChange={(e) => onVolume(Number(e.target.value) / 100)}
            className="min-w-0 flex-1 accent-[#5865f2]"
          />
          <span className="w-9 text-right">{Math.round(volume * 100)}%</span>
        </label>
      )}
    </li>
  );
};
