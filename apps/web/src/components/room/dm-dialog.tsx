'use client';
/**
 * A direct conversation with one member (PROTOCOL 13), in a modal <dialog>: the messages this device
 * holds, oldest first, and a box to write. Messages are end-to-end encrypted to the other person's
 * devices (and this account's other devices); the dialog says so, and says which room carries them.
 */
import type { DirectMessage } from '@parley/client';
import { toHex } from '@parley/protocol';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';
import { useModal } from '../../lib/use-modal.ts';

export const DmDialog = ({ account, name, onClose }: { account: Uint8Array; name: string; onClose: () => void }) => {
  const { client } = useParley();
  const { ref, wrap } = useModal();
  const titleId = useId();
  const [messages, setMessages] = useState<readonly DirectMessage[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const hex = toHex(account);
  useEffect(() => {
    if (client === undefined) return;
    let live = true;
    const load = () =>
      void client.dmHistory(account).then((h) => {
        if (live) setMessages(h);
      });
    load();
    const off = client.on('dm', (m) => {
      if (toHex(m.with) === hex) load();
    });
    return () => {
      live = false;
      off();
    };
  }, [client, account, hex]);
  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (client === undefined || text === '' || busy) return;
    setBusy(true);
    setError(undefined);
    client.sendDm(account, text).then(
      async () => {
        setDraft('');
        setBusy(false);
        setMessages(await client.dmHistory(account));
      },
      (err: unknown) => {
        setBusy(false);
        setError((err as Error).message);
      },
    );
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
      data-testid="dm-dialog"
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg bg-[#313338] p-0 text-[#dbdee1] shadow-2xl backdrop:bg-black/70"
    >
      <div className="flex items-center justify-between border-b border-[#1e1f22] px-4 py-3">
        <h2 id={titleId} className="text-lg font-bold text-white">
          Direct messages with {name}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className="rounded px-2 py-1 text-sm text-[#dbdee1] hover:bg-[#404249] focus:outline-none focus:ring-2 focus:ring-white"
        >
          Close
        </button>
      </div>
      <p className="px-4 pt-2 text-xs text-[#b5bac1]">
        End-to-end encrypted to {name}&apos;s devices and your other devices. Who writes to whom, and when, is visible to the community&apos;s hubs and members.
      </p>
      <ol data-testid="dm-messages" aria-label={`Messages with ${name}`} className="max-h-80 min-h-24 space-y-2 overflow-y-auto px-4 py-3">
        {messages.length === 0 && <li className="text-sm text-[#b5bac1]">No messages yet.</li>}
        {messages.map((m) => (
          <li key={m.id} data-testid="dm-message" data-outgoing={m.outgoing} className={m.outgoing ? 'text-right' : ''}>
            <span className="block text-xs text-[#b5bac1]">{m.outgoing ? 'You' : name}</span>
            <span
              className={`inline-block whitespace-pre-wrap rounded px-2 py-1 text-sm ${m.outgoing ? 'bg-[#4752c4] text-white' : 'bg-[#1e1f22] text-[#dbdee1]'}`}
            >
              {m.text}
            </span>
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="flex gap-2 border-t border-[#1e1f22] px-4 py-3">
        <label className="sr-only" htmlFor={`${titleId}-box`}>
          Message {name}
        </label>
        <input
          id={`${titleId}-box`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          maxLength={4000}
          className="min-w-0 flex-1 rounded bg-[#383a40] px-3 py-2 text-sm text-[#dbdee1] placeholder:text-[#949ba4] focus:outline-none focus:ring-2 focus:ring-white"
          placeholder={`Message ${name}`}
        />
        <button
          type="submit"
          disabled={busy || draft.trim() === ''}
          className="rounded bg-[#4752c4] px-4 py-2 text-sm font-semibold text-white focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-60"
        >
          Send
        </button>
      </form>
      {error !== undefined && (
        <p role="alert" className="px-4 pb-3 text-sm text-red-300">
          {error}
        </p>
      )}
    </dialog>
  );
};
