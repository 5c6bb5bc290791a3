'use client';
import type { ChannelInfo } from '@parley/protocol';
import { fromHex, toHex } from '@parley/protocol';
import { useState } from 'react';
import { shownAs } from '../../lib/parley/names.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import { useVoicePresence } from '../../lib/parley/use-voice-presence.ts';
import { useVoice } from '../../lib/parley/voice.tsx';
import { VoiceChannelRow } from '../voice/voice-channel-row.tsx';
import { VoicePanel } from '../voice/voice-panel.tsx';
import { ChannelForm } from './channel-form.tsx';
import { ChannelRow } from './channel-row.tsx';
import { HealthIndicator } from './health-indicator.tsx';
import { InviteButton } from './invite-button.tsx';
import { RoomMenu } from './room-menu.tsx';
import { UserBadge } from './user-badge.tsx';

export interface ChannelActions {
  select(c: ChannelInfo): void;
  create(name: string, kind: 'text' | 'voice'): Promise<void>;
  rename(c: ChannelInfo, name: string): Promise<void>;
  /** DELETE_CHANNEL: gone for everyone, its messages with it. */
  remove(c: ChannelInfo): Promise<void>;
  /** Opens who may use the channel (SET_CHANNEL_ACL). */
  permissions(c: ChannelInfo): void;
  leave(): Promise<void>;
  openSettings(): void;
}

/**
 * The room's name and menu, the invite button, its text channels (create, rename), its voice
 * channels with who is in each (a click joins), and this person with the call bar and the
 * connection health.
 */
export const ChannelList = ({
  room,
  channels,
  voiceChannels,
  unread,
  current,
  canManage,
  isCreator,
  canInvite,
  actions,
}: {
  room: KnownRoom;
  channels: readonly ChannelInfo[];
  voiceChannels: readonly ChannelInfo[];
  /** Hex ids of channels with messages not seen yet. */
  unread: ReadonlySet<string>;
  current: ChannelInfo | undefined;
  canManage: boolean;
  isCreator: boolean;
  /** Whether this person may invite (a banned or kicked person's invite would admit nobody). */
  canInvite: boolean;
  actions: ChannelActions;
}) => {
  const [creating, setCreating] = useState(false);
  const [creatingVoice, setCreatingVoice] = useState(false);
  const { client, identity, rooms } = useParley();
  const voice = useVoice();
  const heard = useVoicePresence(client, room.hex);
  const shown = (a: Uint8Array) => shownAs(a, identity, (x) => client?.profile(fromHex(room.hex), x));
  const callRoom = voice.call === undefined ? undefined : rooms.find((r) => r.hex === voice.call?.roomHex);
  const callChannel =
    voice.call === undefined ? undefined : callRoom?.hex === room.hex ? voiceChannels.find((c) => toHex(c.id) === voice.call?.channelHex)?.name : undefined;
  return (
    <aside aria-label="Channels" className="flex w-60 shrink-0 flex-col bg-[#2b2d31]">
      <header className="flex h-12 items-center justify-between gap-2 border-b border-black/30 px-4">
        <h1 className="truncate font-semibold text-white">{room.name}</h1>
        <RoomMenu roomHex={room.hex} roomName={room.name} isCreator={isCreator} onLeave={actions.leave} onSettings={actions.openSettings} />
      </header>
      {canInvite && (
        <div className="px-2 pt-3">
          <InviteButton roomHex={room.hex} roomName={room.name} />
        </div>
      )}
      <div className="flex items-center justify-between px-4 pt-4 pb-1">
        <h2 className="text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Text channels</h2>
        {canManage && (
          <button
            type="button"
            aria-label="Create channel"
            title="Create channel"
            aria-expanded={creating}
            onClick={() => setCreating((c) => !c)}
            className="rounded px-1 text-lg leading-none text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
          >
            <span aria-hidden="true">+</span>
          </button>
        )}
      </div>
      <ul className="flex-1 space-y-0.5 overflow-y-auto px-2">
        {creating && (
          <li>
            <ChannelForm
              label="New channel name"
              submitText="Create"
              onSubmit={async (name) => {
                await actions.create(name, 'text');
                setCreating(false);
              }}
              onCancel={() => setCreating(false)}
            />
          </li>
        )}
        {channels.map((c) => {
          const active = current !== undefined && toHex(c.id) === toHex(current.id);
          return (
            <ChannelRow
              key={toHex(c.id)}
              channel={c}
              active={active}
              unread={!active && unread.has(toHex(c.id))}
              canManage={canManage}
              onSelect={() => actions.select(c)}
              onRename={(name) => actions.rename(c, name)}
              onDelete={() => actions.remove(c)}
              onPermissions={() => actions.permissions(c)}
            />
          );
        })}
        {(voiceChannels.length > 0 || canManage) && (
          <li className="flex items-center justify-between px-2 pt-4 pb-1">
            <h2 className="text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Voice channels</h2>
            {canManage && (
              <button
                type="button"
                aria-label="Create voice channel"
                title="Create voice channel"
                aria-expanded={creatingVoice}
                onClick={() => setCreatingVoice((c) => !c)}
                className="rounded px-1 text-lg leading-none text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
              >
                <span aria-hidden="true">+</span>
              </button>
            )}
          </li>
        )}
        {creatingVoice && (
          <li>
            <ChannelForm
              label="New voice channel name"
              submitText="Create"
              onSubmit={async (name) => {
                await actions.create(name, 'voice');
                setCreatingVoice(false);
              }}
              onCancel={() => setCreatingVoice(false)}
            />
          </li>
        )}
        {voiceChannels.map((c) => {
          const hex = toHex(c.id);
          const mine = voice.call !== undefined && voice.call.roomHex === room.hex && voice.call.channelHex === hex ? voice.call : undefined;
          return (
            <VoiceChannelRow
              key={hex}
              channel={c}
              call={mine}
              heard={heard.get(hex) ?? []}
              joining={voice.joining}
              shown={shown}
              onJoin={() => void voice.join(room.hex, hex)}
              onVolume={voice.setVolume}
            />
          );
        })}
      </ul>
      <footer className="space-y-1 bg-[#232428] px-2 py-2">
        <VoicePanel place={voice.call === undefined ? undefined : `${callChannel ?? 'voice'} / ${callRoom?.name ?? 'a community'}`} />
        <HealthIndicator />
        <div className="flex items-center justify-between">
          <UserBadge />
          <button
            type="button"
            aria-label="Settings"
            title="Settings"
            onClick={actions.openSettings}
            className="flex h-8 w-8 shrink-0 items-center justify-center rounded text-[#b5bac1] hover:bg-[#35373c] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
          >
            <GearIcon />
          </button>
        </div>
      </footer>
    </aside>
  );
};

const GearIcon = () => (
  <svg
    aria-hidden="true"
    viewBox="0 0 24 24"
    width="18"
    height="18"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinecap="round"
    strokeLinejoin="round"
  >
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
  </svg>
);
