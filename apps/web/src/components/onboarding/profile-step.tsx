'use client';
/** Step 1: a display name and an avatar colour. The keypair is made when this form is sent. */
import { type FormEvent, useEffect, useState } from 'react';
import { AVATAR_COLORS, cssColor } from '../../lib/parley/colors.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { perfMark } from '../../lib/perf-marks.ts';
import { buttonClass, inputClass, labelClass, StepFrame } from './step-frame.tsx';

export const ProfileStep = () => {
  const { createProfile } = useParley();
  const [name, setName] = useState('');
  const [color, setColor] = useState(AVATAR_COLORS[0]?.value ?? 0x5865f2);
  const trimmed = name.trim();
  useEffect(() => perfMark('profile-shown'), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (trimmed !== '') createProfile(trimmed.slice(0, 32), color);
  };
  return (
    <StepFrame step={1} title="Welcome to Parley">
      <p className="mb-4 text-sm text-[#b5bac1]">Pick how others see you. No email, no password: your keys are made on this device.</p>
      <form onSubmit={submit} className="space-y-4">
        <div>
          <label htmlFor="display-name" className={labelClass}>
            Display name
          </label>
          <input id="display-name" className={inputClass} value={name} maxLength={32} autoComplete="nickname" onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset>
          <legend className={labelClass}>Avatar colour</legend>
          <div className="flex gap-2">
            {AVATAR_COLORS.map((c) => (
              <label key={c.value} className="cursor-pointer">
                <input type="radio" name="avatar-color" className="peer sr-only" checked={color === c.value} onChange={() => setColor(c.value)} />
                <span
                  title={c.name}
                  className="block h-9 w-9 rounded-full ring-offset-2 ring-offset-[#2b2d31] peer-checked:ring-2 peer-checked:ring-white peer-focus-visible:ring-2 peer-focus-visible:ring-sky-300"
                  style={{ background: cssColor(c.value) }}
                />
                <span className="sr-only">{c.name}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className={`${buttonClass} w-full`} disabled={trimmed === ''}>
          Continue
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-[#b5bac1]">
        Already use Parley on another device?{' '}
        <a href="/link" className="text-[#00a8fc] underline focus:outline-none focus:ring-2 focus:ring-white">
          Link this browser
        </a>
      </p>
    </StepFrame>
  );
};
