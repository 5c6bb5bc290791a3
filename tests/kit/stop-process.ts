/**
 * Stopping a child process a test started, so that a teardown can never hang: a process already
 * gone (exited with a code, or killed by a signal: then `exitCode` stays null and only `signalCode`
 * says so) resolves at once; otherwise `signal` is sent, and a process still running after `graceMs`
 * is killed with SIGKILL. Calling it twice is safe.
 */
import type { ChildProcess } from 'node:child_process';

export interface StopOptions {
  /** The first signal; SIGTERM unless the process should die at once. */
  readonly signal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL (45 s: longer than the hub's and indexer's own 30 s deadline). */
  readonly graceMs?: number;
}

/** Whether the process has ended (either way). */
export const hasEnded = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

export const stopProcess = async (child: ChildProcess, o: StopOptions = {}): Promise<void> => {
  if (hasEnded(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(o.signal ?? 'SIGTERM');
  const graceMs = o.graceMs ?? 45_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome !== 'late' || hasEnded(child)) return;
  process.stderr.write(`# pid ${child.pid} still running ${graceMs} ms after ${o.signal ?? 'SIGTERM'}: SIGKILL\n`);
  child.kill('SIGKILL');
  await exited;
};
