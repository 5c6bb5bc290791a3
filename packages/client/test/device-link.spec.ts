/**
 * Linking a second device by a one-time code and revoking it (PROTOCOL 2.1), with real clients on
 * real libp2p nodes: the linked device opens the account's rooms and reads old and new messages; a
 * wrong, reused, expired or malformed code links nothing; after a revocation the revoked device
 * cannot read what is sent afterwards (new epoch) and what it posts after its cut-off is refused by
 * the others.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { messageStream } from '@parley/net';
import { decodeLinkFrame, encodeLinkCode, encodeLinkFrame, LINK_LIMITS, LINK_PROTOCOL, offerId, parseLinkCode, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';
import { holdsAccountKey, LinkError, loadIdentity, NoAccountKeyError, type ParleyClient, recoveryPhrase, serializeIdentity } from '../src/index.ts';
import { crypto, eventually, testClient, texts } from './helpers.ts';

const clients: ParleyClient[] = [];
after(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
});
const add = (c: ParleyClient): ParleyClient => {
  clients.push(c);
  return c;
};

const refusal = async (p: Promise<unknown>, reason: string): Promise<void> => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LinkError, `expected a LinkError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.equal(e.code, 'link-failed');
    return true;
  });
};

/** How many devices of `account` the room's log at `c` certifies. */
const deviceCount = (c: ParleyClient, room: Uint8Array, account: Uint8Array): number =>
  c.members(room).find((m) => toHex(m.account) === toHex(account))?.devices.length ?? 0;

test('link a second device, refuse bad codes, revoke it', { timeout: 240_000 }, async () => {
  const alice = add(await testClient('link-alice'));
  const room = await alice.createRoom({ name: 'Linked room' });
  const general = alice.channels(room)[0]?.id as Uint8Array;
  const bob = add(await testClient('link-bob', { bootstrap: alice.node.multiaddrs() }));
  await bob.join(alice.createInvite(room), { timeoutMs: 60_000 });
  await alice.send(room, general, 'before the link');
  await eventually('bob reads alice', async () => (await texts(bob, room, general)).includes('before the link'));

  // ---- link ----
  const store2 = new MemoryStore();
  const alice2 = add(await testClient('link-alice-2', { store: store2, bootstrap: bob.node.multiaddrs() }));
  const throwaway = toHex(alice2.identity.account.publicKey);
  const offer = await alice.offerDeviceLink({ ttlMs: 60_000 });
  assert.match(offer.code, /^https:\/\/parley\.chat\/link#[A-Za-z0-9_-]+$/);
  const t0 = performance.now();
  const linked = await alice2.linkDevice(offer.code, { label: 'laptop', timeoutMs: 60_000 });
  const linkMs = performance.now() - t0;
  const done = await offer.linked;
  assert.deepEqual(done.device, alice2.identity.device.sign.publicKey);
  assert.equal(done.label, 'laptop');
  assert.deepEqual(
    linked.rooms.map((r) => [toHex(r.id), r.name]),
    [[toHex(room), 'Linked room']],
  );
  assert.equal(linked.failed.length, 0);
  assert.notEqual(toHex(alice2.identity.account.publicKey), throwaway);
  assert.deepEqual(alice2.identity.account.publicKey, alice.identity.account.publicKey);
  assert.equal(holdsAccountKey(alice2.identity), false, 'the account secret never crosses the link');
  assert.throws(() => recoveryPhrase(alice2.identity), NoAccountKeyError);
  await assert.rejects(alice2.offerDeviceLink(), NoAccountKeyError);
  // The linked identity survives a save and load without the account secret.
  const back = loadIdentity(serializeIdentity(alice2.identity), crypto);
  assert.equal(back.account.secret, undefined);
  assert.deepEqual(back.cert.bytes, alice2.identity.cert.bytes);
  console.log(`link: code to rooms open in ${linkMs.toFixed(0)} ms`);

  await eventually('the linked device reads the old message', async () => (await texts(alice2, room, general)).includes('before the link'));
  await eventually('bob sees two devices of alice', () => deviceCount(bob, room, alice.identity.account.publicKey) === 2);
  await alice.send(room, general, 'after the link');
  await eventually('the linked device reads the new message', async () => (await texts(alice2, room, general)).includes('after the link'));
  await alice2.send(room, general, 'from the laptop');
  await eventually(
    'bob and alice read the laptop',
    async () => (await texts(bob, room, general)).includes('from the laptop') && (await texts(alice, room, general)).includes('from the laptop'),
  );
  assert.equal(alice2.profile(room, alice.identity.account.publicKey)?.displayName, 'link-alice');

  const devs = alice.devices();
  assert.equal(devs.length, 2);
  assert.deepEqual(
    devs.map((d) => [d.thisDevice, d.revoked, d.rooms]),
    [
      [true, false, 1],
      [false, false, 1],
    ],
  );
  assert.equal(devs[1]?.label, 'laptop');
  assert.equal(alice2.devices().find((d) => d.thisDevice)?.label, 'laptop');

  // ---- codes that link nothing ----
  const stranger = add(await testClient('link-stranger', { bootstrap: bob.node.multiaddrs() }));
  const strangerAccount = toHex(stranger.identity.account.publicKey);
  await refusal(stranger.linkDevice(offer.code, { timeoutMs: 30_000 }), 'used');
  const fresh = await alice.offerDeviceLink({ ttlMs: 60_000 });
  const c = parseLinkCode(fresh.code);
  const wrong = new Uint8Array(c.secret);
  wrong[0] = (wrong[0] as number) ^ 1;
  // A wrong secret names another offer: the offering device knows none by that id.
  await refusal(stranger.linkDevice(encodeLinkCode({ ...c, secret: wrong }, 'https://parley.chat'), { timeoutMs: 30_000 }), 'unknown');
  const short = await alice.offerDeviceLink({ ttlMs: 1 });
  await new Promise((r) => setTimeout(r, 20));
  await refusal(stranger.linkDevice(short.code), 'expired');
  await refusal(short.linked, 'expired');
  // A device whose clock is behind: the offering device refuses the expired code itself.
  const late = add(await testClient('link-late', { bootstrap: bob.node.multiaddrs(), now: () => Date.now() - 120_000 }));
  const short2 = await alice.offerDeviceLink({ ttlMs: 50 });
  await new Promise((r) => setTimeout(r, 100));
  await refusal(late.linkDevice(short2.code, { timeoutMs: 30_000 }), 'expired');
  await refusal(stranger.linkDevice('https://parley.chat/link#AAAA'), 'invalid-code');
  await refusal(stranger.linkDevice('not a code at all'), 'invalid-code');
  await refusal(alice2.linkDevice(fresh.code), 'device-in-use');
  assert.equal(toHex(stranger.identity.account.publicKey), strangerAccount, 'a refused link leaves the identity as it was');
  assert.equal(stranger.rooms().length, 0);
  assert.equal(deviceCount(alice, room, alice.identity.account.publicKey), 2, 'nothing was certified');
  fresh.cancel();
  await refusal(fresh.linked, 'expired');
  await refusal(stranger.linkDevice(fresh.code, { timeoutMs: 30_000 }), 'expired');

  // ---- revoke ----
  // The laptop goes offline holding the room's current key.
  const laptopId = alice2.identity;
  await eventually('the laptop is not behind', async () => (await alice2.pendingCount()) === 0);
  await alice2.close();
  const epochBefore = bob.state(room).epochAt(general, bob.state(room).length - 1);
  const revoked = await alice.revokeDevice(laptopId.device.sign.publicKey);
  assert.deepEqual(
    revoked.map((r) => toHex(r)),
    [toHex(room)],
  );
  await eventually('bob sees the revocation and a new epoch', () => {
    const st = bob.state(room);
    return st.deviceInfo(laptopId.device.sign.publicKey)?.revoked === true && st.epochAt(general, st.length - 1) > epochBefore;
  });
  assert.deepEqual(
    alice.devices().map((d) => d.revoked),
    [false, true],
  );
  await eventually('alice and bob can send in the new epoch', () => alice.canSend(room, general) && bob.canSend(room, general));
  await alice.send(room, general, 'after the revocation');
  await eventually('bob reads it', async () => (await texts(bob, room, general)).includes('after the revocation'));

  // The laptop comes back alone (no peer), still unaware, and posts with the old key.
  const laptop = add(await testClient('link-alice-2', { identity: laptopId, store: store2, incarnation: 1 }));
  await laptop.openRoom(room);
  const postId = await laptop.send(room, general, 'posted by a revoked device');
  const post = await store2.get(postId, room);
  assert.ok(post !== undefined);
  assert.equal(await bob.ingest.frame(post.bytes, 'test', { room }), 'reject', 'bob refuses a post above the cut-off');
  assert.equal(await alice.ingest.frame(post.bytes, 'test', { room }), 'reject', 'alice refuses it too');

  // Online again, the laptop gets the log and the new envelopes, and opens none of them.
  await laptop.node.dial(bob.node.multiaddrs()[0] as string);
  await eventually('the laptop learns it was revoked', () => laptop.state(room).deviceInfo(laptopId.device.sign.publicKey)?.revoked === true);
  await laptop.syncNow();
  await eventually('the laptop holds the envelope sent after the revocation', async () => (await laptop.history(room, general, { limit: 100 })).length >= 4);
  assert.ok(!(await texts(laptop, room, general)).includes('after the revocation'), 'the revoked device cannot read the new epoch');
  assert.ok(!(await texts(bob, room, general)).includes('posted by a revoked device'));
  await assert.rejects(laptop.revokeDevice(laptopId.device.sign.publicKey), /cannot revoke itself/);
});

test('hellos with a wrong MAC are refused, and the offer is withdrawn after LINK_LIMITS.maxFailures', { timeout: 120_000 }, async () => {
  const alice = add(await testClient('link-mac-alice'));
  await alice.createRoom({ name: 'MAC room' });
  const mallory = add(await testClient('link-mac-mallory', { bootstrap: alice.node.multiaddrs() }));
  const offer = await alice.offerDeviceLink();
  const c = parseLinkCode(offer.code);
  await mallory.node.dial(c.addrs[0] as string);
  // Someone who learnt the offer id (not the secret) and guesses MACs.
  const hello = encodeLinkFrame({
    kind: 'hello',
    offer: offerId(crypto, c.secret),
    device: mallory.identity.device.sign.publicKey,
    boxKey: mallory.identity.device.box.publicKey,
    sig: new Uint8Array(64),
    mac: new Uint8Array(32),
  });
  const ask = async () => {
    const conn = mallory.node.libp2p.getConnections().find((x) => x.remotePeer.toString() === c.peer && x.status === 'open');
    assert.ok(conn !== undefined);
    const stream = await conn.newStream(LINK_PROTOCOL, { runOnLimitedConnection: true });
    const ms = messageStream(stream, LINK_LIMITS.maxFrameBytes);
    const signal = AbortSignal.timeout(10_000);
    await ms.write(hello, signal);
    const reply = decodeLinkFrame(await ms.read(LINK_LIMITS.maxFrameBytes, signal));
    await stream.close();
    return reply;
  };
  for (let i = 0; i < LINK_LIMITS.maxFailures; i++) assert.deepEqual(await ask(), { kind: 'refused', reason: 'wrong-secret' });
  await refusal(offer.linked, 'wrong-secret');
  assert.deepEqual(await ask(), { kind: 'refused', reason: 'expired' }, 'withdrawn');
  // The real code is dead too: nothing was linked.
  const late = add(await testClient('link-mac-late', { bootstrap: alice.node.multiaddrs() }));
  await refusal(late.linkDevice(offer.code, { timeoutMs: 30_000 }), 'expired');
  assert.equal(alice.devices().length, 1);
});
