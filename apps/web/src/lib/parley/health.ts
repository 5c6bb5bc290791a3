/**
 * What the connection-health indicator says, from the client's connection paths: whether a hub is
 * reachable, and how each other peer is reached (direct WebRTC, WebRTC through a TURN relay, the
 * hub's circuit relay, or still connecting). Pure, so the words are tested without a browser.
 */
import { bestPathByPeer, type PeerPath } from '@parley/client';

export interface Health {
  /** Peers other than the hubs. */
  readonly peers: number;
  readonly direct: number;
  readonly turn: number;
  /** Peers reached only through a hub's circuit relay. */
  readonly circuit: number;
  /** Peers whose WebRTC connection is not confirmed yet. */
  readonly connecting: number;
  readonly hub: boolean;
  readonly online: boolean;
  readonly relayOnly: boolean;
}

export const EMPTY_HEALTH: Health = { peers: 0, direct: 0, turn: 0, circuit: 0, connecting: 0, hub: false, online: true, relayOnly: false };

export const summarizeHealth = (paths: readonly PeerPath[], hubs: readonly string[], o: { online: boolean; relayOnly: boolean }): Health => {
  const best = bestPathByPeer(paths);
  let [direct, turn, circuit, connecting, peers] = [0, 0, 0, 0, 0];
  for (const [peer, p] of best) {
    if (hubs.includes(peer)) continue;
    peers++;
    if (p.path === 'direct') direct++;
    else if (p.path === 'turn') turn++;
    else if (p.path === 'circuit') circuit++;
    else if (p.path === 'webrtc') connecting++;
  }
  return { peers, direct, turn, circuit, connecting, hub: hubs.some((h) => best.has(h)), online: o.online, relayOnly: o.relayOnly };
};

export type HealthState = 'ok' | 'peers' | 'offline';

/** The dot's state, the headline and the per-path detail ("2 peers: 1 direct, 1 via hub relay"). */
export const describeHealth = (h: Health): { state: HealthState; label: string; detail: string } => {
  const state: HealthState = h.hub ? 'ok' : h.peers > 0 ? 'peers' : 'offline';
  const label = state === 'ok' ? 'Hub reachable' : state === 'peers' ? 'Hub unreachable' : 'Offline';
  const parts = [
    h.direct > 0 ? `${h.direct} direct` : '',
    h.turn > 0 ? `${h.turn} via TURN relay` : '',
    h.circuit > 0 ? `${h.circuit} via hub relay` : '',
    h.connecting > 0 ? `${h.connecting} connecting` : '',
  ].filter((x) => x !== '');
  const count = `${h.peers} ${h.peers === 1 ? 'peer' : 'peers'}`;
  return { state, label, detail: parts.length === 0 ? count : `${count}: ${parts.join(', ')}` };
};
