/**
 * `parley-hub`: reads the configuration, keeps the libp2p identity in a file, starts the core, the
 * HTTP side and TURN minting, and shuts down gracefully on SIGTERM/SIGINT (readyz turns 503, the
 * HTTP server stops, the core finishes in-flight commits; a second signal exits at once).
 * `parley-hub admin <pin|unpin|rooms|status>` talks to a running hub's admin API.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type HubConfig, helpText, parseConfig } from './config.ts';
import { startHttp } from './http.ts';
import { createHubCore } from './hub.ts';
import { pinoLog } from './log.ts';
import { promMetrics } from './metrics.ts';
import { serveTurnCredentials } from './turn.ts';

/** How long a graceful stop (SIGTERM, SIGINT) may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 30_000;

/** The node's key seed: read, or created with mode 0600. */
export const loadIdentitySeed = (file: string): Uint8Array => {
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ConfigError('--identity-file', `${file} does not hold a 64-hex-character seed`);
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }
  mkdirSync(dirname(file), { recursive: true });
  const seed = randomBytes(32);
  writeFileSync(file, `${seed.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return new Uint8Array(seed);
};

export const runHub = async (config: HubConfig): Promise<void> => {
  const log = pinoLog(config.logLevel);
  const metrics = promMetrics();
  if (config.storage && config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  const seed = loadIdentitySeed(config.identityFile ?? join(config.dataDir, 'identity.key'));
  const core = await createHubCore({
    storage: !config.storage
      ? { kind: 'off' }
      : config.databaseUrl !== undefined
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'pglite', dataDir: join(config.dataDir, 'pglite') },
    identitySeed: seed,
    listen: config.listen,
    announce: config.announce.length > 0 ? config.announce : undefined,
    bootstrap: config.bootstrap,
    relay: config.relay,
    directory: config.listings ? {} : false,
    maxConnections: config.maxConnections,
    testMode: config.testMode,
    limits: {
      maxObjectBytes: config.maxObjectBytes,
      roomQuotaBytes: config.roomQuotaBytes,
      roomFileQuotaBytes: config.roomFileQuotaBytes,
      maxGossipInFlight: config.maxGossipInFlight,
    },
    verifyWorkers: config.verifyWorkers,
    metrics,
    log,
  });
  let draining = false;
  await core.start();
  if (config.turnSecret !== undefined) {
    await serveTurnCredentials(core.node, {
      secret: config.turnSecret,
      ttlS: config.turnTtlS,
      urls: config.turnUrls,
      onRefused: () => metrics.rejected('rate'),
    });
  }
  const http = await startHttp({
    host: config.http.host,
    port: config.http.port,
    core,
    registry: metrics.registry,
    log,
    adminToken: config.adminToken,
    draining: () => draining,
  });
  const st = await core.status();
  log.info({ peerId: st.peerId, addrs: st.multiaddrs.join(' '), http: http.url, storage: st.storage }, 'parley-hub ready');
  // One line on stdout for scripts and tests: where to reach this hub.
  process.stdout.write(`${JSON.stringify({ ready: true, peerId: st.peerId, multiaddrs: st.multiaddrs, http: http.url })}\n`);
  let firstSignalAt: number | undefined;
  const shutdown = (signal: string): void => {
    if (firstSignalAt !== undefined) {
      // Ctrl-C under a supervisor (npm start) arrives twice at once: the terminal's SIGINT to the
      // process group and the supervisor's SIGTERM. Only a later signal means "exit now".
      if (Date.now() - firstSignalAt < 2000) return;
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    draining = true;
    log.info({ signal }, 'shutting down: finishing in-flight commits');
    // A stop that hangs (a peer's stream that never closes, a store that never answers) must not
    // keep the process, or its supervisor, waiting for ever: what is acknowledged is committed.
    setTimeout(() => {
      log.error({ signal, afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish: exiting now');
      log.flush();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void (async () => {
      await http.close();
      await core.stop();
      log.flush();
      process.exit(0);
    })().catch((e: unknown) => {
      log.error({ error: (e as Error)?.message ?? 'unknown' }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};

const admin = async (args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> => {
  const [cmd, room, ...rest] = args;
  const config = parseConfig(rest.length > 0 || room?.startsWith('--') ? [...(room?.startsWith('--') ? [room] : []), ...rest] : [], env);
  const target = room?.startsWith('--') ? undefined : room;
  const base = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${config.http.port}`;
  const routes: Record<string, [string, string]> = {
    pin: ['PUT', `/admin/rooms/${target ?? ''}`],
    unpin: ['DELETE', `/admin/rooms/${target ?? ''}`],
    rooms: ['GET', '/admin/rooms'],
    status: ['GET', '/admin/status'],
  };
  const r = cmd === undefined ? undefined : routes[cmd];
  if (r === undefined) {
    process.stderr.write('usage: parley-hub admin <pin|unpin|rooms|status> [room-hex] [--http host:port] [--admin-token t]\n');
    return 2;
  }
  const res = await fetch(base + r[1], { method: r[0], headers: { authorization: `Bearer ${config.adminToken ?? ''}` } });
  process.stdout.write(`${await res.text()}\n`);
  return res.ok ? 0 : 1;
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> => {
  try {
    if (argv[0] === 'admin') {
      process.exitCode = await admin(argv.slice(1), env);
      return;
    }
    const config = parseConfig(argv, env);
    if (config.help) {
      process.stdout.write(helpText());
      return;
    }
    await runHub(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`parley-hub: ${e.message}\n(see parley-hub --help)\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`parley-hub: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  }
};
