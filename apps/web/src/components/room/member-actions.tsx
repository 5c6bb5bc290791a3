'use client';
/**
 * A member's actions in the member list, for someone who may take them (the log's capabilities and
 * ranks decide; see moderation.ts): Mute and Unmute (at once: they keep reading), Kick (they may
 * come back with an invite) and Ban (they may not; the channels move to keys they never receive),
 * the last two behind a confirmation naming what happens.
 * Someone who holds the capability but not the rank sees them greyed, with why (rank rules, visible).
 */
import { useState } from 'react';
import type { GrantableRole, MemberRights } from '../../lib/parley/moderation.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

export interface MemberActionCalls {
  setRole(role: string, on: boolean): Promise<void>;
  mute(on: boolean): Promise<void>;
  kick(): Promise<void>;
  ban(o: { reason: string | undefined; purge: boolean }): Promise<void>;
}

export const MemberActions = ({
  name,
  roomName,
  rights,
  muted,
  roles,
  calls,
}: {
  name: string;
  roomName: string;
  rights: MemberRights;
  /** The member is muted now: the action offered is Unmute. */
  muted: boolean;
  /** Roles this person may give or take away (MANAGE_ROLES; see grantableRoles). */
  roles: readonly GrantableRole[];
  calls: MemberActionCalls;
}) => {
  const [open, setOpen] = useState(false);
  const [asking, setAsking] = useState<'kick' | 'ban' | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [purge, setPurge] = useState(false);
  // A role box shows what was clicked until the signed entry is in (then the log's answer).
  const [clicked, setClicked] = useState<Readonly<Record<string, boolean>>>({});
  // What the last role change or mute could not do, in words (the menu reopens to say it).
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const failed = (what: string) => (e: unknown) => {
    setFailure(`${what}: ${(e as Error)?.message ?? String(e)}`);
    setOpen(true);
  };
  if (!rights.kick && !rights.ban && !rights.mute && !rights.outranked && roles.length === 0) return null;
  const item = 'block w-full rounded px-2 py-1.5 text-left text-sm focus:outline-none focus:ring-2 focus:ring-white';
  const ask = (what: 'kick' | 'ban') => {
    setOpen(false);
    setReason('');
    setPurge(false);
    setAsking(what);
  };
  const menuId = `member-menu-${name.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <div className="relative ml-auto">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
        className="rounded px-1.5 text-[#b5bac1] opacity-70 hover:bg-[#404249] hover:text-white hover:opacity-100 focus:opacity-100 focus:outline-none focus:ring-2 focus:ring-white"
      >
        <span aria-hidden="true">⋯</span>
        <span className="sr-only">Actions for {name}</span>
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the open actions from anywhere inside them
        <div
          id={menuId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
          className="absolute top-7 right-0 z-30 w-44 rounded-md bg-[#111214] p-1.5 shadow-xl"
        >
          {failure !== undefined && (
            <p role="alert" className="mb-1 px-2 py-1 text-xs text-red-300">
              {failure}
            </p>
          )}
          {rights.outranked ? (
            <>
              <button type="button" disabled className={`${item} cursor-not-allowed text-[#949ba4]`}>
                Kick {name}
              </button>
              <button type="button" disabled className={`${item} cursor-not-allowed text-[#949ba4]`}>
                Ban {name}
              </button>
              <p className="px-2 py-1 text-xs text-[#b5bac1]">{name} ranks at or above you, so you cannot remove them.</p>
            </>
          ) : (
            <>
              {roles.length > 0 && (
                <fieldset className="mb-1 border-b border-white/10 px-2 pb-1.5">
                  <legend className="text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Roles</legend>
                  {roles.map((r) => (
                    <label key={r.id} className="flex items-center gap-2 py-0.5 text-sm text-[#dbdee1]">
                      <input
                        type="checkbox"
                        checked={clicked[r.id] ?? r.held}
                        onChange={(e) => {
                          const on = e.target.checked;
                          setClicked((c) => ({ ...c, [r.id]: on }));
                          setFailure(undefined);
                          void calls
                            .setRole(r.id, on)
                            .catch(failed(on ? `Could not give ${name} the ${r.name} role` : `Could not take the ${r.name} role from ${name}`))
                            .finally(() =>
                              setClicked((c) => {
                                const { [r.id]: _, ...rest } = c;
                                return rest;
                              }),
                            );
                        }}
                        className="h-4 w-4"
                      />
                      {r.name}
                    </label>
                  ))}
                </fieldset>
              )}
              {rights.mute && (
                <button
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    setFailure(undefined);
                    void calls.mute(!muted).catch(failed(`Could not ${muted ? 'unmute' : 'mute'} ${name}`));
                  }}
                  className={`${item} text-[#dbdee1] hover:bg-[#404249]`}
                >
                  {muted ? 'Unmute' : 'Mute'} {name}
                </button>
              )}
              {rights.kick && (
                <button type="button" onClick={() => ask('kick')} className={`${item} text-[#f23f43] hover:bg-[#da373c] hover:text-white`}>
                  Kick {name}
                </button>
              )}
              {rights.ban && (
                <button type="button" onClick={() => ask('ban')} className={`${item} text-[#f23f43] hover:bg-[#da373c] hover:text-white`}>
                  Ban {name}
                </button>
              )}
            </>
          )}
        </div>
      )}
      {asking === 'kick' && (
        <ConfirmDialog
          title={`Kick ${name}?`}
          description={`${name} is removed from ${roomName} and loses the keys of new messages. They can come back with an invite.`}
          confirmLabel="Kick"
          onConfirm={() => calls.kick()}
          onClose={() => setAsking(undefined)}
        />
      )}
      {asking === 'ban' && (
        <ConfirmDialog
          title={`Ban ${name}?`}
          description={`${name} is removed from ${roomName} for good: invites no longer let them in, and new messages are sealed with keys they never receive.`}
          confirmLabel="Ban"
          onConfirm={() => calls.ban({ reason: reason.trim() === '' ? undefined : reason.trim(), purge })}
          onClose={() => setAsking(undefined)}
        >
          <label className="block">
            <span className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Reason (optional, in the audit log)</span>
            <input
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              className="w-full rounded bg-[#1e1f22] px-2 py-1.5 text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]"
            />
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={purge} onChange={(e) => setPurge(e.target.checked)} className="h-4 w-4" />
            <span>Also remove every message {name} sent</span>
          </label>
        </ConfirmDialog>
      )}
    </div>
  );
};
