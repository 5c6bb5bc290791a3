/**
 * The portal's health line outside the portal, for the connectivity suite (tests/connectivity): the
 * real `useHealth` hook and `HealthLine` component, rendered with React into a page whose ParleyClient
 * the suite's page script made (`globalThis.__parleyClient`), so a test reads what the indicator says
 * about each path without building the whole app.
 */
import type { ParleyClient } from '@parley/client';
import { createRoot } from 'react-dom/client';
import { HealthLine } from '../src/components/room/health-indicator.tsx';
import { useHealth } from '../src/lib/parley/use-health.ts';

const Probe = ({ client, hubs }: { client: ParleyClient; hubs: readonly string[] }) => <HealthLine health={useHealth(client, hubs)} />;

(globalThis as unknown as { mountHealth: (hub: string) => void }).mountHealth = (hub: string) => {
  const client = (globalThis as unknown as { __parleyClient?: ParleyClient }).__parleyClient;
  if (client === undefined) throw new Error('no client started in this page');
  const el = document.createElement('div');
  document.body.append(el);
  createRoot(el).render(<Probe client={client} hubs={[hub]} />);
};
