/**
 * `npm start`: starts every service in SERVICES as a child process and stops them all on Ctrl-C.
 * No service exists yet (the hub, the indexer and the web portal come in later issues), so until one
 * is registered it runs an in-process demonstration of the protocol core instead (scripts/demo.ts).
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

/** Register a service here when it lands, e.g. `{ name: 'hub', cwd: 'services/hub', command: [process.execPath, 'src/main.ts'] }`. */
const SERVICES: readonly Service[] = [];

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

if (SERVICES.length > 0) {
  startAll(SERVICES);
} else {
  console.log('No services exist yet (hub, indexer and web portal come in later issues).');
  console.log('Running the protocol core end to end in this process instead:\n');
  runDemo();
}
