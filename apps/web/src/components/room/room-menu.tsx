'use client';
/**
 * The community's menu under its name: settings, the room's audit log, its invites, roles, the
 * community settings (greyed inside for those without MANAGE_ROOM), and leaving. The person who
 * started a community cannot leave it (the room is rooted in their key), and is told so instead.
 */
import { CAP } from '@parley/protocol';
import { useState } from 'react';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { AuditLogDialog } from './audit-log-dialog.tsx';
import { CommunitySettingsDialog } from './community-settings-dialog.tsx';
import { InvitesDialog } from './invites-dialog.tsx';
import { RolesDialog } from './roles-dialog.tsx';

export const RoomMenu = ({
  roomHex,
  roomName,
  isCreator,
  onLeave,
  onSettings,
}: {
  roomHex: string;
  roomName: string;
  isCreator: boolean;
  onLeave: () => Promise<void>;
  onSettings: () => void;
}) => {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [audit, setAudit] = useState(false);
  const [policy, setPolicy] = useState(false);
  const [rolesOpen, setRolesOpen] = useState(false);
  const [invites, setInvites] = useState(false);
  const { client, identity } = useParley();
  const st = openRoomState(client, roomHex);
  const canManageRoles = st !== undefined && identity !== undefined && st.can(identity.account.publicKey, CAP.MANAGE_ROLES, undefined, st.length - 1);
  const item = 'block w-full rounded px-2 py-1.5 text-left text-sm focus:outline-none focus:ring-2 focus:ring-white';
  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="room-menu"
        onClick={() => {
          setOpen((o) => !o);
          setConfirming(false);
        }}
        className="rounded px-1.5 py-0.5 text-[#b5bac1] hover:bg-[#35373c] hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
      >
        <span aria-hidden="true">▾</span>
        <span className="sr-only">{roomName} menu</span>
      </button>
      {open && (
        <div id="room-menu" className="absolute top-8 right-0 z-30 w-56 rounded-md bg-[#111214] p-1.5 shadow-xl">
          <button type="button" onClick={onSettings} className={`${item} text-[#dbdee1] hover:bg-[#5865f2] hover:text-white`}>
            Settings
          </button>
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              setAudit(true);
            }}
            className={`${item} text-[#dbdee1] hover:bg-[#5865f2] hover:text-white`}
          >
            Audit log
          </button>
          {canManageRoles && (
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                setRolesOpen(true);
              }}
              className={`${item} text-[#dbdee1] hover:bg-[#5865f2] hover:text-white`}
            >
              Roles
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              setInvites(true);
            }}
            className={`${item} text-[#dbdee1] hover:bg-[#5865f2] hover:text-white`}
          >
            Invites
          </button>
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              setPolicy(true);
            }}
            className={`${item} text-[#dbdee1] hover:bg-[#5865f2] hover:text-white`}
          >
            Community settings
          </button>
          {isCreator ? (
            <p className="px-2 py-1.5 text-xs text-[#949ba4]">You started this community, so you cannot leave it.</p>
          ) : confirming ? (
            <div className="space-y-1 px-2 py-1.5">
              <p className="text-sm text-[#dbdee1]">Leave {roomName}? You need a new invite to come back.</p>
              <button
                type="button"
                onClick={() => {
                  setError(undefined);
                  onLeave().catch((e: unknown) => setError((e as Error).message));
                }}
                className={`${item} bg-[#da373c] text-center font-semibold text-white hover:bg-[#a12828]`}
              >
                Leave community
              </button>
              <button type="button" onClick={() => setConfirming(false)} className={`${item} text-center text-[#dbdee1] hover:underline`}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirming(true)} className={`${item} text-[#f23f43] hover:bg-[#da373c] hover:text-white`}>
              Leave {roomName}
            </button>
          )}
          {error !== undefined && (
            <p role="alert" className="px-2 text-xs text-red-300">
              {error}
            </p>
          )}
        </div>
      )}
      {audit && <AuditLogDialog roomHex={roomHex} roomName={roomName} onClose={() => setAudit(false)} />}
      {rolesOpen && <RolesDialog roomHex={roomHex} roomName={roomName} onClose={() => setRolesOpen(false)} />}
      {invites && <InvitesDialog roomHex={roomHex} roomName={roomName} onClose={() => setInvites(false)} />}
      {policy && <CommunitySettingsDialog roomHex={roomHex} roomName={roomName} onClose={() => setPolicy(false)} />}
    </div>
  );
};
