/**
 * Builds this tab's ParleyClient in two parts. `prepareClient` needs no identity: the IndexedDB
 * object store, the IndexedDB store of shared files' encrypted chunks (kept and served to peers
 * across reloads, least recently used evicted beyond its budget), and a started browser libp2p node
 * bootstrapped to the portal's hubs, so it runs while a new person is still on the profile step.
 * `startClient` then binds the client to the identity and reopens the rooms this browser holds.
 */
import { ClientHooks, type Identity, ParleyClient, type Relayed } from '@parley/client';
import { createParleyNode, type ParleyNode, type ParleyNodeOptions } from '@parley/net';
import { fromHex } from '@parley/protocol';
import type { FileStore, ObjectStore } from '@parley/store';
import { openIndexedDbFileStore, openIndexedDbStore } from '@parley/store-browser';
import { dialAllowed } from '../content-security-policy.ts';
import { perfMark } from '../perf-marks.ts';
import type { PortalConfig } from '../portal-config.ts';
import { FILE_STORE, OBJECT_STORE } from './browser-stores.ts';
import { LocalDirectStore } from './dm-storage.ts';
import type { KnownRoom } from './room-list.ts';
import { FollowerBus, followerNode, followerView } from './tab-bus.ts';

export interface PreparedClient {
  readonly store: ObjectStore;
  readonly files: FileStore;
  readonly hooks: ClientHooks;
  /** Started, and dialling (or connected to) the portal's hubs. */
  readonly node: ParleyNode;
  readonly iceServers: readonly RTCIceServer[] | undefined;
}

const nodeOptions = (config: PortalConfig): ParleyNodeOptions => ({
  bootstrap: config.bootstrap,
  // The page's CSP allows WebSockets to these hubs only: dial nothing else over ws.
  dialFilter: dialAllowed(config.bootstrap),
  // A person waits on this: re-dial a hub that went away every few seconds, not every 30 s.
  bootstrapRetryMs: 5_000,
  // Local deployments only: loopback dials, and no public STUN lookups that cannot help on one machine.
  ...(config.allowLoopback ? { testMode: true, iceServers: [] } : {}),
});

export const prepareClient = async (config: PortalConfig): Promise<PreparedClient> => {
  perfMark('prepare-started');
  const [store, files] = await Promise.all([openIndexedDbStore(OBJECT_STORE), openIndexedDbFileStore(FILE_STORE)]);
  perfMark('store-open');
  // The client binds these hooks (gossip checks, sync source, WebRTC configuration) once it exists.
  const hooks = new ClientHooks();
  const opts = nodeOptions(config);
  const node = await createParleyNode({ ...opts, ...hooks.nodeOptions(opts) });
  // The first peer is a hub (the node dials its bootstrap list when it starts).
  const connected = () => perfMark('hub-connected');
  node.libp2p.addEventListener('peer:connect', connected, { once: true });
  await node.start();
  perfMark('libp2p-started');
  return { store, files, hooks, node, iceServers: opts.iceServers };
};

export const startClient = async (
  identity: Identity,
  config: PortalConfig,
  rooms: readonly KnownRoom[],
  o: { relayOnly?: boolean; invisible?: boolean; tap?: (r: Relayed) => void } = {},
  prepared?: PreparedClient,
): Promise<ParleyClient> => {
  const p = prepared ?? (await prepareClient(config));
  const client = await ParleyClient.create({
    identity,
    store: p.store,
    files: p.files,
    node: p.node,
    hooks: p.hooks,
    closeNode: true,
    iceServers: p.iceServers,
    inviteOrigin: globalThis.location.origin,
    syncIntervalMs: 5_000,
    relayOnly: o.relayOnly ?? false,
    status: { initial: o.invisible === true ? 'invisible' : 'online' },
    directStore: new LocalDirectStore(),
    tap: o.tap,
  });
  for (const r of rooms) {
    // A room missing from the store (site data cleared) is skipped, not fatal.
    await client.openRoom(fromHex(r.hex)).catch(() => undefined);
  }
  return client;
};

export interface Follower {
  /** What the views get: reads from the follower client, writes through the leading tab. */
  readonly view: ParleyClient;
  readonly bus: FollowerBus;
  close(): Promise<void>;
}

/**
 * A follower tab's client (tab-bus.ts): follower mode over the same IndexedDB store, a node that
 * dials nothing, the rooms this browser holds opened from the store, and the leader's relays replayed.
 */
export const startFollower = async (identity: Identity, rooms: readonly KnownRoom[]): Promise<Follower> => {
  const [store, files] = await Promise.all([openIndexedDbStore(OBJECT_STORE), openIndexedDbFileStore(FILE_STORE)]);
  const node = await followerNode();
  const client = await ParleyClient.create({ identity, store, files, node, closeNode: true, follower: true, directStore: new LocalDirectStore() });
  // Listening before the rooms open: what arrives meanwhile for a room not open yet is in the store when it opens.
  const bus = new FollowerBus(client);
  for (const r of rooms) await client.openRoom(fromHex(r.hex)).catch(() => undefined);
  bus.hello();
  return {
    view: followerView(client, bus),
    bus,
    close: async () => {
      bus.close();
      await client.close();
    },
  };
};
