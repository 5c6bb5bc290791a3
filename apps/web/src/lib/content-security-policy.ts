/**
 * The portal's Content-Security-Policy: scripts only from this origin, each page's inline scripts
 * by a per-request nonce ('strict-dynamic' lets the chunks they load run), WebSocket connections
 * only to the hubs the portal names, HTTP requests only to this origin and the directory indexer it
 * names (PARLEY_INDEXER), no framing, no plugins. Style attributes stay allowed: avatar
 * colours are inline styles.
 */

/** `ws://host:port` / `wss://host:port` of a hub multiaddr (`/ip4|ip6|dns4|dns6|dns/<host>/tcp/<port>/ws|wss/...`), else undefined. */
export const wsOrigin = (addr: string): string | undefined => {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/([0-9]{1,5})\/(wss|tls\/ws|ws)(\/|$)/.exec(addr);
  if (m === null) return undefined;
  const host = m[1] === 'ip6' ? `[${m[2]}]` : m[2];
  const scheme = m[4] === 'ws' ? 'ws' : 'wss';
  return `${scheme}://${host}:${m[3]}`;
};

/**
 * Which multiaddrs a page under this policy may dial: a WebSocket only to one of the hubs (the
 * origins connect-src names); anything else that is not a WebSocket (WebRTC, a circuit through an
 * allowed hub is a WebSocket to that hub). Without it the browser node tries peers' own ws
 * addresses, the CSP blocks them, and the page logs violations.
 */
export const dialAllowed = (hubs: readonly string[]): ((addr: string) => boolean) => {
  const allowed = new Set(hubs.map(wsOrigin).filter((o): o is string => o !== undefined));
  return (addr) => {
    const o = wsOrigin(addr);
    if (o !== undefined) return allowed.has(o);
    // A WebSocket address in a form wsOrigin does not read: refuse it rather than let the CSP.
    return !/\/(ws|wss|tls\/ws)(\/|$)/.test(addr);
  };
};

export const contentSecurityPolicy = (nonce: string, hubs: readonly string[], dev = false, indexer?: string): string => {
  const connect = [...new Set([...hubs.map(wsOrigin), indexer].filter((o): o is string => o !== undefined))];
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // blob: for attachments decrypted in the tab (img only; no data: URLs, nothing from elsewhere).
    "img-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
};
