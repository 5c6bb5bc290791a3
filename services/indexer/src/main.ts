/**
 * `parley-indexer`: reads the configuration, keeps the libp2p identity in a file, starts the indexer
 * and its HTTP side, prints one JSON ready line on stdout, and shuts down on SIGTERM/SIGINT (the HTTP
 * server stops, the running crawl pass ends, the database closes; a later second signal exits at once).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, helpText, type IndexerConfig, parseConfig } from './config.ts';
import { startIndexer } from './create.ts';
import { pinoLog } from './log.ts';
import { promMetrics } from './metrics.ts';

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

export const runIndexer = async (config: IndexerConfig): Promise<void> => {
  const log = pinoLog(config.logLevel);
  const metrics = promMetrics();
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  const service = await startIndexer({
    database: config.databaseUrl !== undefined ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: join(config.dataDir, 'pglite') },
    identitySeed: loadIdentitySeed(config.identityFile ?? join(config.dataDir, 'identity.key')),
    listen: config.listen,
    bootstrap: config.bootstrap,
    http: config.http,
    seeds: config.seeds,
    crawlIntervalMs: config.crawlIntervalS * 1000,
    listingDifficulty: config.listingDifficulty,
    voteDifficulty: config.voteDifficulty,
    rate: config.rateLimit,
    burst: config.rateBurst,
    testMode: config.testMode,
    metrics,
    log,
  });
  const multiaddrs = service.node.multiaddrs();
  log.info(
    { peerId: service.node.peerId, addrs: multiaddrs.join(' '), http: service.http.url, database: config.databaseUrl === undefined ? 'pglite' : 'postgres' },
    'parley-indexer ready',
  );
  process.stdout.write(`${JSON.stringify({ ready: true, peerId: service.node.peerId, multiaddrs, http: service.http.url })}\n`);
  let firstSignalAt: number | undefined;
  const shutdown = (signal: string): void => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < 2000) return;
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    log.info({ signal }, 'shutting down');
    // A stop that hangs must not keep the process, or its supervisor, waiting for ever.
    setTimeout(() => {
      log.error({ signal, afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish: exiting now');
      log.flush();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void service
      .stop()
      .then(() => log.flush())
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ error: (e as Error)?.message ?? 'unknown' }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> => {
  try {
    const config = parseConfig(argv, env);
    if (config.help) {
      process.stdout.write(helpText());
      return;
    }
    await runIndexer(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`parley-indexer: ${e.message}\n(see parley-indexer --help)\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`parley-indexer: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  }
};
