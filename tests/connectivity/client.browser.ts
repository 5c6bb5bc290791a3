/**
 * Browser side of the connectivity suite: one real ParleyClient per page (the SDK the portal uses, an
 * in-memory store), bootstrapped to a real hub process, driven from Node through
 * `globalThis.parleyConn`. Every RTCPeerConnection the page makes is recorded by the test's init
 * script, so the test can read the selected candidate pairs itself, apart from the client's own view.
 */
import { createIdentity, type LadderState, ParleyClient, type PeerPath } from '@parley/client';
import { fromHex, toHex } from '@parley/protocol';
import { MemoryStore } from '@parley/store';

let client: ParleyClient | undefined;
const need = (): ParleyClient => {
  if (client === undefined) throw new Error('client not started');
  return client;
};
const received: string[] = [];

const api = {
  async start(o: { name: string; hub: string; relayOnly: boolean }): Promise<string> {
    client = await ParleyClient.create({
      identity: createIdentity({ displayName: o.name }),
      store: new MemoryStore(),
      relayOnly: o.relayOnly,
      // Rungs bounded by 20 s instead of 6 s: the suite checks which rung is taken, not how fast, on a
      // shared 2-core machine where a loaded Chromium can take longer than 6 s to set up WebRTC.
      node: { bootstrap: [o.hub], testMode: true, iceServers: [], bootstrapRetryMs: 1_000, addressDialTimeoutMs: 20_000 },
      // Catch-up every 2 s: the hub serves no room here, so gossip and sync both run over whatever path the ladder chose.
      syncIntervalMs: 2_000,
      keyDelayMs: 200,
      directory: false,
      ladder: { directTimeoutMs: 20_000, turnTimeoutMs: 20_000 },
    });
    // For the portal's health line (apps/web/test/health-probe.browser.tsx), bundled beside this script.
    (globalThis as unknown as { __parleyClient: ParleyClient }).__parleyClient = client;
    client.on('message', (m) => {
      if (typeof m.text === 'string') received.push(m.text);
    });
    return client.node.peerId;
  },
  /** Waits until the node holds a circuit-relay address on its hub (so an invite names one). */
  circuitAddrs: (): string[] =>
    need()
      .node.multiaddrs()
      .filter((a) => a.includes('/p2p-circuit')),
  async createRoom(name: string): Promise<{ room: string; channel: string; invite: string }> {
    const c = need();
    const room = await c.createRoom({ name, channels: ['general'] });
    const channel = c.channels(room)[0]?.id;
    if (channel === undefined) throw new Error('no channel');
    return { room: toHex(room), channel: toHex(channel), invite: c.createInvite(room) };
  },
  async join(url: string): Promise<{ room: string; channel: string }> {
    const c = need();
    const { room } = await c.join(url, { timeoutMs: 60_000 });
    const channel = c.channels(room)[0]?.id;
    if (channel === undefined) throw new Error('no channel');
    return { room: toHex(room), channel: toHex(channel) };
  },
  canSend: (room: string, channel: string): boolean => need().canSend(fromHex(room), fromHex(channel)),
  async send(room: string, channel: string, text: string): Promise<void> {
    await need().send(fromHex(room), fromHex(channel), text);
  },
  received: (): string[] => [...received],
  paths: (): Promise<PeerPath[]> => need().connectionPaths(),
  ladder: (): LadderState[] => need().ladder(),
  turnRefreshes: (): number => need().turnRefreshes,
  /** The TURN usernames this page holds now (`<expiry>:<peer id>`) and their passwords. */
  turnCredentials: (): { username: string; credential: string }[] =>
    (need().rtcConfiguration().iceServers ?? [])
      .filter((s) => typeof s.username === 'string')
      .map((s) => ({ username: s.username as string, credential: String(s.credential) })),
  async stop(): Promise<void> {
    await client?.close();
  },
};

export type ConnApi = typeof api;
(globalThis as unknown as { parleyConn: ConnApi }).parleyConn = api;
