/**
 * The indexer's configuration from flags and environment variables (a flag wins over its variable).
 * Every option is listed in OPTIONS, which also writes `parley-indexer --help`. Bad values throw
 * ConfigError naming the flag and the variable.
 */
import { LISTING_DIFFICULTY, MAX_DIFFICULTY, normalizeTag, VOTE_DIFFICULTY } from '@parley/protocol';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface IndexerConfig {
  readonly listen: readonly string[];
  readonly bootstrap: readonly string[];
  readonly http: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly seeds: readonly string[];
  readonly crawlIntervalS: number;
  readonly listingDifficulty: number;
  readonly voteDifficulty: number;
  readonly rateLimit: number;
  readonly rateBurst: number;
  readonly identityFile: string | undefined;
  readonly logLevel: LogLevel;
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

export const DEFAULT_SEEDS = ['art', 'books', 'education', 'gaming', 'languages', 'music', 'science', 'social', 'sports', 'tech'];

export const OPTIONS: readonly Option[] = [
  { flag: 'listen', env: 'PARLEY_INDEXER_LISTEN', kind: 'list', def: '/ip4/0.0.0.0/tcp/4101/ws', doc: 'libp2p multiaddrs to listen on (comma-separated)' },
  {
    flag: 'bootstrap',
    env: 'PARLEY_INDEXER_BOOTSTRAP',
    kind: 'list',
    def: '',
    doc: 'hubs to join the DHT through (multiaddrs ending in /p2p/<id>, or /dnsaddr/<domain>)',
  },
  { flag: 'http', env: 'PARLEY_INDEXER_HTTP', kind: 'hostport', def: '127.0.0.1:8090', doc: 'host:port of the search API, /healthz and /metrics' },
  { flag: 'data-dir', env: 'PARLEY_INDEXER_DATA_DIR', kind: 'string', def: './data/indexer', doc: 'embedded PGlite database and the identity file live here' },
  { flag: 'database-url', env: 'DATABASE_URL', kind: 'string', def: '', doc: 'Postgres URL; when set the indexer stores there instead of PGlite' },
  {
    flag: 'seeds',
    env: 'PARLEY_INDEXER_SEEDS',
    kind: 'list',
    def: DEFAULT_SEEDS.join(','),
    doc: 'top-level tags the crawl starts from (more are found in listings)',
  },
  { flag: 'crawl-interval', env: 'PARLEY_INDEXER_CRAWL_INTERVAL', kind: 'int', def: '60', doc: 'seconds between crawl passes' },
  {
    flag: 'listing-difficulty',
    env: 'PARLEY_INDEXER_LISTING_DIFFICULTY',
    kind: 'int',
    def: String(LISTING_DIFFICULTY),
    doc: 'proof of work a listing must carry (bits)',
  },
  { flag: 'vote-difficulty', env: 'PARLEY_INDEXER_VOTE_DIFFICULTY', kind: 'int', def: String(VOTE_DIFFICULTY), doc: 'proof of work a vote must carry (bits)' },
  { flag: 'rate-limit', env: 'PARLEY_INDEXER_RATE_LIMIT', kind: 'int', def: '20', doc: 'HTTP requests per second per client IP' },
  { flag: 'rate-burst', env: 'PARLEY_INDEXER_RATE_BURST', kind: 'int', def: '40', doc: 'HTTP requests a client IP may save up' },
  {
    flag: 'identity-file',
    env: 'PARLEY_INDEXER_IDENTITY_FILE',
    kind: 'string',
    def: '',
    doc: 'file with the 32-byte libp2p key seed (default <data-dir>/identity.key, created 0600)',
  },
  { flag: 'log-level', env: 'PARLEY_INDEXER_LOG_LEVEL', kind: 'level', def: 'info', doc: 'debug, info, warn, error or silent' },
  { flag: 'test-mode', env: 'PARLEY_INDEXER_TEST_MODE', kind: 'bool', def: 'false', doc: 'loopback allowances for tests on 127.0.0.1 (never in production)' },
  { flag: 'help', env: '', kind: 'bool', def: 'false', doc: 'print this help' },
];

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export const helpText = (): string => {
  const lines = [
    'parley-indexer: crawls Parley room listings from the DHT, verifies them, and serves directory search.',
    '',
    'Usage: parley-indexer [options]',
    '',
    'HTTP: GET /v1/search?q=&tag=&lang=&sort=relevance|activity|age|votes&limit=&cursor=   GET /v1/rooms/<hex>   GET /v1/tags',
    '      POST /v1/votes (body: one VOTE frame, application/octet-stream)   GET /healthz   GET /metrics',
    '',
    'Options (flag, environment variable, default):',
  ];
  for (const o of OPTIONS) lines.push(`  --${o.flag.padEnd(20)} ${o.env.padEnd(34)} ${o.def === '' ? '-' : o.def}\n      ${o.doc}`);
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
    case 'int':
      if (!/^[0-9]{1,15}$/.test(raw)) throw new ConfigError(name, `expected a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}`);
      return Number(raw);
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

const nameOf = (flag: string): string => {
  const o = OPTIONS.find((x) => x.flag === flag) as Option;
  return o.env === '' ? `--${o.flag}` : `--${o.flag} / ${o.env}`;
};

/** Parses argv (without node and the script) over env. Throws ConfigError; nothing else. */
export const parseConfig = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): IndexerConfig => {
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
  const seeds = get<string[]>('seeds').map((s) => {
    try {
      return normalizeTag(s);
    } catch {
      throw new ConfigError(nameOf('seeds'), `${JSON.stringify(s.slice(0, 40))} is not a tag`);
    }
  });
  if (seeds.length === 0) throw new ConfigError(nameOf('seeds'), 'at least one seed tag is needed');
  const range = (flag: string, lo: number, hi: number): number => {
    const v = get<number>(flag);
    if (v < lo || v > hi) throw new ConfigError(nameOf(flag), `must be between ${lo} and ${hi}`);
    return v;
  };
  return {
    listen: get('listen'),
    bootstrap: get('bootstrap'),
    http: get('http'),
    dataDir: get<string | undefined>('data-dir') ?? './data/indexer',
    databaseUrl: get('database-url'),
    seeds: [...new Set(seeds)],
    crawlIntervalS: range('crawl-interval', 1, 86_400),
    listingDifficulty: range('listing-difficulty', 0, MAX_DIFFICULTY),
    voteDifficulty: range('vote-difficulty', 0, MAX_DIFFICULTY),
    rateLimit: range('rate-limit', 1, 100_000),
    rateBurst: range('rate-burst', 1, 100_000),
    identityFile: get('identity-file'),
    logLevel: get('log-level'),
    testMode: get('test-mode'),
    help: get('help'),
  };
};
