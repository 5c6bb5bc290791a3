'use client';
/**
 * Devices (PROTOCOL 2.1): this account's devices as its communities know them, each with Revoke
 * (greyed for this device: a device cannot revoke itself), and "Link a device", which shows a
 * one-time code (copy button and QR) that another browser opens or pastes at /link. Linking needs
 * the account key, so a linked browser sees the button greyed with why.
 */
import { type AccountDevice, holdsAccountKey, type LinkOffer } from '@parley/client';
import { toHex } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import { QrCode } from '../room/qr-code.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

const button = 'rounded px-3 py-1.5 text-sm font-semibold focus:outline-none focus:ring-2 focus:ring-white disabled:cursor-not-allowed disabled:opacity-50';

const when = (ms: number): string => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const DeviceRow = ({ d, onRevoke }: { d: AccountDevice; onRevoke: (d: AccountDevice) => Promise<void> }) => {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const hex = toHex(d.device);
  const why = d.thisDevice ? 'This is the device you are using: revoke it from another of your devices.' : d.revoked ? 'Already revoked.' : undefined;
  return (
    <li data-testid="device-row" data-device={hex} className="flex flex-wrap items-center justify-between gap-2 rounded bg-[#1e1f22] px-3 py-2">
      <div>
        <p className="font-medium text-[#f2f3f5]">
          {d.label ?? 'Unnamed device'}
          {d.thisDevice && <span className="ml-2 rounded bg-[#5865f2] px-1.5 py-0.5 text-xs text-white">This device</span>}
          {d.revoked && <span className="ml-2 rounded bg-[#da373c] px-1.5 py-0.5 text-xs text-white">Revoked</span>}
        </p>
        <p className="text-xs text-[#b5bac1]">
          Added {when(d.createdAt)} · key <span className="font-mono">{hex.slice(0, 12)}</span>
        </p>
      </div>
      {confirm ? (
        <div className="flex items-center gap-2">
          <span className="text-sm text-[#dbdee1]">It will read nothing new. Revoke?</span>
          <button
            type="button"
            disabled={busy}
            className={`${button} bg-[#da373c] text-white hover:bg-[#a12828]`}
            onClick={() => {
              setBusy(true);
              void onRevoke(d).finally(() => {
                setBusy(false);
                setConfirm(false);
              });
            }}
          >
            Yes, revoke
          </button>
          <button type="button" className={`${button} text-[#dbdee1] hover:underline`} onClick={() => setConfirm(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="flex items-center gap-2">
          <button
            type="button"
            disabled={why !== undefined}
            aria-describedby={why === undefined ? undefined : `why-${hex}`}
            className={`${button} bg-[#4e5058] text-white hover:bg-[#6d6f78]`}
            onClick={() => setConfirm(true)}
          >
            Revoke
          </button>
          {why !== undefined && (
            <span id={`why-${hex}`} className="sr-only">
              {why}
            </span>
          )}
        </div>
      )}
    </li>
  );
};

const LinkPanel = ({ offer, status, onClose }: { offer: LinkOffer; status: string | undefined; onClose: () => void }) => {
  const [copied, setCopied] = useState(false);
  const [left, setLeft] = useState(Math.max(0, offer.expiresAt - Date.now()));
  useEffect(() => {
    const t = setInterval(() => setLeft(Math.max(0, offer.expiresAt - Date.now())), 1000);
    return () => clearInterval(t);
  }, [offer]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(offer.code);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard permission: the code is shown to copy by hand.
    }
  };
  return (
    <div className="mt-3 space-y-3 rounded border border-[#4e5058] p-3">
      <p className="text-sm text-[#dbdee1]">
        On the other device, open this link (or scan the code, or paste it on the <span className="font-mono">/link</span> page). It works once, for the next{' '}
        {Math.ceil(left / 60_000)} minute{Math.ceil(left / 60_000) === 1 ? '' : 's'}, and only while this page stays open. Anyone who gets it becomes you: do
        not send it to anyone.
      </p>
      <label className="block text-sm text-[#dbdee1]">
        One-time link code
        <input
          readOnly
          value={offer.code}
          data-testid="link-code"
          onFocus={(e) => e.currentTarget.select()}
          className="mt-1 block w-full rounded bg-[#1e1f22] px-3 py-2 font-mono text-xs text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]"
        />
      </label>
      <div className="flex flex-wrap items-start gap-3">
        <QrCode text={offer.code} label="QR code of the one-time link code" size={176} />
        <div className="flex flex-col gap-2">
          <button type="button" className={`${button} bg-[#5865f2] text-white hover:bg-[#4752c4]`} onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy code'}
          </button>
          <button type="button" className={`${button} text-[#dbdee1] hover:underline`} onClick={onClose}>
            {status === undefined ? 'Cancel' : 'Close'}
          </button>
        </div>
      </div>
      <p role="status" className="text-sm text-[#dbdee1]">
        {status ?? 'Waiting for the other device…'}
      </p>
    </div>
  );
};

export const DevicesSection = () => {
  const p = useParley();
  const c = p.client;
  const [offer, setOffer] = useState<LinkOffer | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [said, setSaid] = useState<string | undefined>(undefined);
  // p.version changes on every client event (a new ADD_DEVICE or REVOKE_DEVICE among them).
  const devices = p.version >= 0 && c !== undefined ? c.devices() : [];
  const holder = p.identity !== undefined && holdsAccountKey(p.identity);
  useEffect(() => () => offer?.cancel(), [offer]);

  const link = async () => {
    if (c === undefined) return;
    setSaid(undefined);
    setStatus(undefined);
    try {
      const o = await c.offerDeviceLink();
      setOffer(o);
      o.linked.then(
        (d) => setStatus(`Linked “${d.label ?? 'a new device'}”: it opens your ${d.rooms.length} communit${d.rooms.length === 1 ? 'y' : 'ies'} now.`),
        (e: unknown) => setStatus(`No device linked: ${(e as Error).message}`),
      );
    } catch (e) {
      setSaid(`Could not make a code: ${(e as Error).message}`);
    }
  };
  const revoke = async (d: AccountDevice) => {
    if (c === undefined) return;
    try {
      const rooms = await c.revokeDevice(d.device);
      setSaid(`Revoked “${d.label ?? 'the device'}” in ${rooms.length} communit${rooms.length === 1 ? 'y' : 'ies'}: it reads nothing sent from now on.`);
    } catch (e) {
      setSaid(`Not revoked: ${(e as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="settings-devices" className={sectionClass}>
      <h2 id="settings-devices" className={sectionTitleClass}>
        Devices
      </h2>
      <p className="mb-3 text-sm text-[#b5bac1]">
        Every browser or app you use is a device with its own key, certified by your account. A revoked device can no longer read or post in your communities.
      </p>
      {c === undefined ? (
        <p className="text-sm text-[#b5bac1]">Connecting…</p>
      ) : (
        <ul aria-label="Your devices" className="space-y-2">
          {devices.map((d) => (
            <DeviceRow key={toHex(d.device)} d={d} onRevoke={revoke} />
          ))}
        </ul>
      )}
      {said !== undefined && (
        <p role="status" className="mt-2 text-sm text-[#dbdee1]">
          {said}
        </p>
      )}
      <div className="mt-4">
        {offer === undefined ? (
          <>
            <button
              type="button"
              disabled={!holder || c === undefined}
              aria-describedby={holder ? undefined : 'link-why'}
              className={`${button} bg-[#5865f2] text-white hover:bg-[#4752c4]`}
              onClick={() => void link()}
            >
              Link a device
            </button>
            {!holder && (
              <p id="link-why" className="mt-1 text-sm text-[#b5bac1]">
                This browser was linked to your account and does not hold the account key: link new devices from the device that does.
              </p>
            )}
          </>
        ) : (
          <LinkPanel
            offer={offer}
            status={status}
            onClose={() => {
              offer.cancel();
              setOffer(undefined);
              setStatus(undefined);
            }}
          />
        )}
      </div>
    </section>
  );
};
