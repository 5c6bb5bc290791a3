/**
 * kill -9 of a hub in the middle of 10,000 guaranteed-mode sends: after a restart on the same data,
 * every message the hub acknowledged before dying is in its database (ids checked), and the sender
 * re-offers the unacknowledged rest until all 10,000 are acknowledged and stored. PGlite and Postgres.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { createIdentity, ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { openPostgresStore } from '@parley/store-postgres';
import { BACKENDS, crypto, eventually, processArgs, type Running, startHubProcess } from './helpers.ts';

const N = Number(process.env.PARLEY_KILL9_MESSAGES ?? 10_000);
const KILL_AT = Math.floor(N / 4);

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

for (const make of BACKENDS) {
  const backend = make();
  describe(`kill -9 of a hub on ${backend.name} during ${N} guaranteed sends`, () => {
    const running: Running[] = [];
    let alice: ParleyClient | undefined;
    after(async () => {
      await alice?.close().catch(() => undefined);
      for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
      await backend.cleanup();
    });

    /** What a stalled run looks like from both sides: the client's outbox and one push pass, the hub's metrics and logs. */
    const diagnose = async (hub: Running) => {
      const c = alice as ParleyClient;
      console.log(
        `# diagnosis: ${await c.pendingCount()} pending; connected to the hub: ${c.node.libp2p.getPeers().some((p) => p.toString() === hub.ready.peerId)}`,
      );
      const pass = await Promise.race([
        c.pushToHubs().then(
          (n) => `acknowledged ${n}`,
          (e: unknown) => `failed: ${String(e)}`,
        ),
        new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000)),
      ]);
      console.log(`# one push pass: ${String(pass)}`);
      const metrics = await fetch(`${hub.ready.http}/metrics`).then(
        (r) => r.text(),
        (e: unknown) => String(e),
      );
      console.log(
        `# hub metrics:\n${metrics
          .split('\n')
          .filter((l) => !l.startsWith('#') && /rejected|sync|objects|gossip|inflight|in_flight/i.test(l))
          .join('\n')}`,
      );
      console.log(`# hub logs (tail):\n${hub.logs().slice(-4000)}`);
    };

    it('every acknowledged message survives; the rest is re-offered until all are stored', { timeout: 600_000 }, async () => {
      const storage = await backend.storage('kill9');
      const port = await freePort();
      const { args, env } = processArgs(storage);
      const listen = args.map((a) => (a === '/ip4/127.0.0.1/tcp/0/ws' ? `/ip4/127.0.0.1/tcp/${port}/ws` : a));
      let hub = await startHubProcess(listen, env);
      running.push(hub);
      const hubId = hub.ready.peerId;
      alice = await ParleyClient.create({
        identity: createIdentity({ displayName: 'alice', crypto }),
        store: new MemoryStore(),
        crypto,
        syncIntervalMs: 500,
        node: {
          listen: ['/ip4/127.0.0.1/tcp/0/ws'],
          dhtMode: 'client',
          testMode: true,
          iceServers: [],
          bootstrap: [hub.ready.multiaddrs[0] as string],
          bootstrapRetryMs: 300,
        },
      });
      const room = await alice.createRoom({ name: 'Kill -9', channels: ['general'], policy: { hubs: [hubId], durability: 'guaranteed' } });
      const general = alice.channels(room)[0]?.id as Uint8Array;
      const acked = new Set<string>();
      alice.on('acked', (a) => acked.add(toHex(a.id)));
      await eventually('the hub acknowledged the authority log', () => acked.size > 0, 30_000);

      const sent: string[] = [];
      let ackedBeforeKill: string[] = [];
      const t0 = Date.now();
      for (let i = 0; i < N; i++) {
        sent.push(toHex(await alice.send(room, general, `message ${i}`)));
        if (i === KILL_AT) {
          const progress = setInterval(() => console.log(`# ${acked.size} acknowledged, ${sent.length} sent`), 10_000);
          try {
            await eventually('some acknowledgements arrived', () => acked.size > KILL_AT / 4, 60_000);
          } catch (e) {
            await diagnose(hub);
            throw e;
          } finally {
            clearInterval(progress);
          }
          hub.child.kill('SIGKILL');
          await new Promise((r) => hub.child.once('exit', r));
          ackedBeforeKill = [...acked];
          hub = await startHubProcess(listen, env);
          running.push(hub);
          assert.equal(hub.ready.peerId, hubId);
        }
      }
      const sendMs = Date.now() - t0;
      try {
        await eventually('all sends acknowledged by the hub', async () => (await alice?.pendingCount()) === 0, 300_000);
      } catch (e) {
        await diagnose(hub);
        throw e;
      }
      const allMs = Date.now() - t0;
      hub.child.kill('SIGTERM');
      assert.equal(await new Promise((r) => hub.child.once('exit', r)), 0);

      const store =
        storage.kind === 'pglite'
          ? await openPostgresStore({ driver: 'pglite', dataDir: `${storage.dataDir}/pglite` })
          : await openPostgresStore({ driver: 'postgres', url: (storage as { url: string }).url });
      try {
        const held = new Set<string>();
        let after: { lamport: number; id: Uint8Array } | undefined;
        for (;;) {
          const page = await store.range(room, general, { limit: 1000, after });
          for (const o of page) held.add(toHex(o.id));
          const last = page.at(-1);
          if (last === undefined) break;
          after = { lamport: last.lamport as number, id: last.id };
        }
        const lost = ackedBeforeKill.filter((id) => !held.has(id) && sent.includes(id));
        assert.deepEqual(lost, [], 'no acknowledged message lost');
        assert.equal(held.size, N, `all ${N} stored after the re-offers`);
        for (const id of sent) assert.ok(held.has(id));
        console.log(
          `# kill9 ${backend.name}: ${N} sends in ${sendMs} ms, all acknowledged after ${allMs} ms; ${ackedBeforeKill.length} objects acknowledged before the kill, none lost`,
        );
      } finally {
        await store.close();
      }
    });
  });
}
