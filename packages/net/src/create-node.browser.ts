/**
 * The browser variant: dials hubs over WebSockets, reserves circuit-relay slots on them
 * (`/p2p-circuit`), and upgrades to direct WebRTC between browsers (`/webrtc`). A browser cannot
 * accept connections, so it is a DHT client. Signature checks use noble (pure JS).
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { nobleCrypto } from '@parley/protocol';
import { type ParleyNodeOptions, webRtcInit } from './options.ts';
import { buildParleyNode, type ParleyNode } from './parley-node.ts';

export const createParleyNode = async (opts: ParleyNodeOptions = {}): Promise<ParleyNode> =>
  buildParleyNode(opts, {
    transports: [webSockets(), webRTC(webRtcInit(opts)), circuitRelayTransport()],
    defaultListen: ['/p2p-circuit', '/webrtc'],
    defaultCrypto: nobleCrypto,
    defaultDhtMode: 'client',
  });
