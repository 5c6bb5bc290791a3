/**
 * parley-hub as operators run it: a real process on a temp data dir (PGlite), its ready line, the
 * HTTP side (/healthz, /readyz, /metrics, the admin API and its token), hostile HTTP input, and a
 * graceful SIGTERM (exit 0). Then the same against the machine's Postgres via DATABASE_URL.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { BACKENDS, startHubProcess, TOKEN, tempDir } from './helpers.ts';

const exitCode = (child: ChildProcess): Promise<number | null> => new Promise((r) => child.once('exit', (code) => r(code)));

/** Raw bytes to the HTTP port; resolves with whatever the server answered before closing. */
const raw = (url: string, bytes: string): Promise<string> =>
  new Promise((resolve) => {
    const u = new URL(url);
    const s = connect(Number(u.port), u.hostname, () => s.write(bytes));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
    });
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
    setTimeout(() => s.destroy(), 3000);
  });

for (const make of BACKENDS) {
  const backend = make();
  describe(`parley-hub process on ${backend.name}`, () => {
    after(() => backend.cleanup());

    it('serves health, readiness, metrics and the admin API; refuses hostile input; stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
      const storage = await backend.storage('proc');
      const dataDir = storage.kind === 'pglite' ? (storage.dataDir as string) : tempDir('proc-id');
      const env: Record<string, string> = { PARLEY_HUB_ADMIN_TOKEN: TOKEN };
      if (storage.kind === 'postgres') env.DATABASE_URL = storage.url;
      const hub = await startHubProcess(['--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dataDir, '--test-mode'], env);
      const base = hub.ready.http;
      try {
        assert.match(hub.ready.peerId, /^12D3Koo/);
        assert.equal((await fetch(`${base}/healthz`)).status, 200);
        const ready = await fetch(`${base}/readyz`);
        assert.equal(ready.status, 200);
        assert.equal(((await ready.json()) as { storage: string }).storage, storage.kind);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        for (const m of [
          'parley_hub_peers',
          'parley_hub_rooms',
          'parley_hub_objects_stored_total',
          'parley_hub_rejections_total',
          'parley_hub_process_cpu_seconds_total',
        ])
          assert.ok(metrics.includes(m), `metrics has ${m}`);
        // admin: token required, room ids checked, pins kept
        assert.equal((await fetch(`${base}/admin/rooms`)).status, 401);
        assert.equal((await fetch(`${base}/admin/rooms`, { headers: { authorization: 'Bearer wrong-token-xxxxxxxxxx' } })).status, 401);
        const auth = { authorization: `Bearer ${TOKEN}` };
        const room = 'ab'.repeat(32);
        assert.equal((await fetch(`${base}/admin/rooms/${room}`, { method: 'PUT', headers: auth })).status, 200);
        const rooms = (await (await fetch(`${base}/admin/rooms`, { headers: auth })).json()) as { rooms: { room: string; pinnedBy: string[] }[] };
        assert.deepEqual(
          rooms.rooms.map((r) => [r.room, r.pinnedBy]),
          [[room, ['operator']]],
        );
        const bad = await fetch(`${base}/admin/rooms/ZZ${room.slice(2)}`, { method: 'PUT', headers: auth });
        assert.equal(bad.status, 400);
        assert.equal(((await bad.json()) as { error: string }).error, 'bad-room');
        assert.equal((await fetch(`${base}/admin/rooms/${room}`, { method: 'POST', headers: auth })).status, 405);
        assert.equal((await fetch(`${base}/nope`)).status, 404);
        assert.equal((await fetch(`${base}/healthz`, { method: 'POST', body: 'x'.repeat(100_000) })).status, 413);
        // garbage on the socket: a 400 or a closed connection, never a crash
        for (const g of [
          '\x00\x01\x02garbage\r\n\r\n',
          `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          'GET /healthz HTTP/1.1\r\nHost: x\r\nX: '.padEnd(30_000, 'y'),
        ]) {
          const answer = await raw(base, g);
          assert.ok(answer === '' || /^HTTP\/1\.1 4\d\d/.test(answer), `refused: ${answer.slice(0, 60)}`);
        }
        assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still up after garbage');
        // the pin survives a restart (see below), and SIGTERM ends it cleanly
        hub.child.kill('SIGTERM');
        assert.equal(await exitCode(hub.child), 0);
        assert.ok(!/"level":50/.test(hub.logs()), 'no error lines');
        const again = await startHubProcess(['--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dataDir, '--test-mode'], env);
        try {
          assert.equal(again.ready.peerId, hub.ready.peerId, 'same identity from the identity file');
          const kept = (await (await fetch(`${again.ready.http}/admin/rooms`, { headers: auth })).json()) as { rooms: { room: string }[] };
          assert.deepEqual(
            kept.rooms.map((r) => r.room),
            [room],
          );
        } finally {
          again.child.kill('SIGTERM');
          assert.equal(await exitCode(again.child), 0);
        }
      } finally {
        if (hub.child.exitCode === null) hub.child.kill('SIGKILL');
      }
    });
  });
}
