/**
 * Writes the config (0600: it holds the secret) and runs turnserver in the foreground with it,
 * its output passed through; SIGTERM and SIGINT are forwarded, and the exit code is coturn's.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { turnserverConf } from './conf.ts';
import type { TurnConfig } from './config.ts';

export const runTurn = (c: TurnConfig): Promise<number> => {
  mkdirSync(dirname(c.confFile), { recursive: true });
  writeFileSync(c.confFile, turnserverConf(c), { mode: 0o600 });
  chmodSync(c.confFile, 0o600);
  return new Promise((resolve, reject) => {
    const child = spawn(c.turnserver, ['-c', c.confFile], { stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const term = forward('SIGTERM');
    const int = forward('SIGINT');
    process.on('SIGTERM', term);
    process.on('SIGINT', int);
    child.on('error', (e) => {
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      reject(new Error(`cannot run ${c.turnserver}: ${e.message} (Debian: apt-get install coturn)`));
    });
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      resolve(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
    });
  });
};
