'use client';
import type { ChannelInfo, HistoryMessage } from '@parley/protocol';
import { fromHex, removalCapability, removalReason, toHex } from '@parley/protocol';
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { accessSummary } from '../../lib/parley/channel-access.ts';
import { messageRights } from '../../lib/parley/moderation.ts';
import { shownAs } from '../../lib/parley/names.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { markRead, readMark } from '../../lib/parley/read-marks.ts';
import type { KnownRoom } from '../../lib/parley/room-list.ts';
import type { RoomView } from '../../lib/parley/use-room.ts';
import { useSyncProgress } from '../../lib/parley/use-sync-progress.ts';
import { useTyping } from '../../lib/parley/use-typing.ts';
import { perfMark } from '../../lib/perf-marks.ts';
import { type Chat, ChatProvider } from './chat-context.tsx';
import { Composer } from './composer.tsx';
import { LockIcon, ShieldIcon } from './icons.tsx';
import { MessageItem } from './message-item.tsx';
import { PinnedMessages } from './pinned-messages.tsx';
import { SyncBar } from './sync-bar.tsx';

/** Within this many pixels of the top, older messages are paged in; of the bottom, new ones keep the view at the end. */
const EDGE_PX = 120;

/**
 * The channel's header, its messages and the composer. The newest message stays in view while the
 * person is at the bottom; scrolling to the top pages older ones in (the view keeps its place); a
 * "new messages" line sits above the first message that arrived since the channel was last shown.
 */
export const MessagePane = ({
  room,
  channel,
  view,
  onOpenNav,
  onLoadOlder,
  onPermissions,
}: {
  room: KnownRoom;
  channel: ChannelInfo | undefined;
  view: RoomView;
  onOpenNav: () => void;
  onLoadOlder: () => void;
  /** Opens who may use the channel (everyone may look; MANAGE_CHANNELS holders change it). */
  onPermissions: (c: ChannelInfo) => void;
}) => {
  const { client, identity } = useParley();
  const scroller = useRef<HTMLElement>(null);
  const atBottom = useRef(true);
  // Distance from the bottom when older messages were asked for: restored once they are in.
  const anchor = useRef<number | undefined>(undefined);
  const [replyTo, setReplyTo] = useState<HistoryMessage | undefined>(undefined);
  const channelHex = channel === undefined ? undefined : toHex(channel.id);
  const count = view.messages.length;
  const typing = useTyping(client, room.hex, channelHex);
  const syncing = useSyncProgress(client, room.hex);
  // The channel's read mark when it was opened, and when that was: the "new messages" line marks what came in between.
  const [since, setSince] = useState<{ at: string; mark: number | undefined; opened: number }>({ at: '', mark: undefined, opened: 0 });
  const at = `${room.hex}:${channelHex ?? ''}`;
  const first = view.messages[0] === undefined ? '' : toHex(view.messages[0].id);
  const last = view.messages.at(-1) === undefined ? '' : toHex((view.messages.at(-1) as HistoryMessage).id);
  const readable = view.messages.filter((m) => m.text !== undefined).length;

  useEffect(() => {
    if (count > 0) perfMark('first-message-rendered');
    if (readable > 0) perfMark('first-text-rendered');
    if (readable >= 50) perfMark('50-texts-rendered');
  }, [count, readable]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a reply belongs to the channel it was started in
  useEffect(() => {
    setReplyTo(undefined);
    atBottom.current = true;
    anchor.current = undefined;
  }, [at]);

  // The read mark as it was when the channel was opened (kept while it stays open), then the channel is read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `last` is the trigger: a message shown here is read
  useEffect(() => {
    if (channelHex === undefined) return;
    if (since.at !== at) setSince({ at, mark: readMark(room.hex, channelHex), opened: Date.now() });
    markRead(room.hex, channelHex, Date.now());
  }, [at, channelHex, room.hex, last, since.at]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the first or last message changes
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    if (anchor.current !== undefined) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = undefined;
    } else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [first, last]);

  const onScroll = () => {
    const el = scroller.current;
    if (el === null) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX;
    if (el.scrollTop < EDGE_PX && view.hasMore && anchor.current === undefined) loadOlder();
  };
  const loadOlder = () => {
    const el = scroller.current;
    if (el !== null) anchor.current = el.scrollHeight - el.scrollTop;
    onLoadOlder();
  };
  const mark = since.at === at ? since.mark : undefined;
  const meHex = identity === undefined ? '' : toHex(identity.account.publicKey);
  const arrivedUnseen = (m: HistoryMessage) => {
    const t = view.times.get(toHex(m.id)) ?? 0;
    return mark !== undefined && toHex(m.author) !== meHex && t > mark && t <= since.opened;
  };
  const firstNew = view.messages.find(arrivedUnseen);
  const accessSummaryOf = (c: ChannelInfo): string => {
    const st = openRoomState(client, room.hex);
    const roomId = fromHex(room.hex);
    return st === undefined || c.acl === undefined ? 'Private' : accessSummary(st, c.acl, (a) => shownAs(a, identity, (x) => client?.profile(roomId, x)).name);
  };

  const chat = useMemo<Chat>(() => {
    const roomId = fromHex(room.hex);
    const shown = (a: Uint8Array) => shownAs(a, identity, (x) => client?.profile(roomId, x));
    const need = () => {
      if (client === undefined || channel === undefined) throw new Error('Still connecting; try again in a moment.');
      return { c: client, ch: channel.id };
    };
    return {
      meHex: identity === undefined ? '' : toHex(identity.account.publicKey),
      roomHex: room.hex,
      banned: view.banned,
      byId: new Map(view.messages.map((m) => [toHex(m.id), m] as const)),
      mentionables: view.members
        .filter((m) => !m.pending && (identity === undefined || toHex(m.account) !== toHex(identity.account.publicKey)))
        .map((m) => ({ account: m.account, name: shown(m.account).name })),
      shown,
      reply: (m) => {
        setReplyTo(m);
        document.getElementById('composer')?.focus();
      },
      react: async (m, emoji, on) => {
        const { c, ch } = need();
        await c.react(roomId, ch, m.id, emoji, on);
      },
      edit: async (m, text) => {
        const { c, ch } = need();
        await c.edit(roomId, ch, m.id, text);
      },
      remove: async (m) => {
        const { c, ch } = need();
        await c.delete(roomId, ch, m.id);
      },
      rights: (m) => {
        const st = openRoomState(client, room.hex);
        return st === undefined || identity === undefined ? { delete: false, pin: false } : messageRights(st, identity.account.publicKey, m.author);
      },
      moderate: async (m, reason) => {
        const { c, ch } = need();
        await c.deleteMessage(roomId, ch, m.id, { reason });
      },
      removal: (m) => {
        const st = openRoomState(client, room.hex);
        if (m.deleted === undefined) return undefined;
        return { capability: removalCapability(m.deleted, m.author), reason: st === undefined ? undefined : removalReason(st, m.deleted) };
      },
      pin: async (m, on) => {
        const { c, ch } = need();
        await c.pin(roomId, ch, m.id, on);
      },
    };
  }, [client, identity, room.hex, channel, view.messages, view.members, view.banned]);

  return (
    <ChatProvider value={chat}>
      <main className="flex min-w-0 flex-1 flex-col bg-[#313338]">
        <header className="flex h-12 shrink-0 items-center border-b border-black/30 px-4">
          <button
            type="button"
            onClick={onOpenNav}
            className="mr-3 rounded px-2 py-1 text-xl text-[#b5bac1] hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white md:hidden"
          >
            <span aria-hidden="true">☰</span>
            <span className="sr-only">Communities and channels</span>
          </button>
          <h2 className="flex min-w-0 items-center truncate font-semibold text-white">
            {channel?.acl === undefined ? (
              <span aria-hidden="true" className="mr-1 text-[#949ba4]">
                #
              </span>
            ) : (
              <span className="mr-1 inline-flex text-[#949ba4]">
                <LockIcon />
                <span className="sr-only">private channel </span>
              </span>
            )}
            {channel?.name ?? '…'}
          </h2>
          {channel !== undefined && channel.topic !== '' && <p className="ml-3 truncate text-sm text-[#b5bac1]">{channel.topic}</p>}
          {channel !== undefined && (
            <div className="ml-auto flex shrink-0 items-center gap-1 pl-2">
              <PinnedMessages roomHex={room.hex} channel={channel} />
              <button
                type="button"
                data-testid="channel-access"
                aria-label={`Permissions of #${channel.name}`}
                title={channel.acl === undefined ? 'Open to every member' : accessSummaryOf(channel)}
                onClick={() => onPermissions(channel)}
                className="flex h-8 items-center gap-1 rounded px-1.5 text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
              >
                {channel.acl === undefined ? <ShieldIcon /> : <LockIcon />}
                {channel.acl !== undefined && <span className="text-xs font-semibold">Private</span>}
              </button>
            </div>
          )}
        </header>
        {syncing !== undefined && <SyncBar progress={syncing} />}
        <section ref={scroller} onScroll={onScroll} aria-label="Messages" aria-live="polite" data-testid="messages" className="flex-1 overflow-y-auto py-4">
          {view.hasMore && (
            <div className="flex justify-center pb-2">
              <button
                type="button"
                onClick={loadOlder}
                className="rounded-full bg-[#2b2d31] px-3 py-1 text-xs font-semibold text-[#b5bac1] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
              >
                Load older messages
              </button>
            </div>
          )}
          {!view.hasMore && count > 0 && channel !== undefined && <p className="px-4 pb-2 text-sm text-[#949ba4]">This is the start of #{channel.name}.</p>}
          {count === 0 && (
            <p className="px-4 text-[#b5bac1]">
              {channel === undefined ? 'Loading the room…' : `This is the start of #${channel.name}. Invite people with “Copy invite link”.`}
            </p>
          )}
          <ol>
            {view.messages.map((m, i) => (
              <Fragment key={toHex(m.id)}>
                {m === firstNew && (
                  <li data-testid="new-messages" className="relative mx-4 my-2 flex items-center">
                    <span className="sr-only">New messages</span>
                    <span className="h-px flex-1 bg-[#da373c]" />
                    <span className="ml-1 rounded bg-[#da373c] px-1 text-[10px] font-bold uppercase text-white">New</span>
                  </li>
                )}
                <MessageItem message={m} previous={view.messages[i - 1]} queued={view.queued.has(toHex(m.id))} time={view.times.get(toHex(m.id))} />
              </Fragment>
            ))}
          </ol>
        </section>
        {channel !== undefined && (
          <Composer
            roomHex={room.hex}
            channel={channel}
            canSend={view.canSend}
            replyTo={replyTo}
            onCancelReply={() => setReplyTo(undefined)}
            typing={typing}
            banned={view.banned ? room.name : undefined}
            muted={view.muted ? room.name : undefined}
            pending={view.pending ? room.name : undefined}
          />
        )}
      </main>
    </ChatProvider>
  );
};
