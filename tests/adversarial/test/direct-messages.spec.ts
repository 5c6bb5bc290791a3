/**
 * Direct messages through a real hub process (issue 6, PROTOCOL 13): alice writes to bob while bob is
 * offline; alice leaves too; bob comes back connected to the hub alone and reads every message (the
 * hub delivered them), on the session kept in his DirectStore across the restart. Carol, a third
 * member of the room, fetches bob's inbox from the hub like anyone can and opens nothing. The hub's
 * database holds no plaintext: a canary scan of its PGlite files finds none, while a slice of a
 * direct envelope's ciphertext is found (the scan sees the data).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MemoryDirectStore } from '@parley/client';
import { acceptSession, DecryptError, decodeDirectBox, inboxChannel, isProtocolError, openEnvelope, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { Cast, community, copyHubDatabase, crypto, eventually, identity, peer, seededRandom } from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

const CANARY = 'PARLEY-DM-CANARY-5b2e91-plaintext';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

test('DMs reach an offline addressee through a hub, which stores only ciphertext; a third member reads none', { timeout: 600_000 }, async () => {
  const hub = await cast.hub('dm');
  const bobId = identity('dm-bob');
  const bobStore = new MemoryStore();
  const bobDms = new MemoryDirectStore();
  const { room, owner: alice, members } = await community(cast, 'dm', ['carol'], hub);
  const carol = members.carol as NonNullable<typeof members.carol>;
  let bob = cast.add(await peer('dm-bob', { bootstrap: [hub.addr], identity: bobId, store: bobStore, directStore: bobDms }));
  await bob.join(alice.createInvite(room), { timeoutMs: 120_000 });
  const A = alice.identity.account.publicKey;
  const B = bob.identity.account.publicKey;
  await eventually('alice knows bob is a member', () => alice.dmRoom(B) !== undefined);

  // A first exchange while both are online starts the sessions.
  await alice.sendDm(B, 'hello bob');
  await eventually('bob reads the first message', async () => (await bob.dmHistory(A)).some((m) => m.text === 'hello bob'));
  await bob.sendDm(A, 'hello alice');
  await eventually('alice reads the reply', async () => (await alice.dmHistory(B)).some((m) => m.text === 'hello alice'));

  // Bob goes offline; alice writes three messages, each carrying the canary; the hub acknowledges them.
  await bob.close();
  const offline = [0, 1, 2].map((i) => `${CANARY} while you were away ${i}`);
  for (const t of offline) await alice.sendDm(B, t);
  await eventually('the hub stored every direct envelope', async () => (await alice.pendingCount()) === 0);
  await alice.close();

  // Bob comes back with the same store and DirectStore, connected to the hub alone.
  bob = cast.add(await peer('dm-bob', { bootstrap: [hub.addr], identity: bobId, store: bobStore, directStore: bobDms }));
  await bob.openRoom(room);
  await eventually('bob reads all three from the hub', async () => {
    const got = (await bob.dmHistory(A)).map((m) => m.text);
    return offline.every((t) => got.includes(t)) && got;
  });
  const history = (await bob.dmHistory(A)).map((m) => m.text);
  assert.deepEqual(history, ['hello bob', 'hello alice', ...offline], 'the whole conversation, in order, after the restart');
  assert.equal((await bobDms.sessions(toHex(alice.identity.device.sign.publicKey))).length, 1, 'one session with alice: the persisted one carried on');

  // Carol asks the hub for bob's inbox, as any member can, and opens nothing.
  const inbox = inboxChannel(room, B, crypto);
  const have = await carol.node.have(hub.peerId, room, inbox);
  const aliceDevice = toHex(alice.identity.device.sign.publicKey);
  assert.ok((have[aliceDevice] ?? 0) >= 4, `the hub serves bob's inbox (${JSON.stringify(have)})`);
  const frames = await carol.node.getRange(hub.peerId, room, inbox, alice.identity.device.sign.publicKey, 1, have[aliceDevice] as number);
  assert.equal(frames.length, have[aliceDevice]);
  const carolKeys = carol.identity.device;
  for (const f of frames) {
    const env = openEnvelope(f, crypto);
    const box = decodeDirectBox(env.body.ciphertext);
    for (const r of box.recipients) {
      assert.notEqual(toHex(r.device), toHex(carolKeys.sign.publicKey));
      // Carol's box key in place of bob's: the session agreement and the AEAD both fail.
      assert.throws(
        () =>
          acceptSession(
            { self: r.device, box: carolKeys.box, peer: env.body.device, peerBox: alice.identity.device.box.publicKey },
            r.header,
            r.ciphertext,
            new Uint8Array(32),
            seededRandom('carol'),
            crypto,
          ),
        (e) => isProtocolError(e) && e instanceof DecryptError,
      );
    }
    assert.ok(!Buffer.from(f).includes(Buffer.from(CANARY)), 'no plaintext on the wire');
  }
  assert.deepEqual(await carol.dmHistory(A), []);
  assert.deepEqual(await carol.dmHistory(B), []);

  // The hub's database: every direct envelope is there, no canary anywhere.
  const rows = await copyHubDatabase(hub, room);
  const direct = rows.filter((r) => r.type === 'ENVELOPE' && openEnvelope(r.bytes, crypto).body.peer !== undefined);
  assert.ok(direct.length >= 5, `the hub holds the direct envelopes (${direct.length})`);
  const sample = direct.map((r) => decodeDirectBox(openEnvelope(r.bytes, crypto).body.ciphertext)).find((b) => (b.recipients[0]?.ciphertext.length ?? 0) > 60);
  const sampleCiphertext = sample?.recipients[0]?.ciphertext;
  assert.ok(sampleCiphertext !== undefined);
  const control = sampleCiphertext.subarray(8, 40);
  assert.equal(hub.rejected().length, 0, `the hub refused nothing: ${JSON.stringify(hub.rejected())}`);
  await hub.stop();
  let sawControl = false;
  for (const f of filesUnder(join(hub.dataDir, 'pglite'))) {
    const bytes = readFileSync(f);
    assert.equal(bytes.indexOf(Buffer.from(CANARY)), -1, `plaintext canary found in ${f}`);
    if (bytes.indexOf(Buffer.from(control)) >= 0) sawControl = true;
  }
  assert.ok(sawControl, "control: the hub's database files hold the direct envelopes' ciphertext");
});
