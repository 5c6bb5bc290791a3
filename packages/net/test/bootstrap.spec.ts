/**
 * Layered bootstrap: cached peers before configured ones before invite ones, the cache saved on
 * stop and reloaded, `/dnsaddr/` bootstrap through an injected DNS stub (no real DNS here), and
 * mDNS discovery between two Node nodes on this host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryPeerCache, type ParleyNode, type ParleyNodeOptions } from '../src/index.ts';
import { eventually, testNode } from './helpers.ts';

const connectedTo = (n: ParleyNode, peer: ParleyNode): boolean => n.libp2p.getConnections(peer.libp2p.peerId).length > 0;

describe('layered bootstrap', () => {
  let hub: ParleyNode;
  let dead: string;
  const nodes: ParleyNode[] = [];
  const node = async (name: string, opts: ParleyNodeOptions): Promise<ParleyNode> => {
    const n = await testNode(name, opts);
    nodes.push(n);
    return n;
  };

  before(async () => {
    hub = await testNode('boot-hub');
    await hub.start();
    // A well-formed address nobody listens on (a stopped node's port and id).
    const gone = await testNode('boot-gone');
    await gone.start();
    dead = gone.multiaddrs()[0] as string;
    await gone.stop();
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await hub.stop();
  });

  it('dials a reachable cached peer first and skips the configured bootstrap once connected', async () => {
    const cache = new MemoryPeerCache(hub.multiaddrs());
    const n = await node('boot-cached', { peerCache: cache, bootstrap: [dead] });
    await n.start();
    await eventually(() => connectedTo(n, hub));
    await n.bootstrap.connect();
    assert.deepEqual(
      n.bootstrap.attempts.map((a) => [a.layer, a.ok]),
      [['cache', true]],
    );
  });

  it('falls through an unreachable cached peer to the configured bootstrap, then to invite addresses', async () => {
    const n = await node('boot-layers', { peerCache: new MemoryPeerCache([dead]), bootstrap: [dead], bootstrapDialTimeoutMs: 3_000 });
    await n.start();
    await n.bootstrap.connect();
    assert.equal(n.libp2p.getConnections().length, 0);
    n.addBootstrap(hub.multiaddrs());
    await eventually(() => connectedTo(n, hub));
    await n.bootstrap.connect();
    const layers = n.bootstrap.attempts.map((a) => `${a.layer}:${a.ok}`);
    assert.deepEqual(layers.slice(0, 2), ['cache:false', 'config:false']);
    assert.ok(layers.includes('invite:true'), layers.join(' '));
    assert.ok(layers.indexOf('invite:true') > 1);
  });

  it('saves the cache on stop (addresses with /p2p/) and reconnects from it next session', async () => {
    const cache = new MemoryPeerCache();
    const first = await testNode('boot-session', { peerCache: cache, bootstrap: hub.multiaddrs() });
    await first.start();
    await eventually(() => connectedTo(first, hub));
    await first.stop();
    assert.ok(cache.addrs.length >= 1);
    assert.ok(cache.addrs[0]?.endsWith(`/p2p/${hub.peerId}`), cache.addrs[0]);
    for (const a of cache.addrs) assert.match(a, /\/p2p\/12D3Koo/);

    const second = await node('boot-session', { peerCache: cache });
    await second.start();
    await eventually(() => connectedTo(second, hub));
    assert.equal(second.bootstrap.attempts.find((a) => a.ok)?.layer, 'cache');
  });

  it('resolves a /dnsaddr/ bootstrap through the injected DNS resolver and connects', async () => {
    const queried: string[] = [];
    const dns = {
      query: async (domain: string) => {
        queried.push(domain);
        return {
          Status: 0,
          TC: false,
          RD: true,
          RA: true,
          AD: false,
          CD: false,
          Question: [{ name: domain, type: 16 }],
          Answer: hub.multiaddrs().map((a) => ({ name: domain, type: 16, TTL: 60, data: `dnsaddr=${a}` })),
        };
      },
    } as unknown as ParleyNodeOptions['dns'];
    const n = await node('boot-dnsaddr', { dns, bootstrap: ['/dnsaddr/example.test'] });
    await n.start();
    await eventually(() => connectedTo(n, hub));
    assert.ok(queried.includes('_dnsaddr.example.test'), queried.join(' '));
    assert.deepEqual(
      n.bootstrap.attempts.map((a) => [a.layer, a.addr, a.ok]),
      [['config', '/dnsaddr/example.test', true]],
    );
  });
});

describe('mDNS (Node)', () => {
  it('two nodes with mdns on and no bootstrap find each other on this host', async () => {
    // Random identities: mDNS reaches every process on this host, and another run of this file
    // must not announce the same peer ids.
    const random = () => globalThis.crypto.getRandomValues(new Uint8Array(32));
    const a = await testNode('boot-mdns-a', { mdns: true, identitySeed: random() });
    const b = await testNode('boot-mdns-b', { mdns: true, identitySeed: random() });
    try {
      await a.start();
      await b.start();
      await eventually(() => connectedTo(a, b) && connectedTo(b, a), 20_000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
