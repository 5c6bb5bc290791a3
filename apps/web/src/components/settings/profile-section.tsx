'use client';
/** Name and colour: a change is signed as a new profile and published into every room. */
import { type FormEvent, useState } from 'react';
import { AVATAR_COLORS, cssColor } from '../../lib/parley/colors.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { Avatar } from '../room/avatar.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

export const ProfileSection = () => {
  const p = useParley();
  const body = p.identity?.profile.body;
  const [name, setName] = useState(body?.displayName ?? '');
  const [color, setColor] = useState(body?.color ?? 0x5865f2);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const trimmed = name.trim().slice(0, 32);
  const changed = body !== undefined && (trimmed !== body.displayName || color !== body.color);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (trimmed === '' || !changed) return;
    try {
      p.updateProfile(trimmed, color);
      setSaved(true);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="settings-profile" className={sectionClass}>
      <h2 id="settings-profile" className={sectionTitleClass}>
        Profile
      </h2>
      <form onSubmit={submit} className="flex flex-col gap-4 sm:flex-row sm:items-start">
        <Avatar name={trimmed === '' ? '?' : trimmed} color={color} size={72} />
        <div className="flex-1 space-y-3">
          <label className="block text-sm text-[#dbdee1]">
            Display name
            <input
              value={name}
              maxLength={32}
              autoComplete="nickname"
              onChange={(e) => {
                setName(e.target.value);
                setSaved(false);
              }}
              className="mt-1 block w-full rounded bg-[#1e1f22] px-3 py-2 text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]"
            />
          </label>
          <fieldset>
            <legend className="mb-1 text-sm text-[#dbdee1]">Avatar colour</legend>
            <div className="flex flex-wrap gap-2">
              {AVATAR_COLORS.map((c) => (
                <label key={c.value} className="cursor-pointer">
                  <input
                    type="radio"
                    name="settings-color"
                    className="peer sr-only"
                    checked={color === c.value}
                    onChange={() => {
                      setColor(c.value);
                      setSaved(false);
                    }}
                  />
                  <span
                    title={c.name}
                    className="block h-8 w-8 rounded-full ring-offset-2 ring-offset-[#2b2d31] peer-checked:ring-2 peer-checked:ring-white peer-focus-visible:ring-2 peer-focus-visible:ring-sky-300"
                    style={{ background: cssColor(c.value) }}
                  />
                  <span className="sr-only">{c.name}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex items-center gap-3">
            <button
              type="submit"
              disabled={trimmed === '' || !changed}
              className="rounded bg-[#5865f2] px-4 py-2 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50"
            >
              Save profile
            </button>
            {saved && (
              <p role="status" className="text-sm text-[#2dc770]">
                Saved. Members of your communities see the change as it reaches them.
              </p>
            )}
            {error !== undefined && (
              <p role="alert" className="text-sm text-red-300">
                {error}
              </p>
            )}
          </div>
        </div>
      </form>
    </section>
  );
};
