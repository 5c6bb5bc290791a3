/**
 * Joining from an invite: parse and verify the invite (token signature, expiry), dial the invite's
 * addresses, ask the DHT for the room's peers, catch up the authority log from whoever serves it,
 * until the log holds every entry the invite names (its authority heads when it was made: a peer
 * that withholds entries is not believed, THREATS 25), then author the JOIN (with this device's
 * certificate and the invite token; without a token only if the room's join mode admits that, as a
 * directory card's link has none). Channel keys arrive afterwards as KEY_SHAREs (see key-work.ts).
 */
import { equals, type Invite, inviteTokenInTime, parseInviteUrl, toHex } from '@parley/protocol';
import type { ParleyClient } from './client.ts';
import { ClientError } from './errors.ts';
import type { RoomSession } from './room-session.ts';

export interface JoinResult {
  readonly room: Uint8Array;
  /** Room peers the DHT returned before the JOIN (none when the invite's peers served the whole log). */
  readonly dhtPeers: readonly string[];
  /** Peers the authority log was fetched from. */
  readonly syncedFrom: readonly string[];
}

/**
 * Where a join is, told as it gets there: the invite's addresses dialled, the authority log complete
 * (every entry the invite names), the JOIN authored, the channel history asked of the log's peers.
 */
export type JoinStep = 'invite-dialled' | 'authority' | 'joined' | 'history';

export interface JoinDeps {
  newSession(room: Uint8Array): RoomSession;
  /** Forgets a session this join opened and could not finish (so no half-joined room is listed). */
  abandon(s: RoomSession): void;
  /** Catches up with a peer; `authorityOnly`: the log (with bundles, shares, profiles) and no channel history. */
  catchUp(s: RoomSession, peer: string, o?: { authorityOnly?: boolean }): Promise<number>;
  peers(): string[];
  onJoined(s: RoomSession): void;
  sleep(ms: number): Promise<void>;
  closed(): boolean;
  /** Resolves once any peer is connected, or after `ms`. */
  firstPeer?(ms: number): Promise<void>;
  onStep?(step: JoinStep): void;
}

/** How long a join with no connection at all waits for one (the node's bootstrap dials) before the DHT. */
const FIRST_PEER_WAIT_MS = 5_000;

const withPeer = (addr: string, peer: string): string => (addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer}`);

/**
 * Every peer that served the room's authority log served it without entries the invite names: a hub
 * or member withholding entries (THREATS 25). `peers` are the ones that served it, to distrust or
 * report; `missing` the ids of the entries no peer supplied.
 */
export class WithheldLogError extends ClientError {
  readonly room: Uint8Array;
  readonly peers: readonly string[];
  readonly missing: readonly Uint8Array[];
  constructor(room: Uint8Array, peers: readonly string[], missing: readonly Uint8Array[], timeoutMs: number) {
    super(
      'join-failed',
      `the peers found within ${timeoutMs} ms served room ${toHex(room)}'s authority log without ${missing.length} entr${missing.length === 1 ? 'y' : 'ies'} the invite names (${missing.map((h) => toHex(h).slice(0, 12)).join(', ')}); served by ${peers.join(', ') || 'nobody'}; try again when another member or hub is online`,
    );
    this.name = 'WithheldLogError';
    this.room = room;
    this.peers = peers;
    this.missing = missing;
  }
}

/** Heads named by the invite that this device's log does not hold as valid entries yet. */
const missingHeads = (s: RoomSession, heads: readonly Uint8Array[]): Uint8Array[] =>
  heads.filter((h) => {
    const p = s.state.positionOf(h);
    return p === undefined || !s.state.isValid(p);
  });

/** Has the log (genesis found) and every entry the invite names (THREATS 25: a peer withholding entries). */
const complete = (s: RoomSession, invite: Invite): boolean => s.ready && missingHeads(s, invite.heads ?? []).length === 0;

export const joinRoom = async (client: ParleyClient, url: string, timeoutMs: number, d: JoinDeps): Promise<JoinResult> => {
  const invite: Invite = parseInviteUrl(url, client.crypto);
  if (invite.token !== undefined && !inviteTokenInTime(invite.token.body, client.now())) throw new ClientError('join-failed', 'invite expired');
  const known = client.rooms().some((r) => toHex(r) === toHex(invite.room));
  const s = d.newSession(invite.room);
  try {
    return await joinSession(client, invite, s, timeoutMs, d);
  } catch (e) {
    if (!known) d.abandon(s);
    throw e;
  }
};

/** Asks the DHT for the room's peers and dials those not connected yet; returns their peer ids. */
const dialRoomPeers = async (client: ParleyClient, room: Uint8Array): Promise<string[]> => {
  const node = client.node;
  const found = await node.findRoomPeers(room).catch(() => []);
  const ids: string[] = [];
  for (const p of found) {
    if (p.peerId === node.peerId) continue;
    ids.push(p.peerId);
    // Already connected (a relayed connection counts: the fallback ladder upgrades it).
    if (node.libp2p.getPeers().some((x) => x.toString() === p.peerId)) continue;
    // Relayed and direct addresses before WebRTC ones, which the ladder dials itself with bounded times.
    const ordered = [...p.addrs.filter((a) => !a.includes('/webrtc')), ...p.addrs.filter((a) => a.includes('/webrtc'))];
    let ok = false;
    for (const a of ordered) {
      ok = await node.dial(withPeer(a, p.peerId)).then(
        () => true,
        () => false,
      );
      if (ok) break;
    }
    if (!ok) await node.dial(p.peerId).catch(() => undefined);
  }
  return ids;
};

const joinSession = async (client: ParleyClient, invite: Invite, s: RoomSession, timeoutMs: number, d: JoinDeps): Promise<JoinResult> => {
  const node = client.node;
  // A relayed address first, not its WebRTC twin: the fallback ladder upgrades the relayed connection.
  const relayed = new Set(invite.addrs.filter((a) => a.includes('/p2p-circuit/') && !a.includes('/webrtc')));
  const first = invite.addrs.filter((a) => !relayed.has(a.replace('/p2p-circuit/webrtc/', '/p2p-circuit/')) || relayed.has(a));
  await Promise.all(first.map((a) => node.dial(a).catch(() => undefined)));
  d.onStep?.('invite-dialled');
  const deadline = Date.now() + timeoutMs;
  const dhtPeers = new Set<string>();
  const syncedFrom = new Set<string>();
  // The peers the invite named (dialled above) usually serve the log: ask them before the DHT.
  // A join right after the node started may find the hubs still being dialled: wait for the first
  // connection rather than ask a DHT that nobody can reach yet.
  if (d.peers().length === 0) await d.firstPeer?.(Math.min(FIRST_PEER_WAIT_MS, timeoutMs));
  // Only the log before the JOIN: the history is fetched after it, while the members' key shares are on their way.
  const logOnly = { authorityOnly: true };
  for (const peer of d.peers()) {
    if ((await d.catchUp(s, peer, logOnly).catch(() => 0)) > 0) syncedFrom.add(peer);
    // One peer that served the whole log is enough to join; the others are caught up with afterwards.
    if (complete(s, invite)) break;
  }
  while (!complete(s, invite)) {
    if (d.closed()) throw new ClientError('closed', 'client closed');
    if (Date.now() > deadline) {
      if (!s.ready) throw new ClientError('join-failed', `no peer served room ${toHex(invite.room)} within ${timeoutMs} ms`);
      const missing = missingHeads(s, invite.heads ?? []);
      throw new WithheldLogError(invite.room, [...syncedFrom], missing, timeoutMs);
    }
    for (const p of await dialRoomPeers(client, invite.room)) dhtPeers.add(p);
    for (const peer of new Set([...dhtPeers, ...d.peers()])) {
      if ((await d.catchUp(s, peer, logOnly).catch(() => 0)) > 0) syncedFrom.add(peer);
    }
    if (!complete(s, invite)) await d.sleep(1000);
  }
  d.onStep?.('authority');
  const me = client.identity.account.publicKey;
  const st = s.state;
  if (!st.isMember(me, st.length - 1)) {
    // Every peer would refuse a token-less JOIN to an invite-only room (4.1): say so instead of authoring it.
    if (invite.token === undefined && st.policy().join === 'invite') {
      throw new ClientError('join-failed', `room ${toHex(invite.room)} takes members by invite only, and this link carries no invite token`);
    }
    await client.act(s.id, { kind: 'join', cert: client.identity.cert.bytes, invite: invite.token?.bytes });
  } else if (st.deviceInfo(client.identity.device.sign.publicKey) === undefined && !equals(client.identity.device.sign.publicKey, me)) {
    // A member's new device (a recovered account): it certifies itself into the room (ADD_DEVICE, signed
    // by the new device, carrying the account's certificate), so that its objects are valid and
    // direct messages are encrypted to it too.
    await client.act(s.id, { kind: 'add_device', cert: client.identity.cert.bytes });
  }
  d.onJoined(s);
  d.onStep?.('joined');
  // Channel history the peers hold (authority is in already).
  for (const peer of syncedFrom) await d.catchUp(s, peer).catch(() => 0);
  d.onStep?.('history');
  return { room: s.id, dhtPeers: [...dhtPeers], syncedFrom: [...syncedFrom] };
};
