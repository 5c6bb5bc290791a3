import { PortalApp } from '../components/portal-app.tsx';
import { portalConfig } from '../lib/portal-config.ts';

// The hubs are read from the environment per request, not baked into the build.
export const dynamic = 'force-dynamic';

export default function Home() {
  return <PortalApp config={portalConfig()} />;
}
