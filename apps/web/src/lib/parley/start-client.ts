/**
 * Builds this tab's ParleyClient in two parts. `prepareClient` needs no identity: the IndexedDB
 * object store, the IndexedDB store of shared files' encrypted chunks (kept and served to peers
 * across reloads, least recently used evicted beyond its budget), and a started browser libp2p node
 * bootstrapped to the portal's hubs, so it runs while a new person is still on the profile step.
 * `startClient` then binds the client to the identity and reopens the rooms this browser holds.
 */
import { ClientHooks, type Identity, ParleyClient } from '@parley/client';
import { createParleyNode, type ParleyNode, type ParleyNodeOptions } from '@parley/net';
import { fromHex } from '@parley/protocol';
import type { FileStore, ObjectStore } from '@parley/store';
import { openIndexedDbFileStore, openIndexedDbStore } from '@parley/store-browser';
import { dialAllowed } from '../content-security-policy.ts';
import { perfMark } from '../perf-marks.ts';
import type { PortalConfig } from '../portal-config.ts';
import type { KnownRoom } from './room-list.ts';

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
  const [store, files] = await Promise.all([
    openIndexedDbStore({ name: 'parley-objects', maxBytes: 200 * 1024 * 1024 }),
    openIndexedDbFileStore({ name: 'parley-files', maxBytes: 500 * 1024 * 1024 }),
  ]);
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
  o: { relayOnly?: boolean; invisible?: boolean } = {},
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
  });
  for (const r of rooms) {
    // A room missing from the store (site data cleared) is skipped, not fatal.
    await client.openRoom(fromHex(r.hex)).catch(() => undefined);
  }
  return client;
};
