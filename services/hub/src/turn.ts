/**
 * TURN credentials for coturn's shared-secret mode (`use-auth-secret` + `static-auth-secret`, the
 * "TURN REST API" scheme): username `<expiry unix s>:<peer id>`, credential
 * base64(HMAC-SHA1(secret, username)). coturn checks the HMAC and the expiry itself; the hub only
 * mints. Peers fetch them over `/parley/turn/1.0.0`: the hub answers at once with one JSON object
 * bound to the peer id of the authenticated connection, at most RATE per minute per peer. The
 * asking side (fetchTurnCredentials, the answer's decoder) is in @parley/net.
 */
import { createHmac } from 'node:crypto';
import { type ParleyNode, TURN_PROTOCOL, type TurnCredential } from '@parley/net';

const RATE_PER_MINUTE = 10;

export const mintTurnCredential = (secret: string, peerId: string, ttlS: number, nowMs: number, urls: readonly string[] = []): TurnCredential => {
  if (secret === '') throw new TypeError('TURN secret is empty');
  if (!/^[A-Za-z0-9]{1,128}$/.test(peerId)) throw new TypeError('peer id must be base58/base32 text');
  const username = `${Math.floor(nowMs / 1000) + ttlS}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, ttl: ttlS, urls };
};

export interface TurnServiceOptions {
  readonly secret: string;
  readonly ttlS: number;
  readonly urls: readonly string[];
  readonly now?: () => number;
  readonly onRefused?: () => void;
}

/** Registers the TURN credential protocol on the hub's node. */
export const serveTurnCredentials = async (node: ParleyNode, o: TurnServiceOptions): Promise<void> => {
  const now = o.now ?? Date.now;
  const recent = new Map<string, number[]>();
  await node.libp2p.handle(TURN_PROTOCOL, async (stream, connection) => {
    const peer = connection.remotePeer.toString();
    const t = now();
    const times = (recent.get(peer) ?? []).filter((x) => x > t - 60_000);
    try {
      if (times.length >= RATE_PER_MINUTE) {
        o.onRefused?.();
        stream.send(new TextEncoder().encode(JSON.stringify({ error: 'rate' })));
      } else {
        times.push(t);
        stream.send(new TextEncoder().encode(JSON.stringify(mintTurnCredential(o.secret, peer, o.ttlS, t, o.urls))));
      }
      recent.set(peer, times);
      if (recent.size > 10_000) recent.clear();
      await stream.close();
    } catch (e) {
      stream.abort(e as Error);
    }
  });
};
