/** A real parley-hub process for the web suite: embedded PGlite in a temp dir, loopback, any free ports, test mode. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from '@parley/tests/kit';

const BIN = new URL('../../../../services/hub/bin/parley-hub.ts', import.meta.url).pathname;

export interface HubProcess {
  readonly peerId: string;
  /** The hub's WebSocket multiaddr ending in /p2p/<peer id>: what the portal hands browsers. */
  readonly bootstrap: string;
  /** Its data directory (PGlite and the identity key). */
  readonly dir: string;
  logs(): string;
  /** Stops the process; `keep` leaves the data directory for a restart. */
  stop(keep?: boolean): Promise<void>;
}

/** Starts a hub; with `again`, the same hub (identity, data, port) after it was stopped with `keep`. */
export const startHub = async (again?: HubProcess): Promise<HubProcess> => {
  const dir = again?.dir ?? mkdtempSync(join(tmpdir(), 'parley-web-hub-'));
  const listen = again === undefined ? '/ip4/127.0.0.1/tcp/0/ws' : (again.bootstrap.split('/p2p/')[0] as string);
  const child: ChildProcess = spawn(process.execPath, [BIN, '--listen', listen, '--http', '127.0.0.1:0', '--data-dir', dir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = await new Promise<{ peerId: string; multiaddrs: string[] }>((resolve, reject) => {
    // Minutes, not seconds: at load 20+ on the shared 2-core machine the hub took over 60 s to open PGlite.
    // A hub that did not start is stopped, not left running.
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start in 300 s:\n${out}`));
    }, 300_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line === undefined) return;
      clearTimeout(t);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}`)));
  });
  const ws = ready.multiaddrs.find((a) => a.includes('/ws'));
  if (ws === undefined) throw new Error(`hub announced no /ws address: ${ready.multiaddrs.join(' ')}`);
  return {
    peerId: ready.peerId,
    dir,
    bootstrap: ws.includes('/p2p/') ? ws : `${ws}/p2p/${ready.peerId}`,
    logs: () => out,
    async stop(keep = false) {
      await stopProcess(child);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
};
