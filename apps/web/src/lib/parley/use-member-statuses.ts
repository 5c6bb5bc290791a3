'use client';
/**
 * Who is online or idle in a room (PROTOCOL 5.8): the client's book, refreshed on every 'status'
 * event and swept every 10 s (a member whose signals stop drops to offline after 75 s).
 */
import type { ParleyClient } from '@parley/client';
import { fromHex, type MemberStatus, toHex } from '@parley/protocol';
import { useEffect, useState } from 'react';

const SWEEP_MS = 10_000;

const read = (client: ParleyClient, roomHex: string): ReadonlyMap<string, MemberStatus> => {
  try {
    return client.memberStatuses(fromHex(roomHex));
  } catch {
    return new Map(); // the room is not open (yet)
  }
};

const same = (a: ReadonlyMap<string, MemberStatus>, b: ReadonlyMap<string, MemberStatus>): boolean =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export const useMemberStatuses = (client: ParleyClient | undefined, roomHex: string): ReadonlyMap<string, MemberStatus> => {
  const [statuses, setStatuses] = useState<ReadonlyMap<string, MemberStatus>>(new Map());
  useEffect(() => {
    if (client === undefined) return;
    const refresh = () =>
      setStatuses((prev) => {
        const next = read(client, roomHex);
        return same(prev, next) ? prev : next;
      });
    refresh();
    const off = client.on('status', (e) => {
      if (toHex(e.room) === roomHex) refresh();
    });
    const sweep = setInterval(refresh, SWEEP_MS);
    return () => {
      off();
      clearInterval(sweep);
    };
  }, [client, roomHex]);
  return statuses;
};
