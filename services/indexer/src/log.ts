/** Structured logs (pino, JSON lines); strings cut to 200 characters so no query or record body fills a line. */
import { type DestinationStream, pino } from 'pino';
import type { LogLevel } from './config.ts';
import type { IndexerLog } from './ports.ts';

const MAX_FIELD = 200;

const clean = (fields: Record<string, string | number | boolean>): Record<string, string | number | boolean> => {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' && v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}…` : v;
  return out;
};

export const pinoLog = (level: LogLevel, destination?: DestinationStream): IndexerLog & { flush(): Promise<void> } => {
  const logger = pino({ level, base: { service: 'parley-indexer' } }, destination);
  return {
    info: (f, msg) => logger.info(clean(f), msg),
    warn: (f, msg) => logger.warn(clean(f), msg),
    error: (f, msg) => logger.error(clean(f), msg),
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
  };
};
