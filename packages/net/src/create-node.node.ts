/**
 * The Node variant: listens on WebSockets (a hub puts TLS in front of it, or uses `/tls/ws`), dials
 * WebSockets and circuit-relay addresses, optionally offers relay reservations (hubs) and WebRTC
 * (node-datachannel, loaded only when asked for) and mDNS discovery on the LAN (`mdns: true`). Signature checks default to node:crypto.
 */
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { mdns } from '@libp2p/mdns';
import { webSockets } from '@libp2p/websockets';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type ParleyNodeOptions, type RelayLimits, webRtcInit } from './options.ts';
import { buildParleyNode, type ParleyNode, type Platform } from './parley-node.ts';

/**
 * Running nodes with WebRTC in this process. node-datachannel's native threads can outlive every
 * peer connection (about one process in ten never exits after all nodes stopped), so the last
 * WebRTC node to stop releases them with its process-wide cleanup(). Process-wide state for a
 * process-wide native library; nothing else here is global.
 */
let webrtcNodes = 0;

const webrtcLifecycle = {
  onStarted: () => {
    webrtcNodes++;
  },
  onStopped: async () => {
    webrtcNodes--;
    if (webrtcNodes === 0) (await import('node-datachannel')).cleanup();
  },
};

const relayInit = (l: RelayLimits | undefined) =>
  l === undefined ? {} : { reservations: { maxReservations: l.maxReservations, defaultDurationLimit: l.durationMs, defaultDataLimit: BigInt(l.dataBytes) } };

export const createParleyNode = async (opts: ParleyNodeOptions = {}): Promise<ParleyNode> => {
  const transports: Platform['transports'] = [webSockets(), circuitRelayTransport()];
  if (opts.webrtc === true) {
    const { webRTC } = await import('@libp2p/webrtc');
    transports.push(webRTC(webRtcInit(opts)));
  }
  return buildParleyNode(opts, {
    transports,
    peerDiscovery: opts.mdns === true ? [mdns()] : undefined,
    services: opts.relayServer === true ? { relay: circuitRelayServer(relayInit(opts.relayLimits)) } : {},
    defaultListen: ['/ip4/0.0.0.0/tcp/0/ws'],
    defaultCrypto: nodeCrypto,
    defaultDhtMode: 'auto',
    ...(opts.webrtc === true ? webrtcLifecycle : {}),
  });
};
