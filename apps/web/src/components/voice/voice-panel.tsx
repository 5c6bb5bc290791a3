'use client';
/**
 * The call bar above this person's name while in a call (as in Discord): where the call is, how it
 * carries (everyone connected to everyone, or through a forwarder), mute, deafen, voice settings,
 * and hang up; push-to-talk shows its key and lights while held. A failed join says why here.
 */
import { useState } from 'react';
import { useVoice } from '../../lib/parley/voice.tsx';
import { keyLabel } from '../../lib/parley/voice-prefs.ts';
import { DeafenedIcon, HangUpIcon, HeadphonesIcon, MicIcon, MutedIcon } from './voice-icons.tsx';
import { VoiceSettingsDialog } from './voice-settings-dialog.tsx';

const iconButton =
  'flex h-8 w-8 shrink-0 items-center justify-center rounded text-[#b5bac1] hover:bg-[#35373c] hover:text-white focus:outline-none focus:ring-2 focus:ring-white';

export const VoicePanel = ({ place }: { place: string | undefined }) => {
  const v = useVoice();
  const [settings, setSettings] = useState(false);
  const call = v.call;
  const me = call?.people.find((p) => p.me);
  return (
    <>
      {v.error !== undefined && call === undefined && (
        <p role="alert" className="rounded bg-[#3b2325] px-2 py-1 text-xs text-red-200">
          {v.error}
        </p>
      )}
      {call !== undefined && (
        <section aria-label="Voice call" className="space-y-1 border-b border-black/30 pb-2">
          <div className="flex items-center justify-between gap-2">
            <div className="min-w-0">
              <p className="text-sm font-semibold text-[#23a55a]">Voice connected</p>
              <p className="truncate text-xs text-[#b5bac1]">
                {place ?? 'another community'} · {call.topology === 'mesh' ? 'direct to everyone' : 'through a forwarder'}
              </p>
            </div>
            <button type="button" aria-label="Disconnect" title="Disconnect" onClick={() => void v.leave()} className={`${iconButton} hover:text-[#f23f43]`}>
              <HangUpIcon size={18} />
            </button>
          </div>
          <div className="flex items-center gap-1">
            <button
              type="button"
              aria-label="Mute"
              aria-pressed={me?.muted ?? false}
              title={me?.muted ? 'Unmute' : 'Mute'}
              onClick={() => v.setMuted(!(me?.muted ?? false))}
              className={`${iconButton} ${me?.muted ? 'text-[#f23f43]' : ''}`}
            >
              {me?.muted ? <MutedIcon size={18} /> : <MicIcon size={18} />}
            </button>
            <button
              type="button"
              aria-label="Deafen"
              aria-pressed={me?.deafened ?? false}
              title={me?.deafened ? 'Undeafen' : 'Deafen'}
              onClick={() => v.setDeafened(!(me?.deafened ?? false))}
              className={`${iconButton} ${me?.deafened ? 'text-[#f23f43]' : ''}`}
            >
              {me?.deafened ? <DeafenedIcon size={18} /> : <HeadphonesIcon size={18} />}
            </button>
            <button
              type="button"
              onClick={() => setSettings(true)}
              className="rounded px-2 py-1 text-xs text-[#b5bac1] hover:bg-[#35373c] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
            >
              Voice settings
            </button>
          </div>
          {v.prefs.inputMode === 'push-to-talk' && (
            <p data-testid="ptt" data-talking={call.talking} className={`text-xs ${call.talking ? 'text-[#23a55a]' : 'text-[#b5bac1]'}`}>
              Push to talk: hold {keyLabel(v.prefs.pttKey)}
              {call.talking ? ' (talking)' : ''}
            </p>
          )}
        </section>
      )}
      {settings && <VoiceSettingsDialog onClose={() => setSettings(false)} />}
    </>
  );
};
