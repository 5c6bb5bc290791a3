'use client';
import { fromHex } from '@parley/protocol';
import { useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import { QrCode } from './qr-code.tsx';

/** Makes an invite link (hub addresses and this node's relayed addresses), copies it, and shows it as a QR code on request. */
export const InviteButton = ({ roomHex, roomName }: { roomHex: string; roomName: string }) => {
  const p = useParley();
  const [link, setLink] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState(false);
  const make = async () => {
    const c = p.client;
    if (c === undefined) return;
    const url = c.createInvite(fromHex(roomHex), {
      name: roomName,
      addrs: [
        ...p.config.bootstrap,
        ...c.node
          .multiaddrs()
          .filter((a) => a.includes('/p2p-circuit/'))
          .slice(0, 3),
      ],
    });
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard permission: the link is shown below to copy by hand.
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
          <button
            type="button"
            aria-expanded={qr}
            onClick={() => setQr((q) => !q)}
            className="mt-1 text-xs text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
          >
            {qr ? 'Hide QR code' : 'Show QR code'}
          </button>
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
