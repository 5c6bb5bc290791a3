/**
 * Child process of bench/hub-load.bench.ts: one real hub (createHubCore: libp2p node, verify
 * workers, PGlite or Postgres store) serving the bench rooms, and an event-loop delay monitor over
 * the measured phase. Controlled over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHubCore, type Hub, type HubStorage, NO_METRICS } from '@parley/hub';
import { fromHex } from '@parley/protocol';

export type ToHub =
  | { cmd: 'init'; storage: HubStorage; rooms: string[] }
  | { cmd: 'measure' }
  | { cmd: 'count'; rooms: string[] }
  | { cmd: 'report'; rooms: string[] }
  | { cmd: 'stop' };

export type FromHub =
  | { type: 'inited'; addr: string; peerId: string }
  | { type: 'measuring' }
  | { type: 'count'; stored: number }
  | { type: 'report'; stallMaxMs: number; stallP99Ms: number; stored: Record<string, number>; rejected: number; cpuMs: number }
  | { type: 'error'; message: string };

const send = (m: FromHub): void => {
  process.send?.(m);
};

let hub: Hub | undefined;
const eld = monitorEventLoopDelay({ resolution: 1 });
let rejected = 0;
let cpuAt = process.cpuUsage();

const init = async (m: Extract<ToHub, { cmd: 'init' }>): Promise<void> => {
  hub = await createHubCore({
    storage: m.storage,
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    testMode: true,
    verifyWorkers: 1,
    syncIntervalMs: 600_000,
    metrics: { ...NO_METRICS, rejected: (_reason, n = 1) => void (rejected += n) },
  });
  await hub.start();
  for (const r of m.rooms) await hub.pinRoom(fromHex(r));
  const addr = hub.node.multiaddrs().find((a) => a.includes('/ws/'));
  if (addr === undefined) throw new Error('hub has no ws address');
  send({ type: 'inited', addr, peerId: hub.node.peerId });
};

const storedIn = async (rooms: string[]): Promise<Record<string, number>> => {
  const stored: Record<string, number> = {};
  for (const r of rooms) stored[r] = (await (hub as Hub).store?.usage(fromHex(r)))?.count ?? 0;
  return stored;
};

const report = async (rooms: string[]): Promise<void> => {
  eld.disable();
  const cpu = process.cpuUsage(cpuAt);
  const stored = await storedIn(rooms);
  send({ type: 'report', stallMaxMs: eld.max / 1e6, stallP99Ms: eld.percentile(99) / 1e6, stored, rejected, cpuMs: (cpu.user + cpu.system) / 1000 });
};

process.on('message', (m: ToHub) => {
  const handle = async (): Promise<void> => {
    switch (m.cmd) {
      case 'init':
        return init(m);
      case 'measure':
        eld.reset();
        eld.enable();
        cpuAt = process.cpuUsage();
        rejected = 0;
        return send({ type: 'measuring' });
      case 'count':
        return send({ type: 'count', stored: Object.values(await storedIn(m.rooms)).reduce((a, b) => a + b, 0) });
      case 'report':
        return report(m.rooms);
      case 'stop':
        await hub?.stop();
        process.exit(0);
    }
  };
  handle().catch((e: unknown) => send({ type: 'error', message: (e as Error)?.stack ?? String(e) }));
});
process.on('disconnect', () => process.exit(0));
