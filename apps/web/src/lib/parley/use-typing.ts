'use client';
/**
 * Who is typing in a channel: 'typing' events from the client, each shown for TYPING_TTL_MS, or until
 * a message from that person arrives in the channel. Ephemeral: nothing is kept.
 */
import type { ParleyClient } from '@parley/client';
import { TYPING_TTL_MS, toHex } from '@parley/protocol';
import { useEffect, useState } from 'react';

export const useTyping = (client: ParleyClient | undefined, roomHex: string, channelHex: string | undefined): Uint8Array[] => {
  const [typing, setTyping] = useState<ReadonlyMap<string, { account: Uint8Array; until: number }>>(new Map());
  useEffect(() => {
    setTyping(new Map());
    if (client === undefined || channelHex === undefined) return;
    const here = (room: Uint8Array, channel: Uint8Array) => toHex(room) === roomHex && toHex(channel) === channelHex;
    const offTyping = client.on('typing', (e) => {
      if (!here(e.room, e.channel)) return;
      setTyping((m) => new Map(m).set(toHex(e.account), { account: e.account, until: Date.now() + TYPING_TTL_MS }));
    });
    const offMessage = client.on('message', (e) => {
      if (!here(e.room, e.channel)) return;
      setTyping((m) => {
        if (!m.has(toHex(e.author))) return m;
        const next = new Map(m);
        next.delete(toHex(e.author));
        return next;
      });
    });
    const sweep = setInterval(() => {
      setTyping((m) => {
        const now = Date.now();
        if ([...m.values()].every((t) => t.until > now)) return m;
        return new Map([...m].filter(([, t]) => t.until > now));
      });
    }, 1000);
    return () => {
      offTyping();
      offMessage();
      clearInterval(sweep);
    };
  }, [client, roomHex, channelHex]);
  return [...typing.values()].map((t) => t.account);
};
