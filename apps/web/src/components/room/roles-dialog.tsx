'use client';
/**
 * The role editor, for holders of MANAGE_ROLES (Discord's roles page, under the log's rules): every
 * role with its rank, colour and capabilities; a role ranked below one's own can be edited, and new
 * ones made. A role may carry only capabilities its definer holds and ranks below them; the log
 * refuses anything else, and the form offers nothing else. Saving signs a DEFINE_ROLE entry.
 */
import { CAP, type CapabilityName, capNames, fromHex, type RoleDef } from '@parley/protocol';
import { useId, useState } from 'react';
import { AVATAR_COLORS, cssColor } from '../../lib/parley/colors.ts';
import { CAP_LABELS, roleEditing, roleIdFor } from '../../lib/parley/moderation.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';

interface Draft {
  readonly id: string | undefined;
  readonly name: string;
  readonly color: number;
  readonly rank: number;
  readonly caps: number;
}

const input = 'w-full rounded bg-[#1e1f22] px-2 py-1.5 text-sm text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]';

export const RolesDialog = ({ roomHex, roomName, onClose }: { roomHex: string; roomName: string; onClose: () => void }) => {
  const { client, identity, version } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const [draft, setDraft] = useState<Draft | undefined>(undefined);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const room = fromHex(roomHex);
  const st = openRoomState(client, roomHex);
  const me = identity?.account.publicKey;
  const editing = st !== undefined && me !== undefined ? roleEditing(st, me) : undefined;
  void version; // re-rendered by the provider on every client event: the roles below are read afresh
  const roles = (st?.roles() ?? []).slice().sort((a, b) => b.rank - a.rank);
  const editable = new Set(editing?.editable.map((r) => r.id));
  const startNew = () => {
    const below = editing?.rankBelow ?? 1;
    setSaid(undefined);
    setDraft({ id: undefined, name: '', color: AVATAR_COLORS[0]?.value ?? 0x5865f2, rank: Math.max(1, Math.min(below - 1, 100)), caps: CAP.READ | CAP.SEND });
  };
  const edit = (r: RoleDef) => {
    setSaid(undefined);
    setDraft({ id: r.id, name: r.name, color: r.color, rank: r.rank, caps: r.caps });
  };
  const save = async (d: Draft) => {
    if (client === undefined || editing === undefined) return;
    const id = d.id ?? roleIdFor(d.name, new Set(roles.map((r) => r.id)));
    try {
      await client.defineRole(room, { id, name: d.name.trim(), caps: d.caps, rank: d.rank, color: d.color });
      setSaid({ ok: true, text: `Saved the role “${d.name.trim()}”.` });
      setDraft(undefined);
    } catch (e) {
      setSaid({ ok: false, text: `Not saved: ${(e as Error).message}` });
    }
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={wrap}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto flex max-h-[85vh] w-[min(40rem,calc(100vw-2rem))] flex-col rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <div className="flex items-center justify-between gap-2 border-b border-black/30 p-4">
        <h2 id={titleId} className="text-lg font-bold text-white">
          Roles of {roomName}
        </h2>
        <button type="button" onClick={onClose} className="rounded px-3 py-1 text-sm hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white">
          Close
        </button>
      </div>
      <div className="overflow-y-auto p-4">
        <ul data-testid="roles" className="space-y-2">
          {roles.map((r) => (
            <li key={r.id} data-testid="role" className="flex items-start gap-3 rounded bg-[#2b2d31] p-2">
              <span aria-hidden="true" className="mt-1 h-3 w-3 shrink-0 rounded-full" style={{ backgroundColor: cssColor(r.color) }} />
              <div className="min-w-0 flex-1">
                <p className="font-medium text-white">
                  {r.name} <span className="text-xs font-normal text-[#b5bac1]">rank {r.rank}</span>
                </p>
                <p className="text-xs text-[#b5bac1]">
                  {capNames(r.caps)
                    .map((c) => CAP_LABELS[c])
                    .join(', ') || 'No capabilities'}
                </p>
              </div>
              {editable.has(r.id) && (
                <button
                  type="button"
                  onClick={() => edit(r)}
                  className="rounded px-2 py-1 text-sm text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
                >
                  Edit<span className="sr-only"> {r.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
        {said !== undefined && (
          <p role={said.ok ? 'status' : 'alert'} className={`mt-3 text-sm ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
            {said.text}
          </p>
        )}
        {draft === undefined ? (
          editing?.allowed === true && (
            <button
              type="button"
              onClick={startNew}
              className="mt-3 rounded bg-[#5865f2] px-3 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white"
            >
              Create role
            </button>
          )
        ) : (
          <RoleForm draft={draft} editing={editing} onChange={setDraft} onCancel={() => setDraft(undefined)} onSave={(d) => void save(d)} />
        )}
      </div>
    </dialog>
  );
};

const RoleForm = ({
  draft,
  editing,
  onChange,
  onCancel,
  onSave,
}: {
  draft: Draft;
  editing: ReturnType<typeof roleEditing> | undefined;
  onChange: (d: Draft) => void;
  onCancel: () => void;
  onSave: (d: Draft) => void;
}) => {
  const below = editing?.rankBelow ?? 1;
  const held = editing?.caps ?? 0;
  const valid = draft.name.trim() !== '' && draft.rank >= 0 && draft.rank < below;
  return (
    <form
      aria-label={draft.id === undefined ? 'New role' : `Edit role ${draft.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSave(draft);
      }}
      className="mt-3 space-y-3 rounded bg-[#2b2d31] p-3"
    >
      <div className="grid grid-cols-2 gap-3">
        <label className="block text-sm">
          <span className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Role name</span>
          <input value={draft.name} maxLength={32} onChange={(e) => onChange({ ...draft, name: e.target.value })} className={input} />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Rank (below {below})</span>
          <input
            type="number"
            min={0}
            max={below - 1}
            value={draft.rank}
            onChange={(e) => onChange({ ...draft, rank: Number(e.target.value) })}
            className={input}
          />
        </label>
      </div>
      <fieldset>
        <legend className="mb-1 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Colour</legend>
        <div className="flex flex-wrap gap-2">
          {AVATAR_COLORS.map((c) => (
            <label key={c.value} className="flex items-center gap-1 text-xs">
              <input type="radio" name="role-colour" checked={draft.color === c.value} onChange={() => onChange({ ...draft, color: c.value })} />
              <span aria-hidden="true" className="h-3 w-3 rounded-full" style={{ backgroundColor: cssColor(c.value) }} />
              {c.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="mb-1 text-xs font-bold uppercase tracking-wide text-[#b5bac1]">Capabilities</legend>
        <div className="grid grid-cols-2 gap-1">
          {(Object.keys(CAP) as CapabilityName[]).map((k) => {
            const mayGive = (held & CAP[k]) !== 0;
            return (
              <label
                key={k}
                className={`flex items-center gap-2 text-sm ${mayGive ? '' : 'text-[#949ba4]'}`}
                title={mayGive ? undefined : 'You do not hold this yourself'}
              >
                <input
                  type="checkbox"
                  disabled={!mayGive}
                  checked={(draft.caps & CAP[k]) !== 0}
                  onChange={(e) => onChange({ ...draft, caps: e.target.checked ? draft.caps | CAP[k] : draft.caps & ~CAP[k] })}
                  className="h-4 w-4"
                />
                {CAP_LABELS[k]}
              </label>
            );
          })}
        </div>
      </fieldset>
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded px-3 py-1.5 text-sm hover:underline focus:outline-none focus:ring-2 focus:ring-white">
          Cancel
        </button>
        <button
          type="submit"
          disabled={!valid}
          className="rounded bg-[#5865f2] px-3 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-60"
        >
          Save role
        </button>
      </div>
    </form>
  );
};
