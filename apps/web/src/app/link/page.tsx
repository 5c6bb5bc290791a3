import { PortalApp } from '../../components/portal-app.tsx';
import { portalConfig } from '../../lib/portal-config.ts';

export const dynamic = 'force-dynamic';

/** `/link#<code>`: makes this browser another device of an account; the code stays in the fragment, which the browser never sends to this server. */
export default function Link() {
  return <PortalApp config={portalConfig()} linkFromFragment />;
}
