'use client';
import { fromHex } from '@parley/protocol';
import { useState } from 'react';
import { rememberInvite } from '../../lib/parley/made-invites.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { InlineConfirm } from './inline-confirm.tsx';
import { QrCode } from './qr-code.tsx';

const EXPIRY = [
  { label: 'Never', ms: 0 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
] as const;
const USES = [0, 1, 5, 25, 100] as const;

const selectClass = 'w-full rounded bg-[#1e1f22] px-1.5 py-1 text-xs text-[#dbdee1] outline-none focus:ring-2 focus:ring-[#5865f2]';

/**
 * Makes an invite link (hub addresses and this node's relayed addresses) with the chosen expiry and
 * number of uses, copies it, shows it as a QR code on request, and revokes it (a REVOKE_INVITE entry:
 * every peer then refuses a JOIN carrying it).
 */
export const InviteButton = ({ roomHex, roomName }: { roomHex: string; roomName: string }) => {
  const p = useParley();
  const [link, setLink] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState(false);
  const [expiry, setExpiry] = useState(0);
  const [uses, setUses] = useState(0);
  const [revoking, setRevoking] = useState(false);
  const [said, setSaid] = useState<string | undefined>(undefined);
  const make = async () => {
    const c = p.client;
    if (c === undefined) return;
    let url: string;
    try {
      // In a follower tab the leading tab signs it (tab-bus.ts), so this may be a promise.
      url = await Promise.resolve(
        c.createInvite(fromHex(roomHex), {
          name: roomName,
          maxUses: uses,
          expiresAt: expiry === 0 ? 0 : Date.now() + expiry,
          addrs: [
            ...p.config.bootstrap,
            ...c.node
              .multiaddrs()
              .filter((a) => a.includes('/p2p-circuit/'))
              .slice(0, 3),
          ],
        }),
      );
    } catch (e) {
      setSaid(`No link made: ${(e as Error).message}`);
      return;
    }
    rememberInvite(roomHex, url);
    setLink(url);
    setSaid(undefined);
    setRevoking(false);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard permission: the link is shown below to copy by hand.
    }
  };
  const revoke = async () => {
    const c = p.client;
    if (c === undefined || link === undefined) return;
    setRevoking(false);
    try {
      await c.revokeInvite(fromHex(roomHex), link);
      setLink(undefined);
      setQr(false);
      setSaid('Link revoked: nobody can join with it any more.');
    } catch (e) {
      setSaid(`Not revoked: ${(e as Error).message}`);
    }
  };
  return (
    <div>
      <button
        type="button"
        onClick={() => void make()}
        className="w-full rounded bg-[#5865f2] px-3 py-1.5 text-sm font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white"
      >
        {copied ? 'Invite link copied' : 'Copy invite link'}
      </button>
      <details className="mt-1 text-xs text-[#b5bac1]">
        <summary className="cursor-pointer hover:underline focus:outline-none focus:ring-2 focus:ring-white">Link settings</summary>
        <div className="mt-1 grid grid-cols-2 gap-2">
          <label className="block">
            <span className="mb-0.5 block">Expire after</span>
            <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))} className={selectClass}>
              {EXPIRY.map((x) => (
                <option key={x.ms} value={x.ms}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="mb-0.5 block">Max uses</span>
            <select value={uses} onChange={(e) => setUses(Number(e.target.value))} className={selectClass}>
              {USES.map((n) => (
                <option key={n} value={n}>
                  {n === 0 ? 'No limit' : n === 1 ? '1 use' : `${n} uses`}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="mt-1">Applies to the next link you copy.</p>
      </details>
      {said !== undefined && (
        <p role="status" className="mt-1 text-xs text-[#b5bac1]">
          {said}
        </p>
      )}
      {link !== undefined && (
        <>
          <label htmlFor="invite-output" className="sr-only">
            Invite link
          </label>
          <input
            id="invite-output"
            readOnly
            value={link}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-2 w-full truncate rounded bg-[#1e1f22] px-2 py-1 text-xs text-[#dbdee1]"
          />
          <div className="mt-1 flex items-center justify-between gap-2">
            <button
              type="button"
              aria-expanded={qr}
              onClick={() => setQr((q) => !q)}
              className="text-xs text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
            >
              {qr ? 'Hide QR code' : 'Show QR code'}
            </button>
            {revoking ? (
              <InlineConfirm
                question="Revoke this invite link?"
                confirmLabel="Revoke"
                quiet
                onConfirm={() => void revoke()}
                onCancel={() => setRevoking(false)}
                className="gap-1 text-xs"
              />
            ) : (
              <button
                type="button"
                onClick={() => setRevoking(true)}
                className="text-xs text-[#fa777c] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
              >
                Revoke link
              </button>
            )}
          </div>
          {qr && (
            <div className="mt-2 flex flex-col items-center gap-1 rounded bg-[#1e1f22] p-3">
              <QrCode text={link} label={`QR code of the invite link to ${roomName}`} />
              <p className="text-center text-xs text-[#b5bac1]">Scan with a phone camera to open the invite.</p>
            </div>
          )}
        </>
      )}
    </div>
  );
};
