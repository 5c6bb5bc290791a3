/**
 * TURN credentials: the HMAC against an independent computation (openssl's algorithm through
 * node:crypto's other API), and against a real coturn in shared-secret mode: a minted credential
 * allocates a relay, a tampered or expired one does not. coturn must be installed (.ci/run installs
 * the Debian package); the test fails, never skips, without it. Then the libp2p protocol: a peer
 * gets a credential bound to its own peer id, and the per-peer rate limit refuses the 11th ask;
 * a client holds its hub's credential in its WebRTC configuration, refreshes it before expiry, and
 * asks for relay-only candidates in relay-only mode.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { createParleyNode, fetchTurnCredentials } from '@parley/net';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import { mintTurnCredential, serveTurnCredentials } from '../src/index.ts';

const which = (bin: string): string => {
  try {
    return execFileSync('which', [bin]).toString().trim();
  } catch {
    throw new Error(`${bin} is not installed: the hub suite needs coturn (apt-get install coturn; .ci/run does it)`);
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

/** One allocation + echo through coturn with turnutils_uclient; true when it completed. */
const allocates = (port: number, username: string, credential: string): boolean => {
  const args = ['-u', username, '-w', credential, '-p', String(port), '-n', '1', '-m', '1', '-y', '-e', '127.0.0.1', '127.0.0.1'];
  const r = spawnSync(which('turnutils_uclient'), args, { timeout: 30_000 });
  const out = `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`;
  if (out.includes('Cannot complete Allocation')) return false;
  return /tot_recv_bytes ~ [1-9]/.test(out);
};

describe('TURN credentials (coturn shared-secret scheme)', () => {
  const SECRET = 'parley-test-turn-secret';
  const stops: (() => void)[] = [];
  after(() => {
    for (const s of stops) s();
  });

  it('credential = base64(HMAC-SHA1(secret, "<expiry>:<peer>")), expiry = now + ttl', () => {
    const c = mintTurnCredential(SECRET, '12D3KooWabc', 600, 1_800_000_000_500, ['turn:127.0.0.1:3478']);
    assert.equal(c.username, '1800000600:12D3KooWabc');
    const h = createHmac('sha1', Buffer.from(SECRET, 'utf8'));
    h.write(c.username);
    assert.equal(c.credential, h.digest().toString('base64'));
    assert.deepEqual(c.urls, ['turn:127.0.0.1:3478']);
    assert.throws(() => mintTurnCredential('', 'x', 600, 0), TypeError);
    assert.throws(() => mintTurnCredential(SECRET, 'bad peer:id', 600, 0), TypeError);
  });

  it('a real coturn relays for a minted credential and refuses a tampered or expired one', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const child = spawn(
      which('turnserver'),
      [
        '-n',
        '--listening-ip=127.0.0.1',
        `--listening-port=${port}`,
        '--use-auth-secret',
        `--static-auth-secret=${SECRET}`,
        '--realm=parley.test',
        '--no-tls',
        '--no-dtls',
        '--no-cli',
        '--allow-loopback-peers',
        '--relay-ip=127.0.0.1',
        '--log-file=stdout',
        '--simple-log',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    stops.push(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`turnserver did not start: ${out}`)), 15_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Relay ports initialization done')) {
          clearTimeout(t);
          setTimeout(resolve, 500);
        }
      });
    });
    const good = mintTurnCredential(SECRET, '12D3KooWgood', 600, Date.now());
    assert.equal(allocates(port, good.username, good.credential), true, 'minted credential allocates');
    assert.equal(allocates(port, good.username, `x${good.credential.slice(1)}`), false, 'tampered credential refused');
    const expired = mintTurnCredential(SECRET, '12D3KooWold', 60, Date.now() - 3_600_000);
    assert.equal(allocates(port, expired.username, expired.credential), false, 'expired credential refused');
  });

  it('over /parley/turn/1.0.0 a peer gets a credential bound to its own peer id; the 11th ask in a minute is refused', { timeout: 60_000 }, async () => {
    const hub = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
    const peer = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
    await hub.start();
    await peer.start();
    stops.push(
      () => void hub.stop(),
      () => void peer.stop(),
    );
    await serveTurnCredentials(hub, { secret: SECRET, ttlS: 300, urls: ['turn:127.0.0.1:3478?transport=udp'] });
    await peer.dial(hub.multiaddrs()[0] as string);
    const c = await fetchTurnCredentials(peer, hub.peerId);
    assert.match(c.username, new RegExp(`^[0-9]+:${peer.peerId}$`));
    assert.equal(c.credential, mintTurnCredential(SECRET, peer.peerId, 300, (Number(c.username.split(':')[0]) - 300) * 1000).credential);
    for (let i = 1; i < 10; i++) await fetchTurnCredentials(peer, hub.peerId);
    await assert.rejects(fetchTurnCredentials(peer, hub.peerId), /rate/);
  });
  it("a client's WebRTC configuration carries its hub's TURN credential, refreshed before expiry, and relay-only mode", { timeout: 60_000 }, async () => {
    const hub = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
    await hub.start();
    stops.push(() => void hub.stop());
    const urls = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'];
    // A 5 s lifetime: the client asks again at 80% of it.
    await serveTurnCredentials(hub, { secret: SECRET, ttlS: 5, urls });
    const client = await ParleyClient.create({
      identity: createIdentity({ displayName: 'relay-only', crypto: nodeCrypto }),
      store: new MemoryStore(),
      crypto: nodeCrypto,
      relayOnly: true,
      node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client', bootstrap: [hub.multiaddrs()[0] as string] },
    });
    stops.push(() => void client.close());
    const turnOf = () => client.rtcConfiguration().iceServers?.find((s) => s.username !== undefined);
    const deadline = Date.now() + 15_000;
    while (turnOf() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const first = turnOf();
    assert.ok(first !== undefined, 'the client holds a TURN credential from its hub');
    assert.equal(client.rtcConfiguration().iceTransportPolicy, 'relay');
    assert.deepEqual(first.urls, urls);
    const username = first.username as string;
    assert.match(username, new RegExp(`^[0-9]+:${client.node.peerId}$`), 'bound to its own peer id');
    assert.equal(first.credential, mintTurnCredential(SECRET, client.node.peerId, 5, (Number(username.split(':')[0]) - 5) * 1000).credential);
    assert.deepEqual(client.turnHubs(), [hub.peerId]);
    // Refreshed before it expires: a later expiry, and never a moment without a credential.
    let refreshed: RTCIceServer | undefined;
    while (Date.now() < deadline + 10_000) {
      const now = turnOf();
      assert.ok(now !== undefined, 'a credential is held throughout');
      if (now.username !== username) {
        refreshed = now;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(refreshed !== undefined, 'refreshed');
    assert.ok(Number((refreshed.username as string).split(':')[0]) > Number(username.split(':')[0]));
    client.setRelayOnly(false);
    assert.equal(client.rtcConfiguration().iceTransportPolicy, 'all');
  });
});
