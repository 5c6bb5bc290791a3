'use client';
/**
 * History arriving for a room: the client's 'progress' events (messages fetched of those a peer has
 * and this browser lacked), summed over the peers still sending. Undefined when nothing sizeable is
 * arriving: catch-ups of fewer than MIN_SHOWN messages finish before a bar would be read.
 */
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import { useEffect, useState } from 'react';

const MIN_SHOWN = 20;

export interface SyncProgress {
  readonly done: number;
  readonly total: number;
}

/** `roomHex` undefined: any room (the join screen, before the room is known here). */
export const useSyncProgress = (client: ParleyClient | undefined, roomHex: string | undefined): SyncProgress | undefined => {
  const [shown, setShown] = useState<SyncProgress | undefined>(undefined);
  useEffect(() => {
    setShown(undefined);
    if (client === undefined) return;
    const byPeer = new Map<string, SyncProgress>();
    const off = client.on('progress', (e) => {
      if (roomHex !== undefined && toHex(e.room) !== roomHex) return;
      const key = `${toHex(e.room)}/${e.peer}`;
      if (e.done >= e.total) byPeer.delete(key);
      else byPeer.set(key, { done: e.done, total: e.total });
      let done = 0;
      let total = 0;
      for (const p of byPeer.values()) {
        done += p.done;
        total += p.total;
      }
      setShown(total >= MIN_SHOWN ? { done, total } : undefined);
    });
    return off;
  }, [client, roomHex]);
  return shown;
};
