/**
 * `npm start`: starts every service in SERVICES as a child process and stops them all on Ctrl-C.
 * Today: one hub on embedded PGlite under ./data/hub (libp2p on 127.0.0.1:4001/ws, HTTP on
 * 127.0.0.1:8080). The web portal and the indexer join the list when they land.
 * `npm start -- --demo` runs the in-process demonstration of the protocol core (scripts/demo.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from './demo.ts';

interface Service {
  readonly name: string;
  /** Working directory, relative to the repository root. */
  readonly cwd: string;
  readonly command: readonly string[];
}

const SERVICES: readonly Service[] = [
  {
    name: 'hub',
    cwd: '.',
    command: [
      process.execPath,
      'services/hub/bin/parley-hub.ts',
      '--listen',
      '/ip4/127.0.0.1/tcp/4001/ws',
      '--http',
      '127.0.0.1:8080',
      '--data-dir',
      'data/hub',
    ],
  },
];

const root = new URL('..', import.meta.url).pathname;

const startAll = (services: readonly Service[]): void => {
  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const s of services) {
    const [cmd, ...args] = s.command;
    const child = spawn(cmd as string, args, { cwd: join(root, s.cwd), stdio: 'inherit' });
    console.log(`started ${s.name} (pid ${child.pid})`);
    child.on('exit', (code, signal) => {
      console.log(`${s.name} exited (${signal ?? code})`);
      // One service dying takes the others down, so `npm start` never runs half a system.
      if (code !== 0 && signal === null) process.exitCode = 1;
      stop();
    });
    children.push(child);
  }
};

if (process.argv.includes('--demo')) runDemo();
else startAll(SERVICES);
