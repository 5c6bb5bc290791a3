/**
 * Hostile input on every hub port, against a hub process: garbage and half-open connections on the
 * libp2p WebSocket port, malformed and oversized sync requests, forged and garbage frames offered by
 * PUT, a PUT flood over the peer's rate limit, PUTs for rooms the hub does not serve. Each gets a
 * typed refusal (or a reset stream), the hub stays up and ready, nothing it stored is lost, and the
 * room's members keep sending with acknowledgements. (HTTP garbage: ops-process.spec.ts.)
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { createParleyNode, type ParleyNode, SYNC_PROTOCOL, SyncRemoteError } from '@parley/net';
import { toHex } from '@parley/protocol';
import { BACKENDS, eventually, processArgs, type Running, startHubProcess, TOKEN, testClient } from './helpers.ts';

const rawTcp = (addr: string, bytes: Uint8Array | string): Promise<void> =>
  new Promise((resolve) => {
    const m = /\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(addr);
    const s = connect(Number(m?.[2]), m?.[1] as string, () => s.write(bytes));
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 1500);
  });

for (const make of BACKENDS) {
  const backend = make();
  describe(`hostile input against a hub on ${backend.name}`, () => {
    const running: Running[] = [];
    const clients: ParleyClient[] = [];
    const nodes: ParleyNode[] = [];
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      for (const n of nodes) await n.stop().catch(() => undefined);
      for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
      await backend.cleanup();
    });

    it('refuses garbage, forgeries and floods with typed errors; stays up; loses nothing', { timeout: 180_000 }, async () => {
      const { args, env } = processArgs(await backend.storage('hostile'));
      const hub = await startHubProcess([...args, '--max-object-bytes', '65536'], env);
      running.push(hub);
      const addr = hub.ready.multiaddrs[0] as string;
      const alice = await testClient('alice', { bootstrap: [addr] });
      clients.push(alice);
      const room = await alice.createRoom({ name: 'Hostile', channels: ['general'], policy: { hubs: [hub.ready.peerId], durability: 'guaranteed' } });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      for (let i = 0; i < 20; i++) await alice.send(room, general, `valid ${i}`);
      await eventually('alice acknowledged', async () => (await alice.pendingCount()) === 0, 30_000);
      const objects = async (): Promise<number> =>
        (
          (await (await fetch(`${hub.ready.http}/admin/rooms`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
            rooms: { room: string; objects: number }[];
          }
        ).rooms.find((r) => r.room === toHex(room))?.objects ?? 0;
      const before = await objects();
      assert.ok(before > 20);

      // 1. The WebSocket port: raw garbage, a bogus upgrade, an enormous header, a half-open connection.
      await rawTcp(addr, new Uint8Array(4096).fill(0xff));
      await rawTcp(
        addr,
        'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAA\r\nSec-WebSocket-Version: 13\r\n\r\n\x00\x01garbage',
      );
      await rawTcp(addr, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(100_000)}\r\n\r\n`);
      await rawTcp(addr, 'GET / HTTP/1.1\r\n');

      // 2. The sync protocol, from a real libp2p peer that is no member.
      const mallory = await createParleyNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], testMode: true, dhtMode: 'client' });
      nodes.push(mallory);
      await mallory.start();
      await mallory.dial(addr);
      for (const garbage of [Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), Uint8Array.of(5, 1, 2, 3, 4, 5), Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x08)]) {
        const conn = mallory.libp2p.getConnections().find((c) => c.remotePeer.toString() === hub.ready.peerId);
        assert.ok(conn !== undefined);
        const s = await conn.newStream(SYNC_PROTOCOL);
        s.send(garbage);
        await s.close().catch(() => undefined);
      }
      // forged frames: a real envelope with a flipped byte, plain garbage, an oversized blob
      const valid = (await alice.store.range(room, general, { limit: 1 }))[0]?.bytes as Uint8Array;
      const forged = valid.slice();
      forged[forged.length - 70] = (forged[forged.length - 70] as number) ^ 1;
      const r1 = await mallory.put(hub.ready.peerId, room, [forged, Uint8Array.of(1, 0x20, 0, 0), new Uint8Array(100_000).fill(7)]);
      assert.deepEqual(r1.stored, []);
      assert.deepEqual(r1.refused.map((x) => x.reason).sort(), ['invalid', 'invalid', 'too-large']);
      // a room the hub does not serve
      await assert.rejects(
        mallory.put(hub.ready.peerId, new Uint8Array(32).fill(9), [valid]),
        (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'not-served',
      );
      // a flood over the per-peer rate (burst 5,000 objects)
      let limited = false;
      const junk = Array.from({ length: 256 }, (_, i) => Uint8Array.of(1, 0x20, i));
      // Eight PUTs at a time: one after another, a loaded machine answers each so slowly that the
      // refill (1,000 a second) keeps up with a flood of 256-frame requests.
      for (let i = 0; i < 30 && !limited; i++) {
        const floods = Array.from({ length: 8 }, () =>
          mallory.put(hub.ready.peerId, room, junk).then(
            () => false,
            (e: unknown) => {
              if (e instanceof SyncRemoteError && e.remoteCode === 'rate') return true;
              throw e;
            },
          ),
        );
        limited = (await Promise.all(floods)).some((x) => x);
      }
      assert.ok(limited, 'the flood hit the rate limit with an explicit refusal');

      // 3. Still up, nothing lost, members still served.
      assert.equal((await fetch(`${hub.ready.http}/readyz`)).status, 200);
      assert.equal(await objects(), before, 'nothing stored was lost and nothing forged was added');
      await alice.send(room, general, 'after the attack');
      await eventually('still acknowledged', async () => (await alice.pendingCount()) === 0, 30_000);
      assert.equal(await objects(), before + 1);
      const metrics = await (await fetch(`${hub.ready.http}/metrics`)).text();
      for (const reason of ['invalid', 'too-large', 'rate'])
        assert.match(metrics, new RegExp(`parley_hub_rejections_total\\{reason="${reason}"\\} [1-9]`), reason);
      assert.equal(hub.child.exitCode, null, 'the hub process is alive');
    });
  });
}
