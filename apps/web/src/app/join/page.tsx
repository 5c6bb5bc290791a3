import { PortalApp } from '../../components/portal-app.tsx';
import { portalConfig } from '../../lib/portal-config.ts';

export const dynamic = 'force-dynamic';

/** `/join#<invite>`: the invite stays in the fragment, which the browser never sends to this server. */
export default function Join() {
  return <PortalApp config={portalConfig()} joinFromFragment />;
}
