'use client';
/**
 * The room's audit log: every authority entry in the room's order with who signed it, the action,
 * the capability used, its target and time, and the checks this browser re-ran on it (signature,
 * chain); filtered by person and by action. Anyone in the room may read it: the log is the room.
 */
import { equals, fromHex, toHex } from '@parley/protocol';
import { useId, useMemo, useState } from 'react';
import { actionWords, auditRows } from '../../lib/parley/audit-rows.ts';
import { shownAs } from '../../lib/parley/names.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';

export const AuditLogDialog = ({ roomHex, roomName, onClose }: { roomHex: string; roomName: string; onClose: () => void }) => {
  const { client, identity, version } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const [person, setPerson] = useState('');
  const [kind, setKind] = useState('');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger: the client's state changed, so read again
  const rows = useMemo(() => {
    const room = fromHex(roomHex);
    if (client === undefined || !client.rooms().some((r) => toHex(r) === roomHex)) return [];
    const channels = client.channels(room);
    return auditRows(
      client.auditLog(room),
      (a) => shownAs(a, identity, (x) => client.profile(room, x)).name,
      (id) => channels.find((c) => equals(c.id, id))?.name,
    );
  }, [client, identity, roomHex, version]);
  const people = [...new Map(rows.map((r) => [r.byHex, r.by] as const)).entries()];
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const shown = rows.filter((r) => (person === '' || r.byHex === person || r.targetHex === person) && (kind === '' || r.kind === kind));
  const select = 'rounded bg-[#1e1f22] px-2 py-1.5 text-sm text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]';
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={wrap}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto flex max-h-[85vh] w-[min(44rem,calc(100vw-2rem))] flex-col rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <div className="flex items-center justify-between gap-2 border-b border-black/30 p-4">
        <h2 id={titleId} className="text-lg font-bold text-white">
          Audit log of {roomName}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className="rounded px-3 py-1 text-sm text-[#dbdee1] hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white"
        >
          Close
        </button>
      </div>
      <div className="flex flex-wrap gap-3 px-4 pt-3">
        <label className="flex items-center gap-2 text-sm">
          Person
          <select value={person} onChange={(e) => setPerson(e.target.value)} className={select}>
            <option value="">Everyone</option>
            {people.map(([hex, name]) => (
              <option key={hex} value={hex}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 text-sm">
          Action
          <select value={kind} onChange={(e) => setKind(e.target.value)} className={select}>
            <option value="">All actions</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {actionWords(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ol data-testid="audit-log" className="flex-1 space-y-1 overflow-y-auto p-4 text-sm">
        {shown.map((r) => (
          <li key={r.id} data-testid="audit-entry" data-kind={r.kind} className="rounded bg-[#2b2d31] px-3 py-2">
            <p>
              <span className="mr-2 text-xs text-[#949ba4]">#{r.position}</span>
              <strong className="text-white">{r.by}</strong> {r.action}
              {r.target !== '—' && <strong className="text-white"> {r.target}</strong>}
            </p>
            <p className="text-xs text-[#b5bac1]">
              {r.capability === '—' ? 'no capability needed' : `under ${r.capability}`} · {new Date(r.time).toLocaleString()} ·{' '}
              <span className={r.valid ? 'text-[#57f287]' : 'text-red-300'}>{r.checks}</span>
            </p>
          </li>
        ))}
        {shown.length === 0 && <li className="text-[#b5bac1]">No entries match.</li>}
      </ol>
    </dialog>
  );
};
