/**
 * One Parley peer in its own process, driven over IPC by a multi-node test: it runs the SDK on a
 * loopback node in test mode and answers `{ id, cmd, args }` with `{ id, ok, result | error }`.
 * Bytes travel as lowercase hex.
 */
import { createIdentity, ParleyClient } from '@parley/client';
import { fromHex, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';

export interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args: Record<string, unknown>;
}

let client: ParleyClient | undefined;
const c = (): ParleyClient => {
  if (client === undefined) throw new Error('peer not started');
  return client;
};
const hex = (v: unknown): Uint8Array => fromHex(String(v));

const handlers: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
  async start(a) {
    const name = String(a.name);
    client = await ParleyClient.create({
      identity: createIdentity({ displayName: name, crypto: nodeCrypto }),
      store: new MemoryStore(),
      crypto: nodeCrypto,
      syncIntervalMs: 1000,
      keyDelayMs: 300,
      node: {
        listen: ['/ip4/127.0.0.1/tcp/0/ws'],
        dhtMode: 'server',
        testMode: true,
        iceServers: [],
        bootstrap: (a.bootstrap as string[] | undefined) ?? [],
      },
    });
    return { peerId: client.node.peerId, addrs: client.node.multiaddrs(), account: toHex(client.identity.account.publicKey) };
  },
  async createRoom(a) {
    const room = await c().createRoom({ name: String(a.name), channels: ['general'] });
    return { room: toHex(room), channel: toHex(c().channels(room)[0]?.id as Uint8Array) };
  },
  async invite(a) {
    return c().createInvite(hex(a.room), { addrs: a.addrs as string[] | undefined });
  },
  async join(a) {
    const r = await c().join(String(a.url), { timeoutMs: 45_000 });
    return { room: toHex(r.room), dhtPeers: r.dhtPeers, syncedFrom: r.syncedFrom };
  },
  async canSend(a) {
    return c().canSend(hex(a.room), hex(a.channel));
  },
  async send(a) {
    return toHex(await c().send(hex(a.room), hex(a.channel), String(a.text)));
  },
  async history(a) {
    return (await c().history(hex(a.room), hex(a.channel), { limit: 1000 })).map((m) => ({ id: toHex(m.id), text: m.text }));
  },
  async members(a) {
    return c()
      .members(hex(a.room))
      .map((m) => toHex(m.account));
  },
  async peers() {
    return c()
      .node.libp2p.getPeers()
      .map((p) => p.toString());
  },
  async close() {
    await client?.close();
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

process.on('message', (m: Request) => {
  const h = handlers[m.cmd];
  if (h === undefined) {
    process.send?.({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
    return;
  }
  h(m.args).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (e: unknown) => process.send?.({ id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
