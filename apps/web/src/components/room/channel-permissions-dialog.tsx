'use client';
/**
 * Who may use a channel (Discord's channel permissions, under the log's rules): public to every
 * member, or private to chosen roles (See / Send each) and members. Everyone may open it to see who
 * has access; only holders of MANAGE_CHANNELS change it (the controls are greyed for the rest, with
 * why). Saving signs a SET_CHANNEL_ACL: the channel moves to a new key epoch sealed only to those who
 * may still read, and whoever loses Send is cut off at what this device holds of theirs.
 */
import type { ChannelInfo } from '@parley/protocol';
import { fromHex, toHex } from '@parley/protocol';
import { useId, useState } from 'react';
import { type AccessDraft, aclOf, aclRoles, draftOf, mayEditAccess, wouldRead } from '../../lib/parley/channel-access.ts';
import { shownAs } from '../../lib/parley/names.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';

export const ChannelPermissionsDialog = ({ roomHex, channel, onClose }: { roomHex: string; channel: ChannelInfo; onClose: () => void }) => {
  const { client, identity } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const room = fromHex(roomHex);
  const st = openRoomState(client, roomHex);
  const me = identity?.account.publicKey;
  const editable = st !== undefined && me !== undefined && mayEditAccess(st, me);
  const [draft, setDraft] = useState<AccessDraft | undefined>(st === undefined ? undefined : draftOf(st, channel));
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const shown = (a: Uint8Array) => shownAs(a, identity, (x) => client?.profile(room, x)).name;
  const members = (st?.members() ?? []).filter((m) => !m.pending && st !== undefined && toHex(m.account) !== toHex(st.creator));
  const accounts = new Map(members.map((m) => [toHex(m.account), m.account] as const));
  const acl = draft === undefined ? undefined : aclOf(draft, accounts);
  const losesIt = st !== undefined && me !== undefined && editable && !wouldRead(st, me, channel, acl);
  const save = async () => {
    if (client === undefined || draft === undefined) return;
    setSaving(true);
    try {
      await client.setChannelAcl(room, channel.id, acl);
      setSaid({ ok: true, text: acl === undefined ? `#${channel.name} is open to every member.` : `Saved: #${channel.name} is private.` });
    } catch (e) {
      setSaid({ ok: false, text: `Not saved: ${(e as Error).message}` });
    } finally {
      setSaving(false);
    }
  };
  const setRole = (id: string, patch: Partial<{ see: boolean; send: boolean }>) =>
    setDraft((d) => (d === undefined ? d : { ...d, roles: { ...d.roles, [id]: { see: false, send: false, ...d.roles[id], ...patch } } }));
  const setAccount = (hex: string, on: boolean) =>
    setDraft((d) => {
      if (d === undefined) return d;
      const next = new Set(d.accounts);
      if (on) next.add(hex);
      else next.delete(hex);
      return { ...d, accounts: next };
    });
  const legend = 'mb-1 text-xs font-bold uppercase tracking-wide text-[#b5bac1]';
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={wrap}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto flex max-h-[85vh] w-[min(32rem,calc(100vw-2rem))] flex-col rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        className="flex min-h-0 flex-col"
      >
        <div className="space-y-4 overflow-y-auto p-5">
          <h2 id={titleId} className="text-lg font-bold text-white">
            Permissions of #{channel.name}
          </h2>
          {!editable && (
            <p data-testid="access-readonly" className="rounded bg-[#2b2d31] px-3 py-2 text-sm text-[#b5bac1]">
              Only members who can manage channels change who may use #{channel.name}.
            </p>
          )}
          {draft !== undefined && (
            <fieldset disabled={!editable} className="space-y-4 disabled:opacity-70">
              <label className="flex items-start gap-2 text-sm">
                <input type="checkbox" checked={draft.private} onChange={(e) => setDraft({ ...draft, private: e.target.checked })} className="mt-0.5 h-4 w-4" />
                <span>
                  <span className="block font-medium text-white">Private channel</span>
                  <span className="block text-xs text-[#b5bac1]">Only the roles and members chosen below see it; its key goes to them alone.</span>
                </span>
              </label>
              {draft.private && (
                <>
                  <fieldset>
                    <legend className={legend}>Roles</legend>
                    <table className="w-full text-sm">
                      <thead>
                        <tr className="text-left text-xs text-[#b5bac1]">
                          <th scope="col" className="py-1 font-medium">
                            Role
                          </th>
                          <th scope="col" className="w-16 py-1 text-center font-medium">
                            See
                          </th>
                          <th scope="col" className="w-16 py-1 text-center font-medium">
                            Send
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {aclRoles(st as NonNullable<typeof st>).map((r) => {
                          const name = r.id === 'member' ? 'Everyone' : r.name;
                          const v = draft.roles[r.id] ?? { see: false, send: false };
                          return (
                            <tr key={r.id} data-testid="access-role" className="border-t border-black/20">
                              <th scope="row" className="py-1 text-left font-normal">
                                {name}
                              </th>
                              <td className="text-center">
                                <input
                                  type="checkbox"
                                  aria-label={`${name} can see #${channel.name}`}
                                  checked={v.see}
                                  onChange={(e) => setRole(r.id, { see: e.target.checked })}
                                  className="h-4 w-4"
                                />
                              </td>
                              <td className="text-center">
                                <input
                                  type="checkbox"
                                  aria-label={`${name} can send in #${channel.name}`}
                                  checked={v.send}
                                  onChange={(e) => setRole(r.id, { send: e.target.checked })}
                                  className="h-4 w-4"
                                />
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </fieldset>
                  <fieldset>
                    <legend className={legend}>Members (see and send)</legend>
                    <ul className="max-h-40 space-y-0.5 overflow-y-auto">
                      {members.map((m) => {
                        const hex = toHex(m.account);
                        return (
                          <li key={hex}>
                            <label className="flex items-center gap-2 py-0.5 text-sm">
                              <input
                                type="checkbox"
                                checked={draft.accounts.has(hex)}
                                onChange={(e) => setAccount(hex, e.target.checked)}
                                className="h-4 w-4"
                              />
                              {shown(m.account)}
                              {identity !== undefined && toHex(identity.account.publicKey) === hex ? ' (you)' : ''}
                            </label>
                          </li>
                        );
                      })}
                    </ul>
                    <p className="mt-1 text-xs text-[#b5bac1]">The owner always has access.</p>
                  </fieldset>
                </>
              )}
            </fieldset>
          )}
          {losesIt && (
            <p role="note" className="text-sm text-[#f0b232]">
              You will no longer see #{channel.name} once this is saved.
            </p>
          )}
          {said !== undefined && (
            <p role={said.ok ? 'status' : 'alert'} className={`text-sm ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
              {said.text}
            </p>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-black/30 p-4">
          <button type="button" onClick={onClose} className="rounded px-3 py-1.5 text-sm hover:underline focus:outline-none focus:ring-2 focus:ring-white">
            Close
          </button>
          <button
            type="submit"
            disabled={!editable || saving}
            title={editable ? undefined : 'You need the Manage channels capability'}
            className="rounded bg-[#5865f2] px-3 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-60"
          >
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
};
