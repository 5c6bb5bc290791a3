'use client';
/**
 * A message's file. An image (by its claimed type, small enough) is fetched at once and shown
 * inline from a blob: URL once its decrypted bytes really start like PNG, JPEG, GIF or WebP; the
 * sender's thumbnail stands in while it loads. Anything else (SVG included) is a card with name,
 * size and a Download button; downloads are handed over as application/octet-stream, never opened.
 * A file the room's file rules refuse now (PROTOCOL 12.5; they may have changed since it was sent)
 * is a card that says why, with nothing to fetch: the client would refuse the download anyway.
 */
import type { FileRef } from '@parley/protocol';
import { thumbnailType } from '@parley/protocol';
import { useEffect, useMemo, useState } from 'react';
import { AUTO_PREVIEW_BYTES, formatBytes, looksLikeImage, previewType } from '../../lib/parley/attachments.ts';
import { ruleProblem } from '../../lib/parley/file-rules.ts';
import { openRoomState } from '../../lib/parley/open-room-state.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { FileIcon } from './icons.tsx';
import { type FileState, saveBytes, useFileBytes } from './use-file-bytes.ts';

/** A blob: URL for bytes of an image type, revoked when they change or the component goes. */
const useBlobUrl = (bytes: Uint8Array | undefined, type: string | undefined): string | undefined => {
  const url = useMemo(
    () => (bytes === undefined || type === undefined ? undefined : URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }))),
    [bytes, type],
  );
  useEffect(() => () => (url === undefined ? undefined : URL.revokeObjectURL(url)), [url]);
  return url;
};

const Progress = ({ state, name }: { state: FileState; name: string }) =>
  state.kind !== 'loading' ? null : (
    <span className="flex items-center gap-2 text-xs text-[#b5bac1]">
      <progress aria-label={`Downloading ${name}`} max={1} value={state.done} className="h-1.5 w-32 accent-[#5865f2]" />
      {Math.round(state.done * 100)}%
      {state.peers > 0 ? ` · ${formatBytes(Math.round(state.bytesPerSecond))}/s from ${state.peers} ${state.peers === 1 ? 'peer' : 'peers'}` : ''}
    </span>
  );

const buttonClass = 'rounded bg-[#4e5058] px-3 py-1 text-sm font-medium text-white hover:bg-[#6d6f78] focus:outline-none focus:ring-2 focus:ring-white';

/** A file the room's rules refuse: name, size and type, and why, with no Download. */
const Refused = ({ file, why }: { file: FileRef; why: string }) => (
  <div data-testid="attachment" data-refused="true" className="mt-1 flex max-w-md items-center gap-3 rounded-lg border border-black/30 bg-[#2b2d31] p-3">
    <span className="text-[#b5bac1] [&>svg]:h-8 [&>svg]:w-8">
      <FileIcon />
    </span>
    <div className="min-w-0 flex-1">
      <p data-testid="attachment-name" className="truncate font-medium text-[#dbdee1]">
        {file.name}
      </p>
      <p className="text-xs text-[#b5bac1]">
        {formatBytes(file.size)} · {file.type}
      </p>
      <p data-testid="attachment-refused" className="text-xs text-[#f0b232]">
        Not fetched: the community’s file rules refuse it. {why}
      </p>
    </div>
  </div>
);

export const Attachment = ({ roomHex, messageHex, file }: { roomHex: string; messageHex: string; file: FileRef }) => {
  const { client } = useParley();
  const refused = ruleProblem(openRoomState(client, roomHex)?.policy().files, file);
  return refused === undefined ? <Shared roomHex={roomHex} messageHex={messageHex} file={file} /> : <Refused file={file} why={refused} />;
};

const Shared = ({ roomHex, messageHex, file }: { roomHex: string; messageHex: string; file: FileRef }) => {
  const image = looksLikeImage(file.type) && file.size <= AUTO_PREVIEW_BYTES;
  const f = useFileBytes(roomHex, messageHex, image);
  const [saving, setSaving] = useState(false);
  const bytes = f.state.kind === 'ready' ? f.state.bytes : undefined;
  const shownType = bytes === undefined ? undefined : previewType(bytes);
  const url = useBlobUrl(image ? bytes : undefined, shownType);
  const thumbUrl = useBlobUrl(
    image && url === undefined ? file.thumbnail : undefined,
    file.thumbnail === undefined ? undefined : thumbnailType(file.thumbnail),
  );

  const download = async () => {
    setSaving(true);
    const b = await f.load();
    setSaving(false);
    if (b !== undefined) saveBytes(b, file.name);
  };

  if (image && (url !== undefined || (f.state.kind !== 'ready' && f.state.kind !== 'failed'))) {
    return (
      <figure data-testid="attachment" data-thumbnail={file.thumbnail !== undefined} className="mt-1 flex max-w-md flex-col items-start gap-1">
        {url !== undefined ? (
          // biome-ignore lint/performance/noImgElement: bytes decrypted in this tab, shown from a blob: URL; next/image would route them through the server
          <img data-testid="attachment-image" src={url} alt={file.name} className="max-h-80 max-w-full rounded-lg" />
        ) : thumbUrl !== undefined ? (
          // biome-ignore lint/performance/noImgElement: the sender's thumbnail from a blob: URL (see above)
          <img src={thumbUrl} alt={`${file.name} (preview, loading)`} className="max-h-80 max-w-full rounded-lg opacity-70 blur-[1px]" />
        ) : (
          <div className="flex h-32 w-48 items-center justify-center rounded-lg bg-[#2b2d31] text-sm text-[#b5bac1]">Loading image…</div>
        )}
        <figcaption className="flex items-center gap-2 text-xs text-[#b5bac1]">
          <span className="truncate">
            {file.name} · {formatBytes(file.size)}
          </span>
          {url !== undefined && bytes !== undefined && (
            <button
              type="button"
              onClick={() => saveBytes(bytes, file.name)}
              className="underline hover:text-white focus:outline-none focus:ring-2 focus:ring-white"
            >
              Download
            </button>
          )}
          <Progress state={f.state} name={file.name} />
        </figcaption>
      </figure>
    );
  }

  return (
    <div data-testid="attachment" className="mt-1 flex max-w-md items-center gap-3 rounded-lg border border-black/30 bg-[#2b2d31] p-3">
      <span className="text-[#b5bac1] [&>svg]:h-8 [&>svg]:w-8">
        <FileIcon />
      </span>
      <div className="min-w-0 flex-1">
        <p data-testid="attachment-name" className="truncate font-medium text-[#00a8fc]">
          {file.name}
        </p>
        <p className="text-xs text-[#b5bac1]">
          {formatBytes(file.size)} · {file.type}
        </p>
        <Progress state={f.state} name={file.name} />
        {f.state.kind === 'failed' && (
          <p role="alert" className="text-xs text-red-300">
            Could not fetch it: {f.state.error}
          </p>
        )}
      </div>
      {f.state.kind === 'loading' ? (
        <button type="button" onClick={f.cancel} className={buttonClass}>
          Cancel
        </button>
      ) : (
        <button type="button" disabled={saving} onClick={() => void download()} className={buttonClass}>
          {f.state.kind === 'failed' ? 'Retry' : 'Download'}
          <span className="sr-only"> {file.name}</span>
        </button>
      )}
    </div>
  );
};
