/**
 * Joining from an invite: parse and verify the invite (token signature, expiry), dial the invite's
 * addresses, ask the DHT for the room's peers, catch up the authority log from whoever serves it,
 * then author the JOIN (with this device's certificate and the invite token). Channel keys arrive
 * afterwards as KEY_SHAREs (see key-work.ts).
 */
import { type Invite, inviteTokenInTime, parseInviteUrl, toHex } from '@parley/protocol';
import type { ParleyClient } from './client.ts';
import { ClientError } from './errors.ts';
import type { RoomSession } from './room-session.ts';

export interface JoinResult {
  readonly room: Uint8Array;
  /** Room peers the DHT returned. */
  readonly dhtPeers: readonly string[];
  /** Peers the authority log was fetched from. */
  readonly syncedFrom: readonly string[];
}

export interface JoinDeps {
  newSession(room: Uint8Array): RoomSession;
  catchUp(s: RoomSession, peer: string): Promise<number>;
  peers(): string[];
  onJoined(s: RoomSession): void;
  sleep(ms: number): Promise<void>;
  closed(): boolean;
}

const withPeer = (addr: string, peer: string): string => (addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer}`);

export const joinRoom = async (client: ParleyClient, url: string, timeoutMs: number, d: JoinDeps): Promise<JoinResult> => {
  const invite: Invite = parseInviteUrl(url, client.crypto);
  if (invite.token !== undefined && !inviteTokenInTime(invite.token.body, client.now())) throw new ClientError('join-failed', 'invite expired');
  const s = d.newSession(invite.room);
  const node = client.node;
  await Promise.all(invite.addrs.map((a) => node.dial(a).catch(() => undefined)));
  const deadline = Date.now() + timeoutMs;
  const dhtPeers = new Set<string>();
  const syncedFrom = new Set<string>();
  while (!s.ready) {
    if (d.closed()) throw new ClientError('closed', 'client closed');
    if (Date.now() > deadline) throw new ClientError('join-failed', `no peer served room ${toHex(invite.room)} within ${timeoutMs} ms`);
    const found = await node.findRoomPeers(invite.room).catch(() => []);
    for (const p of found) {
      if (p.peerId === node.peerId) continue;
      dhtPeers.add(p.peerId);
      try {
        await node.dial(p.peerId);
      } catch {
        for (const a of p.addrs) {
          if (
            await node.dial(withPeer(a, p.peerId)).then(
              () => true,
              () => false,
            )
          )
            break;
        }
      }
    }
    for (const peer of new Set([...dhtPeers, ...d.peers()])) {
      if ((await d.catchUp(s, peer).catch(() => 0)) > 0) syncedFrom.add(peer);
    }
    if (!s.ready) await d.sleep(1000);
  }
  const me = client.identity.account.publicKey;
  const st = s.state;
  if (!st.isMember(me, st.length - 1)) {
    await client.act(s.id, { kind: 'join', cert: client.identity.cert.bytes, invite: invite.token?.bytes });
  }
  d.onJoined(s);
  // Channel history the peers hold (authority is in already).
  for (const peer of syncedFrom) await d.catchUp(s, peer).catch(() => 0);
  return { room: s.id, dhtPeers: [...dhtPeers], syncedFrom: [...syncedFrom] };
};
