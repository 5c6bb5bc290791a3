'use client';
import type { ChannelInfo } from '@parley/protocol';
import { useState } from 'react';
import { ChannelForm } from './channel-form.tsx';
import { LockIcon, PencilIcon } from './icons.tsx';
import { InlineConfirm } from './inline-confirm.tsx';

/**
 * One text channel in the list: a lock in place of the # when it is private, bold with a pip when
 * unread; for those who manage channels a pencil that opens renaming, and there its permissions and
 * deleting (after an inline confirmation).
 */
export const ChannelRow = ({
  channel: c,
  active,
  unread,
  canManage,
  onSelect,
  onRename,
  onDelete,
  onPermissions,
}: {
  channel: ChannelInfo;
  active: boolean;
  unread: boolean;
  canManage: boolean;
  onSelect: () => void;
  onRename: (name: string) => Promise<void>;
  onDelete: () => Promise<void>;
  onPermissions: () => void;
}) => {
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  if (renaming)
    return (
      <li>
        {deleting ? (
          <InlineConfirm
            question={`Delete #${c.name}?`}
            shown={`Delete #${c.name} and its messages for everyone?`}
            confirmLabel="Delete channel"
            stacked
            onConfirm={() => {
              setError(undefined);
              onDelete().catch((e: unknown) => setError((e as Error).message));
            }}
            onCancel={() => setDeleting(false)}
            className="gap-2 rounded bg-[#1e1f22] p-2 text-sm"
          >
            {error !== undefined && (
              <p role="alert" className="basis-full text-xs text-red-300">
                {error}
              </p>
            )}
          </InlineConfirm>
        ) : (
          <div className="mb-1 flex justify-between px-2">
            <button type="button" onClick={onPermissions} className="text-xs text-[#00a8fc] hover:underline focus:outline-none focus:ring-2 focus:ring-white">
              Permissions…
            </button>
            <button
              type="button"
              onClick={() => setDeleting(true)}
              className="text-xs text-[#fa777c] hover:underline focus:outline-none focus:ring-2 focus:ring-white"
            >
              Delete #{c.name}…
            </button>
          </div>
        )}
        <ChannelForm
          label={`Rename #${c.name}`}
          initial={c.name}
          submitText="Save"
          onSubmit={async (name) => {
            await onRename(name);
            setRenaming(false);
          }}
          onCancel={() => setRenaming(false)}
        />
      </li>
    );
  return (
    <li className="group relative flex items-center">
      {unread && <span aria-hidden="true" className="absolute top-1/2 -left-2 h-2 w-1 -translate-y-1/2 rounded-r bg-white" />}
      <button
        type="button"
        aria-current={active ? 'page' : undefined}
        data-unread={unread}
        onClick={onSelect}
        className={`min-w-0 flex-1 truncate rounded px-2 py-1.5 text-left focus:outline-none focus:ring-2 focus:ring-white ${
          active ? 'bg-[#404249] text-white' : unread ? 'font-semibold text-white hover:bg-[#35373c]' : 'text-[#b5bac1] hover:bg-[#35373c] hover:text-[#dbdee1]'
        } ${canManage ? 'pr-8' : ''}`}
      >
        {c.acl === undefined ? (
          <span aria-hidden="true" className="mr-1.5 text-[#949ba4]">
            #
          </span>
        ) : (
          <span data-testid="private-channel" className="mr-1 inline-flex translate-y-0.5 text-[#949ba4] [&>svg]:h-4 [&>svg]:w-4">
            <LockIcon />
            <span className="sr-only">private channel </span>
          </span>
        )}
        {c.name}
        {unread && <span className="sr-only">, unread messages</span>}
      </button>
      {canManage && (
        <button
          type="button"
          aria-label={`Rename #${c.name}`}
          title="Rename channel"
          onClick={() => setRenaming(true)}
          className={`absolute right-1 flex h-6 w-6 items-center justify-center rounded text-[#b5bac1] hover:text-white focus:opacity-100 focus:outline-none focus:ring-2 focus:ring-white group-hover:opacity-100 ${
            active ? 'opacity-100' : 'opacity-0'
          }`}
        >
          <PencilIcon />
        </button>
      )}
    </li>
  );
};
