'use client';
import { CAP, fromHex, type MemberInfo, ROLE_MEMBER, toHex } from '@parley/protocol';
import { useState } from 'react';
import { cssColor } from '../../lib/parley/colors.ts';
import { approvalRights, grantableRoles, rightsOver, roleBadges } from '../../lib/parley/moderation.ts';
import { collidingNames, shownAs } from '../../lib/parley/names.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useMemberStatuses } from '../../lib/parley/use-member-statuses.ts';
import { Avatar } from './avatar.tsx';
import { BannedList } from './banned-list.tsx';
import { DmDialog } from './dm-dialog.tsx';
import { MemberActions } from './member-actions.tsx';
import { type ShownStatus, StatusDot } from './status-dot.tsx';

const ORDER: Record<ShownStatus, number> = { online: 0, idle: 1, invisible: 2, offline: 2 };

/**
 * Members with their status (online first, then idle, then offline, dimmed), role badges (the
 * creator's "Owner" first), Message (a direct conversation, PROTOCOL 13), Kick / Ban for those who
 * may, and (for them) who is banned.
 */
export const MemberList = ({ roomHex, roomName, members }: { roomHex: string; roomName: string; members: readonly MemberInfo[] }) => {
  const { identity, client, invisible } = useParley();
  const statuses = useMemberStatuses(client, roomHex);
  const [dmWith, setDmWith] = useState<{ account: Uint8Array; name: string } | undefined>(undefined);
  const me = identity?.account.publicKey;
  const meHex = me === undefined ? undefined : toHex(me);
  const statusOf = (account: Uint8Array): ShownStatus => {
    const hex = toHex(account);
    if (hex === meHex) return invisible ? 'invisible' : (client?.status ?? 'online') === 'idle' ? 'idle' : 'online';
    return statuses.get(hex) ?? 'offline';
  };
  // Stable within a status: the authority log's order (the creator first).
  const shown = members
    .filter((m) => !m.pending)
    .map((m, i) => ({ m, i, status: statusOf(m.account) }))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.i - b.i);
  const online = shown.filter((x) => x.status === 'online' || x.status === 'idle').length;
  const room = fromHex(roomHex);
  const as = shown.map(({ m }) => shownAs(m.account, identity, (a) => client?.profile(room, a)));
  const collide = collidingNames(as);
  const state = openRoomState(client, roomHex);
  return (
    <aside aria-label="Members" className="hidden w-60 shrink-0 overflow-y-auto bg-[#2b2d31] px-2 py-4 lg:block">
      <h2 className="px-2 pb-2 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Members — {shown.length}</h2>
      <p data-testid="online-count" className="px-2 pb-2 text-xs text-[#949ba4]">
        {online} online
      </p>
      {dmWith !== undefined && <DmDialog account={dmWith.account} name={dmWith.name} onClose={() => setDmWith(undefined)} />}
      <ul data-testid="members" className="space-y-1">
        {shown.map(({ m, status }, i) => {
          const s = as[i] ?? shownAs(m.account, identity);
          const name = `${s.name}${collide.has(s.name) ? ` (${s.handle})` : ''}`;
          const badges = state === undefined ? [] : roleBadges(state, m.account, m.roles);
          const rights =
            state === undefined || me === undefined ? { kick: false, ban: false, mute: false, outranked: false } : rightsOver(state, me, m.account);
          return (
            <li
              key={toHex(m.account)}
              data-testid="member"
              data-status={status}
              className={`flex items-center gap-2 rounded px-2 py-1 hover:bg-[#35373c] ${status === 'offline' || status === 'invisible' ? 'opacity-70 hover:opacity-100' : ''}`}
            >
              <span className="relative shrink-0">
                <Avatar name={s.name} color={s.color} size={32} />
                <StatusDot status={status} />
              </span>
              <span className="min-w-0">
                <span className="block truncate text-sm font-medium text-[#dbdee1]">
                  {name}
                  {s.me ? ' (you)' : ''}
                </span>
                {m.muted && (
                  <span data-testid="muted-badge" className="mr-1 inline-block rounded bg-[#3d3113] px-1.5 text-[11px] font-medium text-[#f0b232]">
                    Muted
                  </span>
                )}
                {badges.length > 0 && (
                  <span className="flex flex-wrap gap-1 pt-0.5">
                    {badges.map((b) => (
                      <span
                        key={b.id}
                        data-testid="role-badge"
                        className="inline-flex items-center gap-1 rounded bg-[#1e1f22] px-1.5 text-[11px] font-medium text-[#dbdee1]"
                      >
                        <span
                          aria-hidden="true"
                          className="h-2 w-2 rounded-full"
                          style={{ backgroundColor: b.color === undefined ? '#949ba4' : cssColor(b.color) }}
                        />
                        {b.name}
                      </span>
                    ))}
                  </span>
                )}
              </span>
              {client !== undefined && !s.me && (
                <button
                  type="button"
                  aria-label={`Message ${name}`}
                  onClick={() => setDmWith({ account: m.account, name })}
                  className="ml-auto shrink-0 rounded px-1.5 text-xs text-[#dbdee1] hover:bg-[#404249] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
                >
                  Message
                </button>
              )}
              {client !== undefined && (
                <MemberActions
                  name={name}
                  roomName={roomName}
                  rights={rights}
                  muted={m.muted}
                  roles={state === undefined || me === undefined ? [] : grantableRoles(state, me, m.account)}
                  calls={{
                    setRole: async (role, on) => {
                      await (on ? client.grant(room, m.account, role) : client.revoke(room, m.account, role));
                    },
                    mute: async (on) => {
                      await (on ? client.mute(room, m.account) : client.unmute(room, m.account));
                    },
                    kick: async () => {
                      await client.kick(room, m.account);
                    },
                    ban: async (o) => {
                      await client.ban(room, m.account, o);
                    },
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
      {state !== undefined && me !== undefined && client !== undefined && (
        <WaitingList
          members={members.filter((m) => m.pending)}
          name={(a) => shownAs(a, identity, (x) => client.profile(room, x)).name}
          rights={(a) => approvalRights(state, me, a)}
          approve={(a) => client.grant(room, a, ROLE_MEMBER).then(() => undefined)}
          decline={(a) => client.kick(room, a).then(() => undefined)}
        />
      )}
      {state !== undefined && me !== undefined && client !== undefined && state.can(me, CAP.BAN, undefined, state.length - 1) && (
        <BannedList roomHex={roomHex} banned={state.banned()} unban={(a) => client.unban(room, a).then(() => undefined)} />
      )}
    </aside>
  );
};

/** People who asked to join a room that approves newcomers: Approve (GRANT member) and Turn away (KICK) for those who may. */
const WaitingList = ({
  members,
  name,
  rights,
  approve,
  decline,
}: {
  members: readonly MemberInfo[];
  name: (account: Uint8Array) => string;
  rights: (account: Uint8Array) => { approve: boolean; decline: boolean };
  approve: (account: Uint8Array) => Promise<void>;
  decline: (account: Uint8Array) => Promise<void>;
}) => {
  if (members.length === 0) return null;
  const button = 'rounded px-2 py-0.5 text-xs font-semibold focus:outline-none focus:ring-2 focus:ring-white';
  return (
    <section aria-labelledby="waiting-heading" className="mt-4">
      <h2 id="waiting-heading" className="px-2 pb-2 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">
        Waiting for approval — {members.length}
      </h2>
      <ul data-testid="waiting" className="space-y-1">
        {members.map((m) => {
          const n = name(m.account);
          const may = rights(m.account);
          return (
            <li key={toHex(m.account)} data-testid="waiting-member" className="rounded px-2 py-1">
              <span className="block truncate text-sm text-[#dbdee1]">{n}</span>
              <span className="mt-1 flex gap-2">
                {may.approve && (
                  <button type="button" onClick={() => void approve(m.account)} className={`${button} bg-[#248046] text-white hover:bg-[#1a6334]`}>
                    Approve<span className="sr-only"> {n}</span>
                  </button>
                )}
                {may.decline && (
                  <button type="button" onClick={() => void decline(m.account)} className={`${button} text-[#fa777c] hover:underline`}>
                    Turn away<span className="sr-only"> {n}</span>
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
};
