'use client';
/**
 * Who is in each voice channel of a room, heard from the channels' signed announcements (the client
 * checked each against the room's members), whether or not this person is in a call: what the
 * channel list shows under a voice channel, as Discord does. Someone silent for 10 s has left.
 */
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import { type Participant, Roster } from '@parley/voice';
import { useEffect, useRef, useState } from 'react';

const TIMEOUT_MS = 10_000;

export const useVoicePresence = (client: ParleyClient | undefined, roomHex: string): ReadonlyMap<string, readonly Participant[]> => {
  const rosters = useRef(new Map<string, Roster>());
  const [shown, setShown] = useState<ReadonlyMap<string, readonly Participant[]>>(new Map());
  useEffect(() => {
    rosters.current = new Map();
    setShown(new Map());
    if (client === undefined) return;
    const publish = () => setShown(new Map([...rosters.current].map(([ch, r]) => [ch, r.list()] as const)));
    const off = client.on('voice', (e) => {
      if (toHex(e.room) !== roomHex) return;
      const ch = toHex(e.channel);
      let r = rosters.current.get(ch);
      if (r === undefined) rosters.current.set(ch, (r = new Roster(TIMEOUT_MS)));
      const before = r.get(toHex(e.signal.device));
      r.apply(e.signal, Date.now());
      const after = r.get(toHex(e.signal.device));
      if (before?.sessionHex !== after?.sessionHex || before?.flags !== after?.flags) publish();
    });
    const sweep = setInterval(() => {
      let changed = false;
      for (const r of rosters.current.values()) if (r.expire(Date.now()).length > 0) changed = true;
      if (changed) publish();
    }, 2000);
    return () => {
      off();
      clearInterval(sweep);
    };
  }, [client, roomHex]);
  return shown;
};
