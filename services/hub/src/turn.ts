/**
 * TURN credentials for coturn's shared-secret mode (`use-auth-secret` + `static-auth-secret`, the
 * "TURN REST API" scheme): username `<expiry unix s>:<peer id>`, credential
 * base64(HMAC-SHA1(secret, username)). coturn checks the HMAC and the expiry itself; the hub only
 * mints. Peers fetch them over `/parley/turn/1.0.0`: the hub answers at once with one JSON object
 * bound to the peer id of the authenticated connection, at most RATE per minute per peer.
 */
import { createHmac } from 'node:crypto';
import type { ParleyNode } from '@parley/net';

export const TURN_PROTOCOL = '/parley/turn/1.0.0';
const RATE_PER_MINUTE = 10;
const MAX_ANSWER = 4096;

export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
  /** Seconds the credential is valid from when it was minted. */
  readonly ttl: number;
  readonly urls: readonly string[];
}

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

/** Asks a hub for TURN credentials (bound to this node's peer id). Throws on refusal or garbage. */
export const fetchTurnCredentials = async (node: ParleyNode, hub: string, signal: AbortSignal = AbortSignal.timeout(10_000)): Promise<TurnCredential> => {
  const conn = node.libp2p.getConnections().find((c) => c.remotePeer.toString() === hub);
  if (conn === undefined) throw new Error(`not connected to hub ${hub}`);
  const stream = await conn.newStream(TURN_PROTOCOL, { signal });
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    // Read from the start (data and the remote's close may arrive before our own close returns),
    // close our side at once (there is no request), then wait for the answer's end.
    const reading = (async () => {
      for await (const c of stream) {
        const b = c.subarray();
        n += b.length;
        if (n > MAX_ANSWER) throw new Error('TURN answer too large');
        chunks.push(b);
      }
    })();
    await stream.close({ signal });
    await Promise.race([reading, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
  } catch (e) {
    stream.abort(e as Error);
    throw e;
  }
  const v = JSON.parse(new TextDecoder().decode(Buffer.concat(chunks))) as Partial<TurnCredential> & { error?: string };
  if (v.error !== undefined) throw new Error(`hub refused TURN credentials: ${v.error}`);
  if (typeof v.username !== 'string' || typeof v.credential !== 'string' || typeof v.ttl !== 'number' || !Array.isArray(v.urls))
    throw new Error('malformed TURN answer');
  return { username: v.username, credential: v.credential, ttl: v.ttl, urls: v.urls };
};
