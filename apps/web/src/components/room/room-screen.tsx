'use client';
/** Step 3 and every visit after: rail, channels, messages with the composer, members. */
import { fromHex, toHex } from '@parley/protocol';
import { useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import { useRoom } from '../../lib/parley/use-room.ts';
import { ChannelList } from './channel-list.tsx';
import { ChannelPermissionsDialog } from './channel-permissions-dialog.tsx';
import { MemberList } from './member-list.tsx';
import { MessagePane } from './message-pane.tsx';
import { RoomRail } from './room-rail.tsx';

const PAGE = 50;

export const RoomScreen = ({
  room,
  onSelectRoom,
  onAddRoom,
  onOpenSettings,
  onDiscover,
}: {
  room: KnownRoom;
  onSelectRoom: (hex: string) => void;
  onAddRoom: () => void;
  onOpenSettings: () => void;
  onDiscover: () => void;
}) => {
  const p = useParley();
  const [channelHex, setChannelHex] = useState<string | undefined>(undefined);
  // Narrow screens: the rail and channels slide over the messages when asked for.
  const [navOpen, setNavOpen] = useState(false);
  // The channel (hex) whose permissions dialog is open.
  const [accessHex, setAccessHex] = useState<string | undefined>(undefined);
  // How many of the channel's newest messages are shown: grows a page at a time as the person scrolls up.
  const [paged, setPaged] = useState({ at: '', limit: PAGE });
  const at = `${room.hex}:${channelHex ?? ''}`;
  const limit = paged.at === at ? paged.limit : PAGE;
  const view = useRoom(p.client, room.hex, channelHex, p.version, limit);
  const channel = view.channels.find((c) => toHex(c.id) === channelHex) ?? view.channels[0];
  const access = view.channels.find((c) => toHex(c.id) === accessHex);
  return (
    <div className="flex h-full overflow-hidden">
      <div className={`${navOpen ? 'fixed inset-0 z-20 flex' : 'hidden'} md:static md:flex`}>
        <RoomRail
          rooms={p.rooms}
          current={room.hex}
          onSelect={(hex) => {
            setChannelHex(undefined);
            setNavOpen(false);
            onSelectRoom(hex);
          }}
          onAdd={onAddRoom}
          onDiscover={onDiscover}
        />
        <ChannelList
          room={room}
          channels={view.channels}
          voiceChannels={view.voiceChannels}
          unread={view.unread}
          current={channel}
          canManage={view.canManageChannels}
          isCreator={view.isCreator}
          canInvite={view.canInvite}
          actions={{
            select: (c) => {
              setChannelHex(toHex(c.id));
              setNavOpen(false);
            },
            create: async (name, kind) => {
              if (p.client === undefined) throw new Error('Still connecting; try again in a moment.');
              const id = await p.client.createChannel(fromHex(room.hex), name, { kind });
              if (kind === 'text') {
                setChannelHex(toHex(id));
                setNavOpen(false);
              }
            },
            rename: async (c, name) => {
              if (p.client === undefined) throw new Error('Still connecting; try again in a moment.');
              await p.client.renameChannel(fromHex(room.hex), c.id, name);
            },
            permissions: (c) => setAccessHex(toHex(c.id)),
            remove: async (c) => {
              if (p.client === undefined) throw new Error('Still connecting; try again in a moment.');
              await p.client.deleteChannel(fromHex(room.hex), c.id);
            },
            leave: async () => {
              await p.leaveRoom(room.hex);
              onSelectRoom(p.rooms.find((r) => r.hex !== room.hex)?.hex ?? '');
            },
            openSettings: onOpenSettings,
          }}
        />
        {navOpen && (
          <button type="button" className="flex-1 bg-black/60 md:hidden" onClick={() => setNavOpen(false)}>
            <span className="sr-only">Close the channel list</span>
          </button>
        )}
      </div>
      <MessagePane
        room={room}
        channel={channel}
        view={view}
        onOpenNav={() => setNavOpen(true)}
        onLoadOlder={() => setPaged({ at, limit: limit + PAGE })}
        onPermissions={(c) => setAccessHex(toHex(c.id))}
      />
      <MemberList roomHex={room.hex} roomName={room.name} members={view.members} />
      {access !== undefined && <ChannelPermissionsDialog key={accessHex} roomHex={room.hex} channel={access} onClose={() => setAccessHex(undefined)} />}
    </div>
  );
};
