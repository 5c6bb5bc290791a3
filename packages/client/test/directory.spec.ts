/**
 * Directory listings from clients on real libp2p nodes on 127.0.0.1: a listed room's members publish
 * LISTINGs with proof of work under every tag key (and ancestors), re-publish before expiry, and stop
 * when the room is unlisted or they go offline (the last listing then expires).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openListing, toHex } from '@parley/protocol';
import type { ParleyClient } from '../src/index.ts';
import { crypto, eventually, testClient } from './helpers.ts';

const DIFFICULTY = 8;
const TTL = 4_000;
const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
});

const dirClient = async (name: string, bootstrap?: string[]): Promise<ParleyClient> => {
  const c = await testClient(name, {
    directory: { difficulty: DIFFICULTY, ttlMs: TTL, intervalMs: 250 },
    node: {
      identitySeed: crypto.sha256(new TextEncoder().encode(`node:dir:${name}`)),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      bootstrap,
      verify: { listingDifficulty: DIFFICULTY },
    },
  });
  clients.push(c);
  return c;
};

test('a listed room is published under its tags, re-published before expiry, and drops out after its members leave', { timeout: 80_000 }, async () => {
  const alice = await dirClient('alice');
  const bob = await dirClient('bob', alice.node.multiaddrs());
  const carol = await dirClient('carol', alice.node.multiaddrs());
  await eventually('bob and carol connected to alice', () => bob.node.libp2p.getPeers().length > 0 && carol.node.libp2p.getPeers().length > 0);
  const room = await alice.createRoom({ name: 'Frag night' });
  assert.deepEqual(await alice.publishListings(), [], 'an unlisted room publishes nothing');

  await alice.setDiscovery(room, {
    name: 'Frag night',
    description: 'FPS evenings\nall welcome',
    language: 'en',
    tags: ['Gaming / FPS', 'retro'],
    color: 0xff8800,
  });
  assert.deepEqual(alice.state(room).discovery()?.tags, ['gaming/fps', 'retro'], 'typed tags are normalised before signing');

  for (const path of ['gaming', 'gaming/fps', 'retro']) {
    const found = await eventually(`carol reads the listing under ${path}`, async () => {
      const r = await carol.node.readTag(path, { signal: AbortSignal.timeout(5_000) });
      return r.listings.find((l) => toHex(l.body.room) === toHex(room));
    });
    assert.equal(found.body.name, 'Frag night');
    assert.deepEqual(found.body.tags, ['gaming/fps', 'retro']);
    assert.equal(found.body.color, 0xff8800);
    assert.equal(toHex(found.body.account), toHex(alice.identity.account.publicKey));
    // It carries real work: it opens at the difficulty, and a stricter verifier refuses it (work < 40).
    assert.doesNotThrow(() => openListing(found.bytes, crypto, Date.now(), DIFFICULTY));
    assert.throws(() => openListing(found.bytes, crypto, Date.now(), 40), /ERR_PROOF_OF_WORK|work/);
  }
  assert.equal((await carol.node.readTag('music')).listings.length, 0, 'nothing under other tags');

  // Re-published while alice is online: a listing issued later than the first shows up before the first expires.
  const first = (await carol.node.readTag('retro')).listings.find((l) => toHex(l.body.room) === toHex(room));
  assert.ok(first !== undefined);
  const renewed = await eventually(
    're-published listing',
    async () => (await carol.node.readTag('retro')).listings.find((l) => toHex(l.body.room) === toHex(room) && l.body.issuedAt > first.body.issuedAt),
    TTL * 3,
  );
  assert.ok(renewed.body.issuedAt < first.body.expiresAt, 're-published before the first expired');

  // Alice goes offline: nobody re-publishes, so the listing expires and readers drop it.
  await alice.close();
  await eventually(
    'the listing expires after its publisher left',
    async () => !(await carol.node.readTag('retro', { signal: AbortSignal.timeout(3_000) })).listings.some((l) => toHex(l.body.room) === toHex(room)),
    TTL * 4,
  );
});
