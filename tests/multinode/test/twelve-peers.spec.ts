/**
 * Twelve peers in one room, hosted four to a process in three processes (tests/multinode/peer.ts,
 * one node each, all on loopback):
 *
 * 1. all twelve join (invites from the creator) and each sends a few messages: every message
 *    reaches every peer, in the same order everywhere;
 * 2. one peer's node stops while the others send 1,000 messages; restarted from its store, it
 *    catches up through sync to the identical history;
 * 3. four peers (spread over all three processes) are cut off from the other eight at the
 *    transport (each node's connection gater refuses the other side's peer ids and open connections
 *    are hung up); both sides send; after healing (gaters cleared, each of the four dials each of the eight) all
 *    twelve must show the same RoomState digest and the same history within 5 s.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { eventually, PeerProcess as Host, type Msg, type Started } from '../harness.ts';

const PROCESSES = 3;
const PEERS = 12;
const OFFLINE_MESSAGES = 1000;
const HEAL_LIMIT_MS = 5_000;

/** One hosted client: calls go to its process with `who` set. */
class Peer {
  readonly index: number;
  readonly host: Host;
  info: Started = { peerId: '', addrs: [], account: '' };
  constructor(index: number, host: Host) {
    this.index = index;
    this.host = host;
  }
  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    return this.host.call<T>(cmd, { ...args, who: `p${this.index}` }, timeoutMs);
  }
}

const hosts: Host[] = [];
const peers: Peer[] = [];
let room = '';
let channel = '';
const HISTORY_LIMIT = 5000;

after(async () => {
  for (const h of hosts) await h.call('close', {}, 5_000).catch(() => h.proc.kill());
});

const history = (p: Peer) => p.call<Msg[]>('history', { room, channel, limit: HISTORY_LIMIT });

/** Waits until every peer in `group` holds `count` messages; asserts they are identical (ids, texts, order). */
const identicalHistories = async (what: string, group: Peer[], count: number, timeoutMs: number): Promise<Msg[]> => {
  const hs = await eventually(
    what,
    async () => {
      const all = await Promise.all(group.map(history));
      return all.every((h) => h.length >= count) ? all : false;
    },
    timeoutMs,
    500,
  );
  const first = hs[0] as Msg[];
  assert.equal(first.length, count, `${what}: exactly ${count} messages`);
  for (const [i, h] of hs.entries()) assert.deepEqual(h, first, `${what}: peer ${group[i]?.index} history equals peer ${group[0]?.index}'s`);
  return first;
};

test('twelve peers in three processes: all join, every message reaches every peer in the same order', { timeout: 150_000 }, async () => {
  for (let i = 0; i < PROCESSES; i++) hosts.push(new Host(`host${i}`));
  for (let i = 0; i < PEERS; i++) peers.push(new Peer(i, hosts[i % PROCESSES] as Host));
  const creator = peers[0] as Peer;
  creator.info = await creator.call<Started>('start', { name: 'p0' });
  // The rest bootstrap from the creator, started in parallel (one per process at a time).
  for (let i = 1; i < PEERS; i += PROCESSES) {
    await Promise.all(
      peers.slice(i, i + PROCESSES).map(async (p) => {
        p.info = await p.call<Started>('start', { name: `p${p.index}`, bootstrap: creator.info.addrs });
      }),
    );
  }
  ({ room, channel } = await creator.call<{ room: string; channel: string }>('createRoom', { name: 'Twelve' }));
  const t0 = Date.now();
  for (let i = 1; i < PEERS; i += PROCESSES) {
    await Promise.all(
      peers.slice(i, i + PROCESSES).map(async (p) => {
        const url = await creator.call<string>('invite', { room });
        await p.call('join', { url });
        await eventually(`p${p.index} holds the key`, () => p.call<boolean>('canSend', { room, channel }), 40_000);
      }),
    );
  }
  const accounts = peers.map((p) => p.info.account);
  await eventually(
    'all twelve are members everywhere',
    async () => {
      for (const p of peers) {
        const m = await p.call<string[]>('members', { room });
        if (!accounts.every((a) => m.includes(a))) return false;
      }
      return true;
    },
    40_000,
  );
  console.log(`# twelve-peers: ${PEERS} peers in ${PROCESSES} processes joined in ${Date.now() - t0} ms`);

  const sent: string[] = [];
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      peers.map(async (p) => {
        const text = `r${round}-p${p.index}`;
        await p.call('send', { room, channel, text });
        sent.push(text);
      }),
    );
  }
  const h = await identicalHistories('every message at every peer', peers, sent.length, 45_000);
  assert.deepEqual(h.map((m) => m.text).sort(), [...sent].sort(), 'every message decrypted everywhere');
  const digests = await Promise.all(peers.map((p) => p.call<{ digest: string }>('digest', { room })));
  assert.equal(new Set(digests.map((d) => d.digest)).size, 1, 'one RoomState everywhere');
});

test(`a peer offline during ${OFFLINE_MESSAGES} messages catches up on return`, { timeout: 150_000 }, async () => {
  const before = (await history(peers[0] as Peer)).length;
  const offline = peers[PEERS - 1] as Peer;
  const online = peers.filter((p) => p !== offline);
  await offline.call('stop');
  // Ten senders (every online peer but the creator), 100 messages each, one sender per process at a time.
  const senders = online.slice(1);
  const per = OFFLINE_MESSAGES / senders.length;
  const t0 = Date.now();
  await Promise.all(
    hosts.map(async (h) => {
      for (const p of senders.filter((s) => s.host === h)) await p.call('sendMany', { room, channel, count: per, prefix: `off-p${p.index}-` }, 120_000);
    }),
  );
  console.log(`# twelve-peers: ${OFFLINE_MESSAGES} messages sent by ${senders.length} peers in ${Date.now() - t0} ms`);
  const total = before + OFFLINE_MESSAGES;
  const reference = await identicalHistories('the online eleven agree', online, total, 60_000);

  const t1 = Date.now();
  offline.info = await offline.call<Started>('restart', { rooms: [room], bootstrap: [...(peers[0] as Peer).info.addrs, ...(peers[1] as Peer).info.addrs] });
  const back = await eventually(
    'the returning peer caught up',
    async () => {
      const h = await history(offline);
      return h.length >= total ? h : false;
    },
    60_000,
    500,
  );
  console.log(`# twelve-peers: returning peer caught up ${back.length - before} messages in ${Date.now() - t1} ms`);
  assert.deepEqual(back, reference, 'the returning peer has the identical history');
});

test('a 4/8 partition at the transport heals to identical state within 5 s', { timeout: 150_000 }, async () => {
  const minority = peers.slice(0, 4); // processes 0, 1, 2, 0
  const majority = peers.slice(4);
  const before = (await history(peers[0] as Peer)).length;
  // A moderator on the majority side, so that both sides can change the RoomState while apart.
  const mod = majority[0] as Peer;
  const creator = peers[0] as Peer;
  await creator.call('grant', { room, account: mod.info.account, role: 'mod' });
  const granted = await eventually(
    'everyone sees the grant',
    async () => {
      const ds = await Promise.all(peers.map((p) => p.call<{ digest: string; length: number }>('digest', { room })));
      return new Set(ds.map((d) => d.digest)).size === 1 ? ds[0] : false;
    },
    30_000,
  );
  // Everyone must be connected again after the restart before the cut (the restarted peer has a new peer id).
  await Promise.all(minority.map((p) => p.call('block', { peers: majority.map((q) => q.info.peerId) })));
  await Promise.all(majority.map((p) => p.call('block', { peers: minority.map((q) => q.info.peerId) })));
  const cutOff = (p: Peer, other: Peer[]) => async () => {
    const connected = await p.call<string[]>('peers');
    return other.every((q) => !connected.includes(q.info.peerId));
  };
  for (const p of minority) await eventually(`p${p.index} cut off`, cutOff(p, majority), 10_000);
  for (const p of majority) await eventually(`p${p.index} cut off`, cutOff(p, minority), 10_000);

  // Both sides talk; each side converges on its own.
  const sent: string[] = [];
  await Promise.all(
    peers.map(async (p) => {
      for (let i = 0; i < 5; i++) {
        const text = `part-p${p.index}-${i}`;
        await p.call('send', { room, channel, text });
        sent.push(text);
      }
    }),
  );
  const hMin = await identicalHistories('the minority agrees', minority, before + 5 * minority.length, 30_000);
  const hMaj = await identicalHistories('the majority agrees', majority, before + 5 * majority.length, 30_000);
  // Each side changes the RoomState: the owner pins a message on one side, the moderator on the other.
  await creator.call('pin', { room, channel, message: (hMin.at(-1) as Msg).id });
  await mod.call('pin', { room, channel, message: (hMaj.at(-1) as Msg).id });
  const sideDigest = async (group: Peer[]) =>
    eventually(
      'one side agrees on its RoomState',
      async () => {
        const ds = await Promise.all(group.map((p) => p.call<{ digest: string; length: number }>('digest', { room })));
        return new Set(ds.map((d) => d.digest)).size === 1 && (ds[0]?.length ?? 0) > granted.length ? ds[0] : false;
      },
      30_000,
    );
  const [dMin, dMaj] = await Promise.all([sideDigest(minority), sideDigest(majority)]);
  assert.notEqual(dMin?.digest, dMaj?.digest, 'the two sides diverged');
  for (const p of minority) assert.ok(await cutOff(p, majority)(), `p${p.index} still cut off after sending`);

  // Heal: clear the gaters, and each minority peer dials every majority peer (the links that were cut).
  const t0 = Date.now();
  await Promise.all(peers.map((p) => p.call('unblock')));
  const dials = await Promise.all(minority.flatMap((p) => majority.map((q) => p.call('dial', { addr: q.info.addrs[0] }).catch((e: Error) => e.message))));
  assert.deepEqual(dials, Array(minority.length * majority.length).fill(true), 'the healing dials succeed');
  const total = before + sent.length;
  let digest = '';
  let healMs = 0;
  // Poll what is cheap (RoomState digests, have-vectors): the heal time is when they first agree on all twelve. Then confirm
  // on the folded histories, which is slow to compute for 1,000+ messages on twelve peers (seconds on a loaded machine) and
  // so is not counted; if they differ, polling goes on and the heal time moves to the next agreement.
  await eventually(
    'identical state on all twelve after healing',
    async () => {
      const [ds, vs] = await Promise.all([
        Promise.all(peers.map((p) => p.call<{ digest: string; length: number }>('digest', { room }))),
        Promise.all(peers.map((p) => p.call<{ total: number; digest: string }>('haveDigest', { room, channel }))),
      ]);
      const seen = () =>
        `entries/digest ${ds.map((d) => `${d.length}/${d.digest.slice(0, 6)}`).join(' ')}; have ${vs.map((v) => `${v.total}/${v.digest.slice(0, 6)}`).join(' ')}`;
      const same =
        new Set(ds.map((d) => d.digest)).size === 1 &&
        ds[0]?.length === granted.length + 2 &&
        new Set(vs.map((v) => v.digest)).size === 1 &&
        vs[0]?.total === total;
      if (!same) throw new Error(`not yet one state after ${Date.now() - t0} ms (want ${total} messages): ${seen()}`);
      healMs = Date.now() - t0;
      const hs = await Promise.all(peers.map((p) => p.call<{ count: number; digest: string }>('historyDigest', { room, channel, limit: HISTORY_LIMIT })));
      if (new Set(hs.map((h) => h.digest)).size !== 1 || hs[0]?.count !== total) {
        throw new Error(`histories differ after ${Date.now() - t0} ms: ${hs.map((h) => `${h.count}/${h.digest.slice(0, 6)}`).join(' ')}`);
      }
      digest = (ds[0] as { digest: string }).digest;
      return true;
    },
    HEAL_LIMIT_MS + 15_000,
    100,
  );
  console.log(
    `# twelve-peers: partition healed to one state (${total} messages, digest ${digest.slice(0, 12)}) in ${healMs} ms (histories confirmed at ${Date.now() - t0} ms)`,
  );
  // Honest traffic (joins, 1,000-message catch-up, a partition and its heal) never blocks a peer.
  for (const p of peers) assert.deepEqual(await p.call<unknown[]>('blocks'), [], `p${p.index} blocked no peer`);
  assert.ok(healMs <= HEAL_LIMIT_MS, `healed in ${healMs} ms (limit ${HEAL_LIMIT_MS} ms)`);
  const healedHistory = await history(peers[0] as Peer);
  assert.equal(healedHistory.length, total);
  assert.deepEqual(
    healedHistory
      .map((m) => m.text)
      .filter((t) => t?.startsWith('part-'))
      .sort(),
    [...sent].sort(),
    'every message from both sides everywhere',
  );
  for (const p of peers) assert.deepEqual(await history(p), healedHistory, `p${p.index} history after healing`);
});
