/**
 * What the server tells the page at request time: the hubs to bootstrap from (`PARLEY_BOOTSTRAP`,
 * comma-separated multiaddrs ending in /p2p/<peer id>) and the directory indexer whose search API
 * the Discover page reads (`PARLEY_INDEXER`, an origin such as `https://index.example.org` or
 * `http://127.0.0.1:8090`; unset or invalid: no directory). When every hub is on loopback the portal
 * is a local deployment (`npm start`, tests) and the browser node may dial 127.0.0.1, which libp2p's
 * default connection gater refuses; `PARLEY_LOOPBACK=0|1` overrides the guess.
 */
export interface PortalConfig {
  readonly bootstrap: readonly string[];
  readonly allowLoopback: boolean;
  /** Origin of the indexer's search API (`scheme://host[:port]`), or undefined when none is configured. */
  readonly indexer: string | undefined;
}

const LOOPBACK = /^\/(ip4\/127\.|ip6\/::1\/|dns4?\/localhost\/)/;

/**
 * `scheme://host[:port]` of an indexer URL: https anywhere, http only on loopback (a page served
 * over https cannot call an http API, and a plain-text directory elsewhere could be rewritten in
 * transit). A path, query, fragment or user info makes it invalid: the portal appends /v1/... itself.
 */
export const indexerOrigin = (raw: string | undefined): string | undefined => {
  const s = raw?.trim() ?? '';
  if (s === '' || s.length > 256) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '' || (u.pathname !== '/' && u.pathname !== '')) return undefined;
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return undefined;
  return u.origin;
};

export const portalConfig = (env: Readonly<Record<string, string | undefined>> = process.env): PortalConfig => {
  const bootstrap = (env.PARLEY_BOOTSTRAP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('/') && s.includes('/p2p/') && s.length < 512)
    .slice(0, 8);
  const flag = env.PARLEY_LOOPBACK;
  const allowLoopback = flag === '1' ? true : flag === '0' ? false : bootstrap.length > 0 && bootstrap.every((a) => LOOPBACK.test(a));
  return { bootstrap, allowLoopback, indexer: indexerOrigin(env.PARLEY_INDEXER) };
};
