'use client';
/**
 * The community's policy for those who hold MANAGE_ROOM: who may join (invite links only, or anyone
 * with the link or the directory card), where messages live (peers only, copies on the pinned hubs,
 * or counted as sent only once a pinned hub stored them), which hubs are pinned, and whether
 * newcomers read earlier messages, and which files members may share (its own button). Saving signs
 * one SET_POLICY entry that every member's device checks and applies. Members without MANAGE_ROOM see the same page greyed, saying why.
 */
import type { Durability, JoinMode } from '@parley/protocol';
import { CAP, fromHex } from '@parley/protocol';
import { useId, useState } from 'react';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';
import { FileRulesSection } from './file-rules-section.tsx';
import { PinnedHubs } from './pinned-hubs.tsx';

const JOIN: readonly { value: JoinMode; label: string }[] = [
  { value: 'invite', label: 'With an invite link only' },
  { value: 'open', label: 'Anyone with a link or the directory card' },
  { value: 'approval', label: 'Invite links, or a moderator approves' },
];
const DURABILITY: readonly { value: Durability; label: string; help: string }[] = [
  { value: 'strict', label: 'Members only', help: 'Messages live on members’ devices; hubs relay them but keep no copy.' },
  { value: 'replicated', label: 'Members and hubs', help: 'The pinned hubs keep encrypted copies, so history survives everyone being offline.' },
  { value: 'guaranteed', label: 'Confirmed by a hub', help: 'A message counts as sent once a pinned hub has stored it (shown queued until then).' },
];

export const CommunitySettingsDialog = ({ roomHex, roomName, onClose }: { roomHex: string; roomName: string; onClose: () => void }) => {
  const { client, identity } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const st = openRoomState(client, roomHex);
  const policy = st?.policy();
  const editable = st !== undefined && identity !== undefined && st.can(identity.account.publicKey, CAP.MANAGE_ROOM, undefined, st.length - 1);
  const [join, setJoin] = useState<JoinMode>(policy?.join ?? 'invite');
  const [durability, setDurability] = useState<Durability>(policy?.durability ?? 'replicated');
  const [history, setHistory] = useState(policy?.historyVisible ?? true);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (client === undefined || policy === undefined) return;
    const patch = {
      ...(join !== policy.join ? { join } : {}),
      ...(durability !== policy.durability ? { durability } : {}),
      ...(history !== policy.historyVisible ? { historyVisible: history } : {}),
    };
    if (Object.keys(patch).length === 0) {
      setSaid({ ok: true, text: 'Nothing changed.' });
      return;
    }
    setSaving(true);
    try {
      await client.setPolicy(fromHex(roomHex), patch);
      setSaid({ ok: true, text: 'Saved. Every member’s device applies it as the entry arrives.' });
    } catch (e) {
      setSaid({ ok: false, text: `Not saved: ${(e as Error).message}` });
    } finally {
      setSaving(false);
    }
  };
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
      className="m-auto max-h-[calc(100vh-2rem)] w-[min(32rem,calc(100vw-2rem))] overflow-y-auto rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        className="space-y-4 p-5"
      >
        <h2 id={titleId} className="text-lg font-bold text-white">
          {roomName} settings
        </h2>
        {!editable && (
          <p data-testid="settings-readonly" className="rounded bg-[#2b2d31] px-3 py-2 text-sm text-[#b5bac1]">
            Only members who can manage the community change these.
          </p>
        )}
        <fieldset disabled={!editable} className="space-y-4 disabled:opacity-70">
          <fieldset>
            <legend className={legend}>Who can join</legend>
            {JOIN.map((o) => (
              <label key={o.value} className="flex items-center gap-2 py-0.5 text-sm">
                <input type="radio" name="join" value={o.value} checked={join === o.value} onChange={() => setJoin(o.value)} className="h-4 w-4" />
                {o.label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend className={legend}>Where messages are kept</legend>
            {DURABILITY.map((o) => (
              <label key={o.value} className="flex items-start gap-2 py-0.5 text-sm">
                <input
                  type="radio"
                  name="durability"
                  value={o.value}
                  checked={durability === o.value}
                  onChange={() => setDurability(o.value)}
                  className="mt-0.5 h-4 w-4"
                />
                <span>
                  <span className="block">{o.label}</span>
                  <span className="block text-xs text-[#b5bac1]">{o.help}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} className="h-4 w-4" />
            New members can read messages sent before they joined
          </label>
        </fieldset>
        <PinnedHubs roomHex={roomHex} hubs={policy?.hubs ?? []} editable={editable} />
        <FileRulesSection roomHex={roomHex} rules={policy?.files} editable={editable} />
        {said !== undefined && (
          <p role={said.ok ? 'status' : 'alert'} className={`text-sm ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
            {said.text}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded px-3 py-1.5 text-sm hover:underline focus:outline-none focus:ring-2 focus:ring-white">
            Close
          </button>
          <button
            type="submit"
            disabled={saving || !editable}
            title={editable ? undefined : 'You need the Manage the community capability'}
            className="rounded bg-[#5865f2] px-3 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-60"
          >
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
};
