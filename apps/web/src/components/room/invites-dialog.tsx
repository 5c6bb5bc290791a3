'use client';
/**
 * The community's invites (Discord's Invites page, as far as a peer can know them): the links this
 * browser made and every link the authority log saw used, each with who made it, uses, expiry and
 * whether it still works. Revoke (a REVOKE_INVITE entry, asked about inline) is offered on one's own
 * links and, to MANAGE_ROOM holders, on all; for the rest it is greyed, saying why.
 */
import { type InviteInfo, mayRevokeInvite } from '@parley/client';
import { fromHex } from '@parley/protocol';
import { useId, useState } from 'react';
import { madeInvites } from '../../lib/parley/made-invites.ts';
import { shownAs } from '../../lib/parley/names.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';
import { InlineConfirm } from './inline-confirm.tsx';

const expiry = (i: InviteInfo, now: number): string => {
  if (i.expiresAt === 0) return 'Never expires';
  if (i.expired) return 'Expired';
  const h = Math.round((i.expiresAt - now) / 3_600_000);
  return h < 1 ? 'Expires within the hour' : h < 48 ? `Expires in ${h} h` : `Expires in ${Math.round(h / 24)} days`;
};

const statusOf = (i: InviteInfo): { text: string; live: boolean } => {
  if (i.revoked) return { text: 'Revoked', live: false };
  if (i.expired) return { text: 'Expired', live: false };
  if (i.maxUses !== 0 && i.uses >= i.maxUses) return { text: 'Used up', live: false };
  return { text: 'Active', live: true };
};

export const InvitesDialog = ({ roomHex, roomName, onClose }: { roomHex: string; roomName: string; onClose: () => void }) => {
  const { client, identity, version } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const [asking, setAsking] = useState<string | undefined>(undefined);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const room = fromHex(roomHex);
  const st = openRoomState(client, roomHex);
  const me = identity?.account.publicKey;
  void version; // re-rendered by the provider on every client event: the list below is read afresh
  const now = Date.now();
  const invites = st === undefined || client === undefined ? [] : client.invites(room, madeInvites(roomHex));
  const revoke = async (i: InviteInfo) => {
    setAsking(undefined);
    try {
      await client?.revokeInvite(room, { nonce: i.nonce, issuer: i.issuer });
      setSaid({ ok: true, text: 'Link revoked: nobody can join with it any more.' });
    } catch (e) {
      setSaid({ ok: false, text: `Not revoked: ${(e as Error).message}` });
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
          Invites to {roomName}
        </h2>
        <button type="button" onClick={onClose} className="rounded px-3 py-1 text-sm hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white">
          Close
        </button>
      </div>
      <div className="overflow-y-auto p-4">
        <p className="mb-3 text-xs text-[#b5bac1]">
          Links made in this browser, and every link someone has joined with. Links others made and nobody used yet live only with them.
        </p>
        {invites.length === 0 ? (
          <p className="text-sm text-[#b5bac1]">No invite links yet.</p>
        ) : (
          <ul data-testid="invites" className="space-y-2">
            {invites.map((i) => {
              const by = shownAs(i.issuer, identity, (a) => client?.profile(room, a)).name;
              const status = statusOf(i);
              const may = st !== undefined && me !== undefined && mayRevokeInvite(st, me, i);
              return (
                <li
                  key={i.id}
                  data-testid="invite"
                  data-status={status.text}
                  className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded bg-[#2b2d31] p-2 text-sm"
                >
                  <div className="min-w-0 flex-1">
                    <p className="font-medium text-white">
                      Link by {by} <span className="font-mono text-xs font-normal text-[#949ba4]">…{i.id.slice(0, 8)}</span>
                    </p>
                    <p className="text-xs text-[#b5bac1]">
                      {i.maxUses === 0 ? `${i.uses} uses` : `${i.uses} of ${i.maxUses} uses`} · {expiry(i, now)}
                      {i.url === undefined ? ' · seen in the log' : ''}
                    </p>
                  </div>
                  <span className={`rounded px-1.5 text-xs font-semibold ${status.live ? 'bg-[#23a55a]/20 text-[#57f287]' : 'bg-[#1e1f22] text-[#b5bac1]'}`}>
                    {status.text}
                  </span>
                  {!i.revoked &&
                    (asking === i.id ? (
                      <InlineConfirm
                        question={`Revoke the link by ${by}?`}
                        confirmLabel="Revoke"
                        quiet
                        onConfirm={() => void revoke(i)}
                        onCancel={() => setAsking(undefined)}
                        className="gap-1 text-xs"
                      />
                    ) : (
                      <button
                        type="button"
                        disabled={!may}
                        title={may ? undefined : 'Only whoever made it, or someone who manages the community, can revoke it'}
                        onClick={() => setAsking(i.id)}
                        className="rounded px-2 py-0.5 text-xs text-[#fa777c] hover:underline focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:text-[#949ba4] disabled:no-underline"
                      >
                        Revoke<span className="sr-only"> the link by {by}</span>
                      </button>
                    ))}
                </li>
              );
            })}
          </ul>
        )}
        {said !== undefined && (
          <p role={said.ok ? 'status' : 'alert'} className={`mt-3 text-sm ${said.ok ? 'text-[#b5bac1]' : 'text-red-300'}`}>
            {said.text}
          </p>
        )}
      </div>
    </dialog>
  );
};
