/**
 * The hub's configuration from flags and environment variables (a flag wins over its variable).
 * Every option is listed in OPTIONS, which also writes `parley-hub --help`. Bad values throw
 * ConfigError naming the flag and the variable.
 */
import { DEFAULT_LIMITS } from './hub.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

export interface HubConfig {
  readonly listen: readonly string[];
  readonly announce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly http: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly storage: boolean;
  readonly relay: boolean;
  /** List the rooms that pin this hub and opted into the directory (PROTOCOL 8.5). */
  readonly listings: boolean;
  readonly identityFile: string | undefined;
  readonly adminToken: string | undefined;
  readonly turnSecret: string | undefined;
  readonly turnUrls: readonly string[];
  readonly turnTtlS: number;
  readonly maxObjectBytes: number;
  readonly roomQuotaBytes: number;
  readonly roomFileQuotaBytes: number;
  readonly maxGossipInFlight: number;
  readonly maxConnections: number;
  readonly verifyWorkers: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly testMode: boolean;
  readonly help: boolean;
}

type Kind = 'list' | 'string' | 'int' | 'bool' | 'hostport' | 'level';

interface Option {
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly def: string;
  readonly doc: string;
}

export const OPTIONS: readonly Option[] = [
  { flag: 'listen', env: 'PARLEY_HUB_LISTEN', kind: 'list', def: '/ip4/0.0.0.0/tcp/4001/ws', doc: 'libp2p multiaddrs to listen on (comma-separated)' },
  {
    flag: 'announce',
    env: 'PARLEY_HUB_ANNOUNCE',
    kind: 'list',
    def: '',
    doc: 'multiaddrs to announce instead (behind a proxy: /dns4/hub.example/tcp/443/wss)',
  },
  { flag: 'bootstrap', env: 'PARLEY_HUB_BOOTSTRAP', kind: 'list', def: '', doc: 'other hubs to dial (multiaddrs ending in /p2p/<id>, or /dnsaddr/<domain>)' },
  { flag: 'http', env: 'PARLEY_HUB_HTTP', kind: 'hostport', def: '127.0.0.1:8080', doc: 'host:port of /healthz, /readyz, /metrics and the admin API' },
  { flag: 'data-dir', env: 'PARLEY_HUB_DATA_DIR', kind: 'string', def: './data/hub', doc: 'embedded PGlite database and the identity file live here' },
  { flag: 'database-url', env: 'DATABASE_URL', kind: 'string', def: '', doc: 'Postgres URL; when set the hub stores there instead of PGlite' },
  { flag: 'no-storage', env: 'PARLEY_HUB_NO_STORAGE', kind: 'bool', def: 'false', doc: 'bare bootstrap + relay + DHT peer: stores and serves no rooms' },
  { flag: 'no-relay', env: 'PARLEY_HUB_NO_RELAY', kind: 'bool', def: 'false', doc: 'do not offer circuit relay reservations' },
  {
    flag: 'no-listings',
    env: 'PARLEY_HUB_NO_LISTINGS',
    kind: 'bool',
    def: 'false',
    doc: 'do not publish directory listings for public rooms that pin this hub (each costs a proof of work, ~2 s of CPU, per hour)',
  },
  {
    flag: 'identity-file',
    env: 'PARLEY_HUB_IDENTITY_FILE',
    kind: 'string',
    def: '',
    doc: 'file with the 32-byte libp2p key seed (default <data-dir>/identity.key, created 0600)',
  },
  { flag: 'admin-token', env: 'PARLEY_HUB_ADMIN_TOKEN', kind: 'string', def: '', doc: 'bearer token of the admin API (admin API refused when unset)' },
  { flag: 'turn-secret', env: 'PARLEY_HUB_TURN_SECRET', kind: 'string', def: '', doc: 'coturn static-auth-secret; enables TURN credential minting' },
  {
    flag: 'turn-urls',
    env: 'PARLEY_HUB_TURN_URLS',
    kind: 'list',
    def: '',
    doc: 'TURN URLs handed out with credentials (turn:turn.example:3478?transport=udp,...)',
  },
  { flag: 'turn-ttl', env: 'PARLEY_HUB_TURN_TTL', kind: 'int', def: '600', doc: 'lifetime of a minted TURN credential (s)' },
  {
    flag: 'max-object-bytes',
    env: 'PARLEY_HUB_MAX_OBJECT_BYTES',
    kind: 'int',
    def: String(DEFAULT_LIMITS.maxObjectBytes),
    doc: 'largest object stored (bytes)',
  },
  {
    flag: 'room-quota-bytes',
    env: 'PARLEY_HUB_ROOM_QUOTA_BYTES',
    kind: 'int',
    def: String(DEFAULT_LIMITS.roomQuotaBytes),
    doc: 'bytes kept per room; the oldest messages are evicted beyond',
  },
  {
    flag: 'room-file-quota-bytes',
    env: 'PARLEY_HUB_ROOM_FILE_QUOTA_BYTES',
    kind: 'int',
    def: String(DEFAULT_LIMITS.roomFileQuotaBytes),
    doc: 'bytes of shared files kept per room; a new file beyond is refused',
  },
  {
    flag: 'max-gossip-in-flight',
    env: 'PARLEY_HUB_MAX_GOSSIP_IN_FLIGHT',
    kind: 'int',
    def: String(DEFAULT_LIMITS.maxGossipInFlight),
    doc: 'gossip objects validated at once; beyond, gossip is ignored and arrives by sync',
  },
  { flag: 'max-connections', env: 'PARLEY_HUB_MAX_CONNECTIONS', kind: 'int', def: '1000', doc: 'libp2p connection limit' },
  { flag: 'verify-workers', env: 'PARLEY_HUB_VERIFY_WORKERS', kind: 'int', def: '1', doc: 'signature verification worker threads' },
  { flag: 'log-level', env: 'PARLEY_HUB_LOG_LEVEL', kind: 'level', def: 'info', doc: 'debug, info, warn, error or silent' },
  { flag: 'test-mode', env: 'PARLEY_HUB_TEST_MODE', kind: 'bool', def: 'false', doc: 'loopback allowances for tests on 127.0.0.1 (never in production)' },
  { flag: 'help', env: '', kind: 'bool', def: 'false', doc: 'print this help' },
];

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export const helpText = (): string => {
  const lines = [
    'parley-hub: a Parley hub (bootstrap peer, circuit relay, DHT server, ciphertext store and sync for pinned rooms).',
    '',
    'Usage: parley-hub [options]',
    '       parley-hub admin <pin|unpin|rooms|status> [room-hex] [--http host:port] [--admin-token t]',
    '',
    'Options (flag, environment variable, default):',
  ];
  for (const o of OPTIONS) lines.push(`  --${o.flag.padEnd(18)} ${o.env.padEnd(28)} ${o.def === '' ? '-' : o.def}\n      ${o.doc}`);
  return `${lines.join('\n')}\n`;
};

const parseValue = (o: Option, raw: string): unknown => {
  const name = o.env === '' ? `--${o.flag}` : `--${o.flag} / ${o.env}`;
  switch (o.kind) {
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'string':
      if (raw.length > 4096) throw new ConfigError(name, 'value too long');
      return raw === '' ? undefined : raw;
    case 'int': {
      if (!/^[0-9]{1,15}$/.test(raw)) throw new ConfigError(name, `expected a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}`);
      return Number(raw);
    }
    case 'bool':
      if (['', 'true', '1', 'yes'].includes(raw)) return true;
      if (['false', '0', 'no'].includes(raw)) return false;
      throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw.slice(0, 40))}`);
    case 'level':
      if (!(LEVELS as readonly string[]).includes(raw)) throw new ConfigError(name, `expected one of ${LEVELS.join(', ')}`);
      return raw;
    case 'hostport': {
      const m = /^([A-Za-z0-9.\-:[\]]{1,255}):([0-9]{1,5})$/.exec(raw);
      const port = Number(m?.[2]);
      if (m === null || port > 65535) throw new ConfigError(name, `expected host:port, got ${JSON.stringify(raw.slice(0, 40))}`);
      return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
    }
  }
};

/** Parses argv (without node and the script) over env. Throws ConfigError; nothing else. */
export const parseConfig = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): HubConfig => {
  const raw = new Map<string, string>();
  for (const o of OPTIONS) {
    const v = o.env === '' ? undefined : env[o.env];
    if (v !== undefined) raw.set(o.flag, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new ConfigError(a.slice(0, 40), 'unexpected argument (options start with --)');
    const eq = a.indexOf('=');
    const flag = a.slice(2, eq === -1 ? undefined : eq);
    const o = OPTIONS.find((x) => x.flag === flag);
    if (o === undefined) throw new ConfigError(`--${flag.slice(0, 40)}`, 'unknown option (see --help)');
    if (eq !== -1) raw.set(flag, a.slice(eq + 1));
    else if (o.kind === 'bool') raw.set(flag, 'true');
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`--${flag}`, 'needs a value');
      raw.set(flag, next);
      i++;
    }
  }
  const get = <T>(flag: string): T => {
    const o = OPTIONS.find((x) => x.flag === flag) as Option;
    return parseValue(o, raw.get(flag) ?? o.def) as T;
  };
  const dataDir = get<string | undefined>('data-dir') ?? './data/hub';
  const turnTtlS = get<number>('turn-ttl');
  if (turnTtlS < 30 || turnTtlS > 86_400) throw new ConfigError('--turn-ttl / PARLEY_HUB_TURN_TTL', 'must be between 30 and 86400 seconds');
  const verifyWorkers = get<number>('verify-workers');
  if (verifyWorkers < 1 || verifyWorkers > 64) throw new ConfigError('--verify-workers / PARLEY_HUB_VERIFY_WORKERS', 'must be between 1 and 64');
  const adminToken = get<string | undefined>('admin-token');
  if (adminToken !== undefined && adminToken.length < 16) throw new ConfigError('--admin-token / PARLEY_HUB_ADMIN_TOKEN', 'must be at least 16 characters');
  return {
    listen: get('listen'),
    announce: get('announce'),
    bootstrap: get('bootstrap'),
    http: get('http'),
    dataDir,
    databaseUrl: get('database-url'),
    storage: !get<boolean>('no-storage'),
    relay: !get<boolean>('no-relay'),
    listings: !get<boolean>('no-listings'),
    identityFile: get('identity-file'),
    adminToken,
    turnSecret: get('turn-secret'),
    turnUrls: get('turn-urls'),
    turnTtlS,
    maxObjectBytes: get('max-object-bytes'),
    roomQuotaBytes: get('room-quota-bytes'),
    roomFileQuotaBytes: get('room-file-quota-bytes'),
    maxGossipInFlight: get('max-gossip-in-flight'),
    maxConnections: get('max-connections'),
    verifyWorkers,
    logLevel: get('log-level'),
    testMode: get('test-mode'),
    help: get('help'),
  };
};
