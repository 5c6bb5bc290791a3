/** Prometheus metrics (prom-client) behind the core's HubMetrics port. */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { HubMetrics, RejectReason } from './ports.ts';

export interface PromMetrics extends HubMetrics {
  readonly registry: Registry;
}

export const promMetrics = (): PromMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_hub_' });
  const peers = new Gauge({ name: 'parley_hub_peers', help: 'Connected libp2p peers', registers: [registry] });
  const rooms = new Gauge({ name: 'parley_hub_rooms', help: 'Rooms this hub serves', registers: [registry] });
  const stored = new Counter({
    name: 'parley_hub_objects_stored_total',
    help: 'Objects newly stored, by type (rate() of it is the ingest rate)',
    labelNames: ['type'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'parley_hub_rejections_total',
    help: 'Objects or requests refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const sessions = new Counter({ name: 'parley_hub_sync_sessions_total', help: 'Sync sessions, by kind', labelNames: ['kind'], registers: [registry] });
  return {
    registry,
    stored: (type, n) => stored.inc({ type }, n),
    rejected: (reason: RejectReason, n = 1) => rejected.inc({ reason }, n),
    syncSession: (kind) => sessions.inc({ kind }),
    setPeers: (n) => peers.set(n),
    setRooms: (n) => rooms.set(n),
  };
};
