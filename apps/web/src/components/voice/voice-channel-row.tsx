'use client';
/**
 * A voice channel in the channel list: a click joins its call (leaving any other), and the people in
 * it are listed underneath, from the call itself when this person is in it, else from the
 * channel's announcements.
 */
import type { ChannelInfo } from '@parley/protocol';
import { toHex } from '@parley/protocol';
import type { Participant } from '@parley/voice';
import type { Shown } from '../../lib/parley/names.ts';
import type { VoiceCall } from '../../lib/parley/voice.tsx';
import { SpeakerIcon } from './voice-icons.tsx';
import { VoicePerson } from './voice-person.tsx';

export const VoiceChannelRow = ({
  channel: c,
  call,
  heard,
  joining,
  shown,
  onJoin,
  onVolume,
}: {
  channel: ChannelInfo;
  /** This person's call, when it is in this channel. */
  call: VoiceCall | undefined;
  /** Who the channel's announcements say is in it. */
  heard: readonly Participant[];
  joining: boolean;
  shown: (account: Uint8Array) => Shown;
  onJoin: () => void;
  onVolume: (device: string, v: number) => void;
}) => {
  const here = call !== undefined;
  return (
    <li>
      <button
        type="button"
        onClick={onJoin}
        disabled={joining || here}
        aria-label={here ? `${c.name}, voice channel, connected` : `Join voice channel ${c.name}`}
        className={`flex w-full items-center gap-1.5 rounded px-2 py-1.5 text-left focus:outline-none focus:ring-2 focus:ring-white ${
          here ? 'bg-[#404249] text-white' : 'text-[#b5bac1] hover:bg-[#35373c] hover:text-[#dbdee1]'
        }`}
      >
        <SpeakerIcon />
        <span className="truncate">{c.name}</span>
      </button>
      <ul aria-label={`In ${c.name}`} data-testid="voice-people" data-channel={toHex(c.id)}>
        {here
          ? call.people.map((p) => (
              <VoicePerson
                key={p.device}
                shown={shown(p.account)}
                speaking={p.speaking}
                muted={p.muted}
                deafened={p.deafened}
                inCall
                volume={p.volume}
                quality={p.quality}
                onVolume={(v) => onVolume(p.device, v)}
              />
            ))
          : heard.map((p) => (
              <VoicePerson
                key={p.deviceHex}
                shown={shown(p.account)}
                speaking={false}
                muted={p.muted}
                deafened={p.deafened}
                inCall={false}
                volume={1}
                quality={undefined}
                onVolume={() => undefined}
              />
            ))}
      </ul>
    </li>
  );
};
