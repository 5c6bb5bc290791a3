/**
 * The adversarial suite's kit: honest and hostile peers are real ParleyClients on real libp2p nodes
 * on 127.0.0.1 (net's test mode); the hub is a real `parley-hub` process on PGlite. Attacker-side
 * helpers craft frames with the protocol core directly (the SDK refuses to author them), deliver
 * them by gossip and by a sync PUT, and read a copy of the hub's database as its operator would.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createIdentity, type DirectStore, type Identity, ParleyClient, type RejectEvent } from '@parley/client';
import {
  type Author,
  type AuthorityEntry,
  decryptEnvelope,
  type EntryAction,
  type EpochKey,
  entryCodec,
  openEnvelope,
  openEpochBundle,
  openEpochBundleFrame,
  openKeyShare,
  openKeyShareFrame,
  parseFrame,
  type RandomSource,
  type RoomPolicy,
  type RoomState,
  type Signed,
  sign,
  toHex,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore, type ObjectStore, storedFromSigned } from '@parley/store';
import { stopProcess } from '../kit/index.ts';

export const crypto = nodeCrypto;

/** Deterministic byte stream: SHA-256(name || counter) blocks. */
export const seededRandom = (name: string): RandomSource => {
  let counter = 0;
  let buf = new Uint8Array(0);
  return (n) => {
    while (buf.length < n) {
      const block = crypto.sha256(new TextEncoder().encode(`${name}/${counter++}`));
      const next = new Uint8Array(buf.length + block.length);
      next.set(buf);
      next.set(block, buf.length);
      buf = next;
    }
    const out = buf.slice(0, n);
    buf = buf.slice(n);
    return out;
  };
};

let serial = 0;
const run = `${process.pid}`;

export const identity = (name: string): Identity =>
  createIdentity({ displayName: name, random: seededRandom(`adv:${run}:id:${name}`), crypto, now: 1_750_000_000_000 });

/** One peer: a real client with its own libp2p node, a memory store, short sync and key delays. */
export const peer = (
  name: string,
  o: { bootstrap?: readonly string[]; identity?: Identity; store?: ObjectStore; directStore?: DirectStore } = {},
): Promise<ParleyClient> => {
  const n = serial++;
  return ParleyClient.create({
    identity: o.identity ?? identity(name),
    store: o.store ?? new MemoryStore(),
    directStore: o.directStore,
    crypto,
    random: seededRandom(`adv:${run}:rnd:${name}:${n}`),
    syncIntervalMs: 2000,
    keyDelayMs: 300,
    directory: false,
    node: {
      identitySeed: crypto.sha256(new TextEncoder().encode(`adv:${run}:node:${name}:${n}`)),
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      dhtMode: 'server',
      testMode: true,
      iceServers: [],
      bootstrap: o.bootstrap,
    },
  });
};

/** Retries `fn` until it returns a value other than undefined/false (or stops throwing); fails after `timeoutMs`. */
export const eventually = async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`eventually(${what}): timed out after ${timeoutMs} ms${last === undefined ? '' : `; last error: ${(last as Error).message ?? last}`}`);
};

export const texts = async (c: ParleyClient, room: Uint8Array, channel: Uint8Array): Promise<(string | undefined)[]> =>
  (await c.history(room, channel, { limit: 1000 })).map((m) => m.text);

/** Every rejection a client reports, from now on. */
export const rejections = (c: ParleyClient): RejectEvent[] => {
  const out: RejectEvent[] = [];
  c.on('reject', (r) => out.push(r));
  return out;
};

/** The rejection of the object `id` (hex), if `log` holds one. */
export const rejectedWith = (log: readonly { id?: string | undefined; code: string }[], id: Uint8Array): string | undefined =>
  log.find((r) => r.id === toHex(id))?.code;

/** Everything that decides a room's state, as one comparable string. */
export const digest = (s: RoomState): string =>
  JSON.stringify({
    valid: s
      .validEntries()
      .map((e) => toHex(e.id))
      .sort(),
    heads: s.heads().map(toHex),
    members: s.members().map((m) => ({ a: toHex(m.account), r: m.roles, m: m.muted, p: m.pending, d: m.devices.map((d) => [toHex(d.device), d.revoked]) })),
    banned: s.banned().map(toHex),
    roles: s
      .roles()
      .map((r) => [r.id, r.caps, r.rank])
      .sort(),
    channels: s.channels().map((c) => ({ id: toHex(c.id), n: c.name, acl: c.acl, e: s.epochAt(c.id, s.length - 1) })),
    policy: s.policy(),
  });

// ---- the hub: a real process on PGlite ----

const HUB_BIN = new URL('../../services/hub/bin/parley-hub.ts', import.meta.url).pathname;
export const HUB_TOKEN = 'adversarial-admin-token-0123456789';

export interface HubProcess {
  readonly child: ChildProcess;
  readonly peerId: string;
  readonly addr: string;
  readonly http: string;
  readonly dataDir: string;
  /** The hub's log lines (pino JSON) so far. */
  logs(): Record<string, unknown>[];
  /** Object ids (hex) the hub logged as rejected, with the protocol error code. */
  rejected(): { id: string; code: string }[];
  pin(room: Uint8Array): Promise<void>;
  objects(room: Uint8Array): Promise<number>;
  /** Stops the hub (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

const hubEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_HUB_ADMIN_TOKEN: HUB_TOKEN };
  delete env.DATABASE_URL; // PGlite in the data directory
  return env;
};

/** Starts a hub process on PGlite in a fresh directory, or on `dataDir` again (same identity, same database). */
export const startHub = async (label: string, dataDir = mkdtempSync(join(tmpdir(), `parley-adv-${label}-`))): Promise<HubProcess> => {
  const child = spawn(
    process.execPath,
    [HUB_BIN, '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0', '--data-dir', dataDir, '--test-mode', '--log-level', 'info'],
    { env: hubEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = await new Promise<{ peerId: string; multiaddrs: string[]; http: string }>((resolve, reject) => {
    // Minutes, not seconds: on the shared 2-core machine PGlite alone took 64 s to open at load 29.
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start in 300 s; stderr: ${err}`));
    }, 300_000);
    const look = (): void => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"ready":true')) continue;
        clearTimeout(t);
        resolve(JSON.parse(line));
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}; stderr: ${err}`)));
  });
  const admin = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${ready.http}${path}`, { method, headers: { authorization: `Bearer ${HUB_TOKEN}` } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  const logs = (): Record<string, unknown>[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{') && !l.startsWith('{"ready"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    peerId: ready.peerId,
    addr: ready.multiaddrs[0] as string,
    http: ready.http,
    dataDir,
    logs,
    rejected: () => logs().flatMap((l) => (l.msg === 'object rejected' ? [{ id: String(l.id), code: String(l.code) }] : [])),
    pin: async (room) => {
      await admin('PUT', `/admin/rooms/${toHex(room)}`);
    },
    objects: async (room) =>
      ((await admin('GET', '/admin/rooms')) as { rooms: { room: string; objects: number }[] }).rooms.find((r) => r.room === toHex(room))?.objects ?? 0,
    stop: async () => {
      await stopProcess(child);
    },
  };
};

export interface StolenRow {
  readonly id: Uint8Array;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/**
 * The operator's (or a thief's) view: a copy of the hub's PGlite directory, opened with PGlite
 * itself, every row of `objects` for `room`. The hub must be stopped first (PGlite is one process's).
 */
export const copyHubDatabase = async (hub: HubProcess, room: Uint8Array): Promise<StolenRow[]> => {
  const copy = mkdtempSync(join(tmpdir(), 'parley-adv-stolen-'));
  try {
    cpSync(join(hub.dataDir, 'pglite'), copy, { recursive: true });
    const db = new PGlite(copy);
    const r = await db.query<{ id: Uint8Array; bytes: Uint8Array }>('select id, bytes from objects where room = $1', [room]);
    await db.close();
    return r.rows.map((row) => ({ id: new Uint8Array(row.id), bytes: new Uint8Array(row.bytes), type: parseFrame(new Uint8Array(row.bytes)).type }));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
};

/** The operator edits its (stopped) hub's database directly. */
export const tamperHubDatabase = async (hub: HubProcess, query: string, params: unknown[]): Promise<number> => {
  const db = new PGlite(join(hub.dataDir, 'pglite'));
  const r = await db.query(query, params);
  await db.close();
  return r.affectedRows ?? 0;
};

/** Every epoch key sealed to `me`'s device in any bundle or share among `frames` (what a thief can open). */
export const openableKeys = (me: Identity, frames: readonly Uint8Array[]): EpochKey[] => {
  const out = new Map<string, EpochKey>();
  const device = me.device.sign.publicKey;
  for (const f of frames) {
    const type = parseFrame(f).type;
    if (type === 'EPOCH_BUNDLE') {
      const b = openEpochBundleFrame(f, crypto).body;
      const key = openEpochBundle(b, device, me.device.box, crypto);
      if (key !== undefined) out.set(`${toHex(b.channel)}/${b.epoch}/${toHex(b.keyId)}`, { channel: b.channel, epoch: b.epoch, keyId: b.keyId, key });
    } else if (type === 'KEY_SHARE') {
      const s = openKeyShareFrame(f, crypto).body;
      if (toHex(s.recipient) !== toHex(device)) continue;
      for (const k of openKeyShare(s, me.device.box, crypto)) out.set(`${toHex(k.channel)}/${k.epoch}/${toHex(k.keyId)}`, k);
    }
  }
  return [...out.values()];
};

/** The text of an envelope frame under any of `keys`, or undefined when none opens it. */
export const decryptWithAny = (frame: Uint8Array, keys: readonly EpochKey[]): string | undefined => {
  const env = openEnvelope(frame, crypto).body;
  for (const k of keys) {
    try {
      return decryptEnvelope(env, k.key, crypto).text ?? '';
    } catch {
      // not this key
    }
  }
  return undefined;
};

/** Publishes a crafted frame on the room's authority topic (no channel) or a channel's topic. */
export const gossip = async (from: ParleyClient, room: Uint8Array, channel: Uint8Array | undefined, bytes: Uint8Array): Promise<number> => {
  const topic = channel === undefined ? from.node.joinRoom(room) : from.node.joinChannel(room, channel);
  return from.node.publish(topic, bytes);
};

/**
 * Dials each witness from `from` and waits until `from` sees it subscribed to the room's authority
 * topic and (given) the channel's: a frame `from` gossips then reaches each witness directly, not
 * only through peers (honest ones, the hub) that drop it without passing it on.
 */
export const reach = async (from: ParleyClient, witnesses: readonly ParleyClient[], room: Uint8Array, channel?: Uint8Array): Promise<void> => {
  const topics = [from.node.joinRoom(room), ...(channel === undefined ? [] : [from.node.joinChannel(room, channel)])];
  for (const w of witnesses) await from.node.dial(w.node.multiaddrs()[0] as string).catch(() => undefined);
  await eventually(`${witnesses.length} witnesses subscribed as ${from.node.peerId}'s direct peers`, () =>
    topics.every((t) => witnesses.every((w) => from.node.gossip.peers(t).includes(w.node.peerId))),
  );
};

/** Offers crafted frames to the hub over the sync protocol's PUT; resolves with what it stored and refused (hex ids). */
export const putToHub = async (
  from: ParleyClient,
  hub: HubProcess,
  room: Uint8Array,
  frames: readonly Uint8Array[],
): Promise<{ stored: string[]; refused: { id: string; reason: string }[] }> => {
  const r = await from.node.put(hub.peerId, room, frames);
  return { stored: r.stored.map(toHex), refused: r.refused.map((x) => ({ id: toHex(x.id), reason: x.reason })) };
};

/** Waits for `p` at most `ms`; says on stderr what did not finish or failed, and never throws. */
const bounded = async (what: string, p: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const outcome = await Promise.race([
    p.then(
      () => 'done' as const,
      (e: unknown) => e,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') process.stderr.write(`# ${what}: not finished after ${ms} ms, going on\n`);
  else if (outcome !== 'done') process.stderr.write(`# ${what} failed: ${(outcome as Error)?.message ?? outcome}\n`);
};

/** Closes everything a test started (clients, then hubs), best effort. */
export class Cast {
  readonly clients: ParleyClient[] = [];
  readonly hubs: HubProcess[] = [];
  add<T extends ParleyClient>(c: T): T {
    this.clients.push(c);
    return c;
  }
  async hub(label: string, dataDir?: string): Promise<HubProcess> {
    const h = await startHub(label, dataDir);
    this.hubs.push(h);
    return h;
  }
  async close(): Promise<void> {
    // Bounded, and loud when it is not: a close that hangs would hold the whole file until the runner's timeout.
    for (const c of this.clients) await bounded(`close ${c.node.peerId}`, c.close(), 30_000);
    for (const h of this.hubs) {
      await h.stop().catch(() => undefined);
      rmSync(h.dataDir, { recursive: true, force: true });
    }
  }
}

export interface Community {
  readonly room: Uint8Array;
  readonly general: Uint8Array;
  readonly owner: ParleyClient;
  /** Members other than the owner, by name. */
  readonly members: Record<string, ParleyClient>;
  readonly all: ParleyClient[];
}

/**
 * The owner creates a room (pinned by `hub` when given), every other name joins by invite, and all
 * hold the channel key. Returns once everyone can send in #general.
 */
export const community = async (
  cast: Cast,
  label: string,
  names: readonly string[],
  hub?: HubProcess,
  policy: Partial<RoomPolicy> = {},
): Promise<Community> => {
  const bootstrap = hub === undefined ? undefined : [hub.addr];
  const owner = cast.add(await peer(`${label}-owner`, { bootstrap }));
  const room = await owner.createRoom({
    name: `Adversarial ${label}`,
    channels: ['general'],
    policy: hub === undefined ? policy : { hubs: [hub.peerId], ...policy },
  });
  const general = owner.channels(room)[0]?.id as Uint8Array;
  if (hub !== undefined) {
    await hub.pin(room);
    await eventually('the hub serves the room', async () => (await hub.objects(room)) > 0);
  }
  const members: Record<string, ParleyClient> = {};
  for (const n of names) {
    const c = cast.add(await peer(`${label}-${n}`, { bootstrap }));
    await c.join(owner.createInvite(room), { timeoutMs: 120_000 });
    members[n] = c;
  }
  const all = [owner, ...Object.values(members)];
  await eventually('everyone holds the channel key', () => all.every((c) => c.canSend(room, general)));
  return { room, general, owner, members, all };
};

export interface Witness {
  readonly client: ParleyClient;
  readonly log: RejectEvent[];
}

/** Starts recording every client's rejections. */
export const witnesses = (clients: readonly ParleyClient[]): Witness[] => clients.map((client) => ({ client, log: rejections(client) }));

/**
 * Delivers crafted objects every way a peer can: gossip on the room's authority topic (entries,
 * bundles, shares) or the channel's topic (envelopes), the attacker's own store (honest peers pull
 * it by sync catch-up), and a PUT to the hub. Resolves with the hub's answer.
 */
export const deliver = async (
  attacker: ParleyClient,
  room: Uint8Array,
  objects: readonly Signed<unknown>[],
  o: { hub?: HubProcess | undefined; channel?: Uint8Array | undefined; dial?: readonly ParleyClient[] } = {},
): Promise<{ stored: string[]; refused: { id: string; reason: string }[] }> => {
  for (const w of o.dial ?? []) await attacker.node.dial(w.node.multiaddrs()[0] as string).catch(() => undefined);
  for (const obj of objects) {
    const type = parseFrame(obj.bytes).type;
    await gossip(attacker, room, type === 'ENVELOPE' ? o.channel : undefined, obj.bytes).catch(() => 0);
  }
  await attacker.store.put(objects.map((obj) => storedFromSigned(obj, Date.now(), room)));
  return o.hub === undefined
    ? { stored: [], refused: [] }
    : putToHub(
        attacker,
        o.hub,
        room,
        objects.map((obj) => obj.bytes),
      );
};

/** Waits until every witness rejected every object, and returns the codes (object hex -> witness codes). */
export const rejectedByAll = async (ws: readonly Witness[], objects: readonly Signed<unknown>[], timeoutMs = 120_000): Promise<Map<string, string[]>> => {
  const out = new Map<string, string[]>();
  for (const obj of objects) {
    const codes: string[] = [];
    for (const w of ws) {
      codes.push(
        await eventually(`${w.client.identity.profile.body.displayName} rejects ${toHex(obj.id).slice(0, 12)}`, () => rejectedWith(w.log, obj.id), timeoutMs),
      );
      assert.equal(await w.client.store.get(obj.id, w.client.rooms()[0] as Uint8Array), undefined, 'a rejected object is not stored');
    }
    out.set(toHex(obj.id), codes);
  }
  return out;
};

/** Every witness ends with the same room state. */
export const converged = (ws: readonly { client: ParleyClient }[], room: Uint8Array, timeoutMs = 120_000): Promise<string> =>
  eventually(
    'every peer derives the same room state',
    () => {
      const d = ws.map((w) => digest(w.client.state(room)));
      return d.every((x) => x === d[0]) ? (d[0] as string) : undefined;
    },
    timeoutMs,
  );

/**
 * An authority entry as `nextEntry` would build it on `state`'s heads, with any field overridden
 * (seq, Lamport clock, previous entries, claimed account or signer) and signed by `secret`.
 */
export const craftEntry = (
  state: RoomState,
  author: Author,
  action: EntryAction,
  over: Partial<AuthorityEntry> & { secret?: Uint8Array } = {},
): Signed<AuthorityEntry> => {
  const prev = over.prev ?? state.heads();
  let lamport = 0;
  for (const p of prev) lamport = Math.max(lamport, state.lamportOf(p) ?? 0);
  const { secret, ...fields } = over;
  const body: AuthorityEntry = {
    signer: author.signer.publicKey,
    account: author.account,
    room: state.roomId,
    seq: state.nextSeq(author.signer.publicKey),
    lamport: lamport + 1,
    prev,
    time: Date.now(),
    action,
    ...fields,
  };
  return sign(entryCodec, body, secret ?? author.signer.secret, crypto);
};
