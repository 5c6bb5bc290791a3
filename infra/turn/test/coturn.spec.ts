/**
 * `npm run turn` for real: the runner writes its config and runs Debian's coturn (fails, never
 * skips, if coturn is missing; .ci/run installs it). A credential the hub mints allocates a relay
 * over UDP and over TCP; a tampered or expired one is refused; SIGTERM stops coturn with the runner.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mintTurnCredential } from '@parley/hub';

const SECRET = 'connectivity-test-turn-secret';

const which = (bin: string): string => {
  try {
    return execFileSync('which', [bin]).toString().trim();
  } catch {
    throw new Error(`${bin} is not installed: the connectivity suite needs coturn (apt-get install coturn; .ci/run does it)`);
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** One allocation + echo through the relay with turnutils_uclient (`tcp`: TURN over TCP). */
const allocates = (port: number, username: string, credential: string, tcp = false): boolean => {
  const args = ['-u', username, '-w', credential, '-p', String(port), '-n', '1', '-m', '1', '-y', '-e', '127.0.0.1', ...(tcp ? ['-t'] : []), '127.0.0.1'];
  const r = spawnSync(which('turnutils_uclient'), args, { timeout: 30_000 });
  const out = `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`;
  if (out.includes('Cannot complete Allocation')) return false;
  return /tot_recv_bytes ~ [1-9]/.test(out);
};

const turnserverPids = (conf: string): number[] => {
  const r = spawnSync('pgrep', ['-f', `turnserver -c ${conf}`]);
  return r.stdout
    .toString()
    .split('\n')
    .filter((x) => x.trim() !== '')
    .map(Number);
};

describe('parley-turn runs coturn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-turn-'));
  const conf = join(dir, 'turnserver.conf');
  let runner: ChildProcess | undefined;
  after(() => {
    runner?.kill('SIGKILL');
    // A coturn left by a failed test would hold this process's pipes (and the suite) open.
    for (const pid of turnserverPids(conf)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays for a minted credential over UDP and TCP, refuses tampered and expired ones, and stops on SIGTERM', { timeout: 120_000 }, async () => {
    which('turnserver');
    const port = await freePort();
    const run = new URL('../run.ts', import.meta.url).pathname;
    runner = spawn(process.execPath, [run, '--loopback', '--port', String(port), '--min-port', '50000', '--max-port', '50999', '--conf-file', conf], {
      env: { ...process.env, PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_REALM: 'parley.test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`coturn did not start: ${out}`)), 20_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Relay ports initialization done')) {
          clearTimeout(t);
          setTimeout(resolve, 300);
        }
      };
      runner?.stdout?.on('data', onData);
      runner?.stderr?.on('data', onData);
      runner?.on('exit', (code) => reject(new Error(`runner exited (${code}): ${out}`)));
    });
    assert.equal(statSync(conf).mode & 0o777, 0o600, 'the config holds the secret: 0600');

    const good = mintTurnCredential(SECRET, '12D3KooWgood', 600, Date.now());
    assert.equal(allocates(port, good.username, good.credential), true, 'UDP: minted credential allocates');
    assert.equal(allocates(port, good.username, good.credential, true), true, 'TCP: minted credential allocates');
    // Its first character changed (to one it is not: a credential starting with 'x' made 'x...' no tampering at all).
    const tampered = `${good.credential.startsWith('x') ? 'y' : 'x'}${good.credential.slice(1)}`;
    assert.equal(allocates(port, good.username, tampered), false, 'tampered credential refused');
    const expired = mintTurnCredential(SECRET, '12D3KooWold', 60, Date.now() - 3_600_000);
    assert.equal(allocates(port, expired.username, expired.credential), false, 'expired credential refused');
    assert.equal(
      allocates(port, good.username, mintTurnCredential('another-secret-entirely', '12D3KooWgood', 600, Date.now()).credential),
      false,
      'a credential under another secret refused',
    );

    assert.ok(turnserverPids(conf).length > 0, 'coturn runs under the runner');
    const exited = new Promise<number | null>((r) => runner?.once('exit', (code) => r(code)));
    runner.kill('SIGTERM');
    assert.equal(await exited, 0, 'the runner exits 0 on SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(turnserverPids(conf), [], 'and coturn is gone with it');
  });
});
