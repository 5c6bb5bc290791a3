/**
 * Retry delays for the outbox: exponential with jitter, capped. Pure: the random draw comes in.
 * Attempt 1 waits about `baseMs`, each further attempt doubles, never beyond `maxMs`; the delay is
 * drawn from [cap/2, cap) so that peers that failed together do not retry together.
 */
import { InvalidArgumentError } from './errors.ts';

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000 } as const;

/** Delay before the next try after `attempts` failed tries; `random` in [0, 1). */
export const retryDelay = (attempts: number, random: number, options: BackoffOptions = {}): number => {
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new InvalidArgumentError('attempts', 'expected an integer >= 1');
  if (!(random >= 0 && random < 1)) throw new InvalidArgumentError('random', 'expected a number in [0, 1)');
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const cap = Math.min(max, base * 2 ** Math.min(attempts - 1, 52));
  return Math.floor(cap / 2 + (random * cap) / 2);
};
