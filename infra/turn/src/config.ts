/**
 * The TURN runner's configuration: flags over environment variables over defaults, checked into a
 * typed `TurnConfig`, or a `TurnConfigError` naming the option. Values end up in a config file, so
 * anything that could break out of its line (newlines, `#`, spaces where one token is expected) is
 * refused rather than escaped.
 */

import { isIP } from 'node:net';

/** coturn's `external-ip`: one IP address, or `public/private` for a server behind NAT. */
const externalIpOk = (v: string): boolean => {
  const parts = v.split('/');
  return parts.length <= 2 && parts.every((p) => isIP(p) !== 0);
};

export class TurnConfigError extends Error {
  readonly option: string;
  constructor(option: string, message: string) {
    super(`--${option}: ${message}`);
    this.name = 'TurnConfigError';
    this.option = option;
  }
}

export interface TurnConfig {
  /** coturn `static-auth-secret`, the same as the hub's `--turn-secret`. */
  readonly secret: string;
  readonly realm: string;
  readonly listenIps: readonly string[];
  readonly port: number;
  readonly tlsPort: number;
  /** Addresses relayed traffic leaves from (default: coturn picks). */
  readonly relayIps: readonly string[];
  /** `public` or `public/private`: the address clients are told when coturn is behind NAT. */
  readonly externalIp: string | undefined;
  readonly minPort: number;
  readonly maxPort: number;
  /** TLS certificate chain and key (turns: on tlsPort); both or neither. */
  readonly cert: string | undefined;
  readonly pkey: string | undefined;
  /** Allocations per username and in all. */
  readonly userQuota: number;
  readonly totalQuota: number;
  /** Tests on one machine: listen and relay on 127.0.0.1 only, allow loopback peers, no TLS. */
  readonly loopback: boolean;
  /** Where the generated turnserver.conf is written (mode 0600: it holds the secret). */
  readonly confFile: string;
  /** The turnserver binary. */
  readonly turnserver: string;
  /** Print the config file (secret masked) and exit. */
  readonly print: boolean;
  readonly help: boolean;
}

type Kind = 'string' | 'list' | 'port' | 'int' | 'bool';

interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly def: string;
  readonly doc: string;
}

export const TURN_OPTIONS: readonly OptionSpec[] = [
  { flag: 'secret', env: 'PARLEY_TURN_SECRET', kind: 'string', def: '', doc: 'shared secret (16+ characters), the same as the hub --turn-secret' },
  { flag: 'realm', env: 'PARLEY_TURN_REALM', kind: 'string', def: 'parley.local', doc: 'TURN realm (your domain)' },
  { flag: 'listen-ip', env: 'PARLEY_TURN_LISTEN_IP', kind: 'list', def: '', doc: 'addresses to listen on (comma-separated; default all)' },
  { flag: 'port', env: 'PARLEY_TURN_PORT', kind: 'port', def: '3478', doc: 'TURN port, UDP and TCP (open it in the firewall)' },
  { flag: 'tls-port', env: 'PARLEY_TURN_TLS_PORT', kind: 'port', def: '5349', doc: 'turns: port (TLS and DTLS), used with --cert and --pkey' },
  { flag: 'relay-ip', env: 'PARLEY_TURN_RELAY_IP', kind: 'list', def: '', doc: 'addresses relayed traffic leaves from (comma-separated)' },
  { flag: 'external-ip', env: 'PARLEY_TURN_EXTERNAL_IP', kind: 'string', def: '', doc: 'public address, or public/private behind NAT' },
  { flag: 'min-port', env: 'PARLEY_TURN_MIN_PORT', kind: 'port', def: '49152', doc: 'lowest relay port (open the range in the firewall)' },
  { flag: 'max-port', env: 'PARLEY_TURN_MAX_PORT', kind: 'port', def: '65535', doc: 'highest relay port' },
  { flag: 'cert', env: 'PARLEY_TURN_CERT', kind: 'string', def: '', doc: 'TLS certificate chain (PEM), e.g. /etc/letsencrypt/live/<host>/fullchain.pem' },
  { flag: 'pkey', env: 'PARLEY_TURN_PKEY', kind: 'string', def: '', doc: 'TLS private key (PEM)' },
  { flag: 'user-quota', env: 'PARLEY_TURN_USER_QUOTA', kind: 'int', def: '12', doc: 'allocations per credential at once' },
  { flag: 'total-quota', env: 'PARLEY_TURN_TOTAL_QUOTA', kind: 'int', def: '1000', doc: 'allocations in all at once' },
  { flag: 'loopback', env: 'PARLEY_TURN_LOOPBACK', kind: 'bool', def: 'false', doc: 'tests only: 127.0.0.1, loopback peers allowed, no TLS' },
  { flag: 'conf-file', env: 'PARLEY_TURN_CONF_FILE', kind: 'string', def: './data/turn/turnserver.conf', doc: 'where the generated config is written (0600)' },
  { flag: 'turnserver', env: 'PARLEY_TURN_BIN', kind: 'string', def: 'turnserver', doc: "coturn's binary (Debian package coturn)" },
  { flag: 'print', env: '', kind: 'bool', def: 'false', doc: 'print the config (secret masked) and exit' },
  { flag: 'help', env: '', kind: 'bool', def: 'false', doc: 'print this help' },
];

export const turnHelpText = (): string =>
  [
    'parley-turn: writes a turnserver.conf for Parley (shared-secret REST auth) and runs coturn in the foreground.',
    '',
    'Usage: npm run turn -- [options]    (or: node infra/turn/run.ts [options])',
    '',
    ...TURN_OPTIONS.map((o) => `  --${o.flag.padEnd(12)} ${o.env.padEnd(24)} ${o.doc}${o.def !== '' && o.kind !== 'bool' ? ` (default ${o.def})` : ''}`),
  ].join('\n');

/** One config token: no whitespace, no comment or quote characters, no control characters. */
const TOKEN = /^[^\s#"'\\\p{Cc}]+$/u;
const IP = /^[0-9a-fA-F:.]+$/;

const parseValue = (o: OptionSpec, raw: string): string | string[] | number | boolean => {
  switch (o.kind) {
    case 'bool':
      if (raw === '' || raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new TurnConfigError(o.flag, `expected true or false, got "${raw}"`);
    case 'port':
    case 'int': {
      if (!/^\d{1,9}$/.test(raw)) throw new TurnConfigError(o.flag, `expected a whole number, got "${raw}"`);
      const n = Number(raw);
      if (o.kind === 'port' && (n < 1 || n > 65535)) throw new TurnConfigError(o.flag, `expected a port 1-65535, got ${n}`);
      if (o.kind === 'int' && n < 1) throw new TurnConfigError(o.flag, `expected at least 1, got ${n}`);
      return n;
    }
    case 'list': {
      const items = raw === '' ? [] : raw.split(',').map((s) => s.trim());
      for (const i of items) if (!IP.test(i)) throw new TurnConfigError(o.flag, `not an IP address: "${i}"`);
      return items;
    }
    case 'string':
      if (raw !== '' && !TOKEN.test(raw)) throw new TurnConfigError(o.flag, 'must be one token: no spaces, quotes, # or control characters');
      return raw;
  }
};

/** Flags (`--x v`, `--x=v`, bare `--bool`) over env over defaults. */
export const parseTurnConfig = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): TurnConfig => {
  const raw = new Map<string, string>();
  for (const o of TURN_OPTIONS) {
    const e = o.env === '' ? undefined : env[o.env];
    raw.set(o.flag, e ?? o.def);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new TurnConfigError(a, 'unexpected argument');
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const o = TURN_OPTIONS.find((x) => x.flag === name);
    if (o === undefined) throw new TurnConfigError(name, 'unknown option (see --help)');
    if (eq >= 0) raw.set(name, a.slice(eq + 1));
    else if (o.kind === 'bool') raw.set(name, 'true');
    else {
      const v = argv[++i];
      if (v === undefined) throw new TurnConfigError(name, 'needs a value');
      raw.set(name, v);
    }
  }
  const v = new Map<string, ReturnType<typeof parseValue>>();
  for (const o of TURN_OPTIONS) v.set(o.flag, parseValue(o, raw.get(o.flag) ?? ''));
  const get = <T>(k: string): T => v.get(k) as T;
  const c: TurnConfig = {
    secret: get('secret'),
    realm: get('realm'),
    listenIps: get('listen-ip'),
    port: get('port'),
    tlsPort: get('tls-port'),
    relayIps: get('relay-ip'),
    externalIp: get<string>('external-ip') === '' ? undefined : get('external-ip'),
    minPort: get('min-port'),
    maxPort: get('max-port'),
    cert: get<string>('cert') === '' ? undefined : get('cert'),
    pkey: get<string>('pkey') === '' ? undefined : get('pkey'),
    userQuota: get('user-quota'),
    totalQuota: get('total-quota'),
    loopback: get('loopback'),
    confFile: get('conf-file'),
    turnserver: get('turnserver'),
    print: get('print'),
    help: get('help'),
  };
  if (c.help) return c;
  if (c.secret.length < 16) throw new TurnConfigError('secret', 'required, at least 16 characters (the hub --turn-secret)');
  if (c.realm === '') throw new TurnConfigError('realm', 'required');
  if (c.minPort > c.maxPort) throw new TurnConfigError('min-port', `above --max-port (${c.minPort} > ${c.maxPort})`);
  if ((c.cert === undefined) !== (c.pkey === undefined)) throw new TurnConfigError(c.cert === undefined ? 'cert' : 'pkey', 'TLS needs both --cert and --pkey');
  if (c.loopback && c.cert !== undefined) throw new TurnConfigError('loopback', 'is for tests: no TLS');
  if (c.externalIp !== undefined && !externalIpOk(c.externalIp))
    throw new TurnConfigError('external-ip', `expected an IP or public/private, got "${c.externalIp}"`);
  return c;
};
