/**
 * Structured logs (pino, JSON lines) behind the core's HubLog port. Fields are ids, counts, reasons
 * and peer ids (the port's type allows only strings, numbers and booleans); strings are cut to 200
 * characters so that nothing the size of a message body can reach a log line.
 */
import { type DestinationStream, pino } from 'pino';
import type { HubLog } from './ports.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const MAX_FIELD = 200;

const clean = (fields: Record<string, string | number | boolean>): Record<string, string | number | boolean> => {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' && v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}…` : v;
  return out;
};

export const pinoLog = (level: LogLevel, destination?: DestinationStream): HubLog & { flush(): void } => {
  const logger = pino({ level, base: { service: 'parley-hub' } }, destination);
  return {
    info: (f, msg) => logger.info(clean(f), msg),
    warn: (f, msg) => logger.warn(clean(f), msg),
    error: (f, msg) => logger.error(clean(f), msg),
    flush: () => logger.flush(),
  };
};
