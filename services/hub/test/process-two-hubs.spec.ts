/**
 * Two hub processes pinned to one room replicate it; one is killed (SIGKILL); the members keep
 * chatting through the other, and a late joiner (members offline) gets everything from it.
 * PGlite for one hub and the machine's Postgres for the other, so both backends serve.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { toHex } from '@parley/protocol';
import { eventually, pgliteBackend, postgresBackend, processArgs, type Running, startHubProcess, TOKEN, testClient } from './helpers.ts';

const pg = postgresBackend();
const lite = pgliteBackend();
const running: Running[] = [];
const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await pg.cleanup();
  await lite.cleanup();
});

const admin = async (hub: Running, method: string, path: string): Promise<unknown> => {
  const res = await fetch(`${hub.ready.http}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
};

const roomObjects = async (hub: Running, room: string): Promise<number> =>
  ((await admin(hub, 'GET', '/admin/rooms')) as { rooms: { room: string; objects: number }[] }).rooms.find((r) => r.room === room)?.objects ?? 0;

it('two pinned hubs replicate; one is killed; members and a late joiner keep working through the other', { timeout: 150_000 }, async () => {
  const a = processArgs(await lite.storage('two-a'));
  const hubA = await startHubProcess(a.args, a.env);
  running.push(hubA);
  const addrA = hubA.ready.multiaddrs[0] as string;
  const b = processArgs(await pg.storage('two-b'));
  const hubB = await startHubProcess([...b.args, '--bootstrap', addrA], b.env);
  running.push(hubB);
  const addrB = hubB.ready.multiaddrs[0] as string;

  const alice = await testClient('alice', { bootstrap: [addrA, addrB] });
  const bob = await testClient('bob', { bootstrap: [addrB, addrA] });
  clients.push(alice, bob);
  const room = await alice.createRoom({ name: 'Two hubs', channels: ['general'] });
  const hex = toHex(room);
  const general = alice.channels(room)[0]?.id as Uint8Array;
  await admin(hubA, 'PUT', `/admin/rooms/${hex}`);
  await admin(hubB, 'PUT', `/admin/rooms/${hex}`);
  await eventually('both hubs have the room', async () => (await roomObjects(hubA, hex)) > 0 && (await roomObjects(hubB, hex)) > 0, 40_000);
  await bob.join(alice.createInvite(room), { timeoutMs: 40_000 });
  await eventually('bob can send', () => bob.canSend(room, general));
  for (let i = 0; i < 10; i++) await (i % 2 === 0 ? alice : bob).send(room, general, `before ${i}`);
  const count = async (c: ParleyClient) => (await c.history(room, general, { limit: 1000 })).length;
  await eventually('both members have 10', async () => (await count(alice)) === 10 && (await count(bob)) === 10, 30_000);
  const a0 = await roomObjects(hubA, hex);
  await eventually('hub B holds what hub A holds', async () => (await roomObjects(hubB, hex)) >= a0 && a0 > 10, 30_000);

  hubA.child.kill('SIGKILL');
  await new Promise((r) => hubA.child.once('exit', r));
  for (let i = 0; i < 10; i++) await (i % 2 === 0 ? alice : bob).send(room, general, `after ${i}`);
  await eventually('members keep chatting: 20 each', async () => (await count(alice)) === 20 && (await count(bob)) === 20, 40_000);
  const ids = (await alice.history(room, general, { limit: 1000 })).map((m) => toHex(m.id));
  await eventually('hub B holds all 20 messages', async () => (await roomObjects(hubB, hex)) >= a0 + 10, 30_000);

  const invite = alice.createInvite(room);
  await alice.close();
  await bob.close();
  const carol = await testClient('carol', { bootstrap: [addrA, addrB] });
  clients.push(carol);
  const joined = await carol.join(invite, { timeoutMs: 60_000 });
  assert.deepEqual(joined.syncedFrom, [hubB.ready.peerId], 'served by the surviving hub');
  await eventually('carol has all 20', async () => (await count(carol)) === 20, 40_000);
  assert.deepEqual(
    (await carol.history(room, general, { limit: 1000 })).map((m) => toHex(m.id)),
    ids,
  );
  hubB.child.kill('SIGTERM');
});
