/**
 * Authority-log attacks, end to end (THREATS 6, 7, 8, 11, 12): one room with an owner, an admin (a
 * custom role of rank 500 with MANAGE_ROLES), a moderator and members, a hub process pinning it.
 * Each attacker crafts entries with the protocol core (the SDK refuses to author them) and delivers
 * them by gossip, by its own store (sync catch-up) and by a PUT to the hub. Every honest peer must
 * reject them with a typed error, the hub must refuse them, and all must end in the same state.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ParleyClient } from '@parley/client';
import { CAP, cutoffRows, toHex } from '@parley/protocol';
import {
  Cast,
  type Community,
  community,
  converged,
  craftEntry,
  crypto,
  deliver,
  eventually,
  type HubProcess,
  peer,
  rejectedByAll,
  type Witness,
  witnesses,
} from '../kit.ts';

const cast = new Cast();
after(() => cast.close());

let hub: HubProcess;
let c: Community;
let ws: Witness[];
const m = (name: string): ParleyClient => c.members[name] as ParleyClient;
const acct = (x: ParleyClient): Uint8Array => x.identity.account.publicKey;
const ADMIN_CAPS = CAP.READ | CAP.SEND | CAP.INVITE | CAP.PIN | CAP.DELETE_MESSAGES | CAP.MUTE | CAP.KICK | CAP.BAN | CAP.MANAGE_ROLES | CAP.MANAGE_KEYS;

/**
 * Attackers end blocked by the peers they attacked (their penalties cross the threshold), so they
 * stop hearing the room: every later check is about the peers still honest.
 */
const burned = new Set<ParleyClient>();
const honest = (): Witness[] => ws.filter((w) => !burned.has(w.client));
const honestClients = (): ParleyClient[] => honest().map((w) => w.client);
/** Honest witnesses other than `attacker`, who is burned from now on. */
const others = (attacker: ParleyClient): Witness[] => {
  burned.add(attacker);
  return honest();
};

before(
  async () => {
    hub = await cast.hub('authority');
    c = await community(cast, 'auth', ['mallory', 'adam', 'carol', 'dave', 'eve', 'frank'], hub);
    await c.owner.act(c.room, { kind: 'define_role', role: 'admin', name: 'Admin', caps: ADMIN_CAPS, rank: 500, color: 0xe67e22 });
    await c.owner.grant(c.room, acct(m('adam')), 'admin');
    await c.owner.grant(c.room, acct(m('mallory')), 'mod');
    await eventually('everyone sees the roles', () =>
      c.all.every((x) => x.members(c.room).filter((mm) => mm.roles.includes('admin') || mm.roles.includes('mod')).length === 2),
    );
    ws = witnesses(c.all);
  },
  { timeout: 900_000 },
);

test('a moderator tries to ban the owner or a higher rank and fails', { timeout: 600_000 }, async () => {
  const mallory = m('mallory');
  await assert.rejects(() => mallory.ban(c.room, acct(c.owner)), { code: 'ERR_UNAUTHORIZED' }, 'the SDK refuses to ban the owner');
  await assert.rejects(() => mallory.ban(c.room, acct(m('adam'))), { code: 'ERR_UNAUTHORIZED' }, 'and an admin (rank 500 > 100)');
  await assert.rejects(() => mallory.kick(c.room, acct(c.owner)), { code: 'ERR_UNAUTHORIZED' });
  const s = mallory.state(c.room);
  const seq = s.nextSeq(mallory.author.signer.publicKey);
  const banOwner = craftEntry(s, mallory.author, { kind: 'ban', target: acct(c.owner), cutoffs: cutoffRows(s, acct(c.owner)), purge: true }, { seq });
  const banAdmin = craftEntry(
    s,
    mallory.author,
    { kind: 'ban', target: acct(m('adam')), cutoffs: cutoffRows(s, acct(m('adam'))), purge: false },
    { seq: seq + 1 },
  );
  const muteAdmin = craftEntry(s, mallory.author, { kind: 'mute', target: acct(m('adam')), cutoffs: [] }, { seq: seq + 2 });
  const before = c.owner.state(c.room).validEntries().length;
  const put = await deliver(mallory, c.room, [banOwner, banAdmin, muteAdmin], { hub, dial: c.all });
  const codes = await rejectedByAll(others(mallory), [banOwner, banAdmin, muteAdmin]);
  for (const [, cs] of codes)
    assert.ok(
      cs.every((x) => x === 'ERR_UNAUTHORIZED'),
      `rank rule: ${cs.join(', ')}`,
    );
  for (const e of [banOwner, banAdmin, muteAdmin])
    assert.ok(
      put.refused.some((r) => r.id === toHex(e.id) && r.reason === 'invalid'),
      'the hub refuses it',
    );
  await converged(honest(), c.room);
  assert.equal(c.owner.state(c.room).validEntries().length, before);
  assert.equal(c.owner.state(c.room).banned().length, 0);
});

test('a member without MANAGE_CHANNELS creating a channel is rejected', { timeout: 600_000 }, async () => {
  const carol = m('carol');
  await assert.rejects(() => carol.createChannel(c.room, 'carols-own'), { code: 'ERR_UNAUTHORIZED' }, 'the SDK refuses');
  const s = carol.state(c.room);
  const channel = crypto.sha256(new TextEncoder().encode('carols-channel')).slice(0, 16);
  const create = craftEntry(s, carol.author, { kind: 'create_channel', channel, name: 'carols-channel', channelKind: 'text', topic: '' });
  const put = await deliver(carol, c.room, [create], { hub, dial: c.all });
  const codes = await rejectedByAll(others(carol), [create]);
  assert.deepEqual([...new Set(codes.get(toHex(create.id)))], ['ERR_UNAUTHORIZED']);
  assert.ok(put.refused.some((r) => r.id === toHex(create.id) && r.reason === 'invalid'));
  await converged(honest(), c.room);
  for (const x of honestClients()) assert.ok(!x.channels(c.room).some((ch) => toHex(ch.id) === toHex(channel)), 'nobody has the channel');
});

test("a forged entry claiming the owner's key is rejected", { timeout: 600_000 }, async () => {
  const eve = m('eve');
  const s = eve.state(c.room);
  const target = acct(m('carol'));
  const ban = { kind: 'ban' as const, target, cutoffs: cutoffRows(s, target), purge: true };
  // 1. The owner's account as author, signed by eve's own (certified, but not for the owner) device.
  const asOwnerAccount = craftEntry(s, eve.author, ban, { account: acct(c.owner) });
  // 2. The owner's key as signer, with a signature eve made with her key.
  const ownerKey = { account: acct(c.owner), signer: { publicKey: acct(c.owner), secret: eve.identity.device.sign.secret } };
  const asOwnerKey = craftEntry(s, ownerKey, { kind: 'grant', target: acct(eve), role: 'admin' }, { secret: eve.identity.device.sign.secret });
  // 3. The owner's device as signer, ditto.
  const ownerDevice = c.owner.identity.device.sign.publicKey;
  const asOwnerDevice = craftEntry(s, { account: acct(c.owner), signer: { publicKey: ownerDevice, secret: eve.identity.device.sign.secret } }, ban, {
    secret: eve.identity.device.sign.secret,
  });
  const forged = [asOwnerAccount, asOwnerKey, asOwnerDevice];
  const put = await deliver(eve, c.room, forged, { hub, dial: c.all });
  const codes = await rejectedByAll(others(eve), forged);
  assert.ok(
    codes.get(toHex(asOwnerAccount.id))?.every((x) => x === 'ERR_UNAUTHORIZED'),
    'a device of another account: unauthorized',
  );
  assert.ok(
    codes.get(toHex(asOwnerKey.id))?.every((x) => x === 'ERR_SIGNATURE'),
    'a signature by another key: signature error',
  );
  assert.ok(codes.get(toHex(asOwnerDevice.id))?.every((x) => x === 'ERR_SIGNATURE'));
  for (const e of forged)
    assert.ok(
      put.refused.some((r) => r.id === toHex(e.id) && r.reason === 'invalid'),
      'the hub refuses it',
    );
  await converged(honest(), c.room);
  assert.equal(c.owner.state(c.room).banned().length, 0);
  assert.ok(!c.owner.members(c.room).some((x) => toHex(x.account) === toHex(acct(eve)) && x.roles.includes('admin')));
});

test('an entry whose prev hashes do not chain is rejected', { timeout: 600_000 }, async () => {
  const dave = m('dave');
  const s = dave.state(c.room);
  const seq = s.nextSeq(dave.author.signer.publicKey);
  const target = acct(m('frank'));
  const kick = { kind: 'kick' as const, target, cutoffs: cutoffRows(s, target) };
  const heads = s.heads();
  let top = 0;
  for (const h of heads) top = Math.max(top, s.lamportOf(h) ?? 0);
  // Previous entries nobody has (an invented hash): never ordered, stored or relayed; not a fault
  // (an entry can arrive before its previous ones), so the hub neither stores nor refuses it.
  const unknown = craftEntry(s, dave.author, kick, { seq, prev: [crypto.sha256(new TextEncoder().encode('no such entry'))], lamport: top + 1 });
  const put1 = await deliver(dave, c.room, [unknown], { hub, dial: c.all });
  assert.ok(!put1.stored.includes(toHex(unknown.id)), 'the hub does not store an entry it cannot chain');
  // A Lamport clock that does not follow its previous entries (a jump ahead, and one going back).
  const jump = craftEntry(s, dave.author, kick, { seq: seq + 1, lamport: top + 5 });
  const back = craftEntry(s, dave.author, kick, { seq: seq + 2, lamport: 1 });
  const put = await deliver(dave, c.room, [jump, back], { hub, dial: c.all });
  const codes = await rejectedByAll(others(dave), [jump, back]);
  for (const [, cs] of codes)
    assert.ok(
      cs.every((x) => x === 'ERR_FIELD'),
      cs.join(','),
    );
  for (const e of [jump, back]) assert.ok(put.refused.some((r) => r.id === toHex(e.id) && r.reason === 'invalid'));
  for (const x of honestClients()) await x.syncNow();
  await converged(honest(), c.room);
  for (const w of others(dave)) {
    assert.equal(await w.client.store.get(unknown.id, c.room), undefined, 'nobody stores it');
    assert.ok(w.client.state(c.room).positionOf(unknown.id) === undefined, "it is not in anyone's order");
    assert.ok(
      w.client.members(c.room).some((x) => toHex(x.account) === toHex(target)),
      'frank is still a member',
    );
  }
});

test('a replayed old GRANT does nothing', { timeout: 600_000 }, async () => {
  const frank = m('frank');
  const grantId = await c.owner.grant(c.room, acct(frank), 'mod');
  await eventually('everyone sees frank as mod', () =>
    honestClients().every((x) => x.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(frank)) && mm.roles.includes('mod'))),
  );
  const grant = (await frank.store.authority(c.room)).find((o) => toHex(o.id) === toHex(grantId));
  assert.ok(grant !== undefined, 'frank holds the GRANT as it was signed');
  await c.owner.revoke(c.room, acct(frank), 'mod');
  await eventually('everyone sees the revoke', () =>
    honestClients().every((x) => !x.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(frank)) && mm.roles.length > 0)),
  );
  const digest0 = await converged(honest(), c.room);
  // Frank replays the old GRANT's exact bytes everywhere (gossip, his store, the hub).
  await gossipRaw(frank, grant.bytes);
  const put = await frank.node.put(hub.peerId, c.room, [grant.bytes]);
  assert.equal(put.refused.length, 0, 'the hub already holds it: a duplicate, not an error');
  for (const x of honestClients()) await x.syncNow();
  assert.equal(await converged(honest(), c.room), digest0, 'the replay changed nothing');
  assert.ok(!c.owner.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(frank)) && mm.roles.includes('mod')));
  assert.ok(!c.owner.state(c.room).can(acct(frank), CAP.BAN, undefined, c.owner.state(c.room).length - 1), 'frank holds no moderator capability');
  // A late joiner who receives the whole log (the GRANT and its REVOKE in any order) agrees.
  const zed = cast.add(await peer('auth-zed', { bootstrap: [hub.addr] }));
  await zed.join(c.owner.createInvite(c.room), { timeoutMs: 120_000 });
  await gossipRaw(frank, grant.bytes);
  await eventually('zed sees frank without a role', () => zed.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(frank)) && mm.roles.length === 0));
  await converged([...honest(), { client: zed }], c.room);
});

/** Re-publishes exact bytes on the room's authority topic. */
const gossipRaw = async (from: ParleyClient, bytes: Uint8Array): Promise<void> => {
  await from.node.publish(from.node.joinRoom(c.room), bytes).catch(() => 0);
};

test("revoked moderator's bans/grants after revocation rejected everywhere, including backdated ones", { timeout: 600_000 }, async () => {
  const adam = m('adam');
  const dave = m('dave');
  const carol = m('carol');
  // What adam holds before his last valid act: the backdated entries build on it.
  const oldState = adam.state(c.room);
  const oldHeads = oldState.heads();
  // Before the revocation adam's acts are valid, and stay so.
  await adam.grant(c.room, acct(dave), 'mod');
  await eventually('everyone sees dave as mod', () =>
    honestClients().every((x) => x.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(dave)) && mm.roles.includes('mod'))),
  );
  await c.owner.revoke(c.room, acct(adam), 'admin');
  await eventually('adam saw his revocation', () => !adam.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(adam)) && mm.roles.includes('admin')));
  await assert.rejects(() => adam.ban(c.room, acct(carol)), { code: 'ERR_UNAUTHORIZED' }, 'the SDK refuses');

  const seq = adam.state(c.room).nextSeq(adam.author.signer.publicKey);
  // Backdated: built on heads from before the revocation (and before his grant), with the Lamport clock that fits them.
  const banBack = craftEntry(
    oldState,
    adam.author,
    { kind: 'ban', target: acct(carol), cutoffs: cutoffRows(oldState, acct(carol)), purge: true },
    { seq, prev: oldHeads },
  );
  const grantBack = craftEntry(oldState, adam.author, { kind: 'grant', target: acct(carol), role: 'mod' }, { seq: seq + 1, prev: oldHeads });
  // Backdated further: the genesis as the only previous entry, Lamport 1.
  const genesis = oldState.entries[0]?.entry.id as Uint8Array;
  const banGenesis = craftEntry(oldState, adam.author, { kind: 'ban', target: acct(carol), cutoffs: [], purge: false }, { seq: seq + 2, prev: [genesis] });
  // Current: on today's heads.
  const now = adam.state(c.room);
  const banNow = craftEntry(now, adam.author, { kind: 'ban', target: acct(carol), cutoffs: cutoffRows(now, acct(carol)), purge: false }, { seq: seq + 3 });
  const crafted = [banBack, grantBack, banGenesis, banNow];
  const put = await deliver(adam, c.room, crafted, { hub, dial: c.all });
  const codes = await rejectedByAll(others(adam), crafted);
  const show = (e: { id: Uint8Array }) => `${toHex(e.id).slice(0, 8)}: ${codes.get(toHex(e.id))?.join(',')}`;
  for (const e of [banBack, grantBack])
    assert.ok(
      codes.get(toHex(e.id))?.every((x) => x === 'ERR_CUTOFF'),
      `backdated while adam was admin: cut off (${show(e)})`,
    );
  // Sorted before adam even joined, or after his revocation: he held no capability there.
  for (const e of [banGenesis, banNow])
    assert.ok(
      codes.get(toHex(e.id))?.every((x) => x === 'ERR_CUTOFF' || x === 'ERR_UNAUTHORIZED'),
      show(e),
    );
  for (const e of crafted)
    assert.ok(
      put.refused.some((r) => r.id === toHex(e.id) && r.reason === 'invalid'),
      'the hub refuses it',
    );
  await converged(honest(), c.room);
  const st = c.owner.state(c.room);
  assert.equal(st.banned().length, 0, 'carol is not banned');
  assert.ok(!c.owner.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(carol)) && mm.roles.length > 0), 'carol got no role');
  assert.ok(
    c.owner.members(c.room).some((mm) => toHex(mm.account) === toHex(acct(dave)) && mm.roles.includes('mod')),
    'the grant adam made before his revocation stands',
  );
});
