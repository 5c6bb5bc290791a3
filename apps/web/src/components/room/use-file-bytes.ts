'use client';
/**
 * A message's file, fetched from the peers and hubs that hold it, verified and decrypted in this tab
 * (client.fetchFile): its progress, its bytes once whole, and an error to retry after. Nothing
 * plaintext leaves the browser; the bytes stay in this component's memory.
 */
import { fromHex } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useParley } from '../../lib/parley/provider.tsx';

export type FileState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly done: number; readonly peers: number; readonly bytesPerSecond: number }
  | { readonly kind: 'ready'; readonly bytes: Uint8Array }
  | { readonly kind: 'failed'; readonly error: string };

export const useFileBytes = (roomHex: string, messageHex: string, auto: boolean) => {
  const { client } = useParley();
  const [state, setState] = useState<FileState>({ kind: 'idle' });
  const abort = useRef<AbortController | undefined>(undefined);
  const bytes = useRef<Uint8Array | undefined>(undefined);

  const load = useCallback(async (): Promise<Uint8Array | undefined> => {
    if (bytes.current !== undefined) return bytes.current;
    if (client === undefined || abort.current !== undefined) return undefined;
    const a = new AbortController();
    abort.current = a;
    setState({ kind: 'loading', done: 0, peers: 0, bytesPerSecond: 0 });
    try {
      const b = await client.fetchFile(fromHex(roomHex), fromHex(messageHex), {
        signal: a.signal,
        onProgress: (p) => setState({ kind: 'loading', done: p.total === 0 ? 0 : p.bytes / p.total, peers: p.peers.length, bytesPerSecond: p.bytesPerSecond }),
      });
      bytes.current = b;
      setState({ kind: 'ready', bytes: b });
      return b;
    } catch (e) {
      setState(a.signal.aborted ? { kind: 'idle' } : { kind: 'failed', error: (e as Error).message });
      return undefined;
    } finally {
      abort.current = undefined;
    }
  }, [client, roomHex, messageHex]);

  const cancel = useCallback(() => abort.current?.abort(), []);

  // Shown without a click once (a failure waits for Retry, not for the next render).
  const tried = useRef(false);
  useEffect(() => {
    if (!auto || tried.current || client === undefined) return;
    tried.current = true;
    void load();
  }, [auto, load, client]);
  useEffect(
    () => () => {
      tried.current = false;
      abort.current?.abort();
    },
    [],
  );

  return { state, load, cancel };
};

/** Hands bytes to the browser's downloads as `name`, never rendered here (application/octet-stream). */
export const saveBytes = (bytes: Uint8Array, name: string): void => {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};
