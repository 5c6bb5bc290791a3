/**
 * @parley/net — Parley's networking layer: one libp2p node (WebSockets, circuit relay v2, WebRTC,
 * identify, ping, kad-dht under `/parley/kad/1.0.0`, gossipsub) with room rendezvous on the DHT,
 * room gossip topics, and the `/parley/sync/1.0.0` request/response protocol. It moves bytes and
 * checks their shape; what a frame means is decided by the protocol core, injected as `verify`
 * hooks. This entry is the Node variant; bundlers pick index.browser.ts through the `browser`
 * export condition.
 *
 * @example
 * ```ts
 * import { createParleyNode } from '@parley/net';
 * const node = await createParleyNode({ bootstrap: ['/dns4/hub.example/tcp/443/wss/p2p/12D3Koo...'],
 *   verify: { gossip: (topic, bytes) => client.verdict(topic, bytes) }, sync: { source: store } });
 * await node.start();
 * await node.announceRoom(roomId);                    // provider + signed presence record
 * for (const p of await node.findRoomPeers(roomId)) await node.dial(p.peerId);
 * const topic = node.joinRoom(roomId);                // /parley/room/<hex>/authority
 * node.onMessage((m) => client.receive(m.topic, m.data));
 * const frames = await node.getAuthority(peerId, roomId);
 * await node.stop();
 * ```
 */
export { createParleyNode } from './create-node.node.ts';
export * from './shared-exports.ts';
