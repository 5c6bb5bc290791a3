'use client';
/** Connection health for the indicator, read every 2 s from the client's connection paths (see health.ts). */
import type { ParleyClient } from '@parley/client';
import { useEffect, useState } from 'react';
import { EMPTY_HEALTH, type Health, summarizeHealth } from './health.ts';

export type { Health } from './health.ts';

export const useHealth = (client: ParleyClient | undefined, bootstrap: readonly string[]): Health => {
  const [health, setHealth] = useState<Health>(EMPTY_HEALTH);
  useEffect(() => {
    if (client === undefined) return;
    const hubs = bootstrap.map((a) => a.split('/p2p/')[1] ?? '');
    let live = true;
    const tick = () => {
      void client
        .connectionPaths()
        .then((paths) => {
          if (live) setHealth(summarizeHealth(paths, hubs, { online: globalThis.navigator?.onLine ?? true, relayOnly: client.relayOnly }));
        })
        .catch(() => undefined);
    };
    tick();
    const t = setInterval(tick, 2000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, bootstrap]);
  return health;
};
