/**
 * The asking side of `/parley/turn/1.0.0`: a hub that runs a TURN relay (coturn, shared-secret
 * mode) answers a new stream with one JSON object, a credential bound to the asker's peer id, or
 * `{ "error": "rate" }`. The answer is bounded and checked field by field; anything else is a
 * TurnError. (The hub side, minting with the secret, is in @parley/hub.)
 */
import type { AbortOptions } from '@libp2p/interface';
import { TurnError } from './errors.ts';
import type { ParleyNode } from './parley-node.ts';

export const TURN_PROTOCOL = '/parley/turn/1.0.0';
/** Largest answer read (bytes). */
export const MAX_TURN_ANSWER = 4096;

export interface TurnCredential {
  /** `<expiry unix s>:<peer id>`. */
  readonly username: string;
  readonly credential: string;
  /** Seconds the credential is valid from when it was minted. */
  readonly ttl: number;
  /** `turn:` / `turns:` URLs, at most 8. */
  readonly urls: readonly string[];
}

const URL_RE = /^turns?:[^\s]{1,250}$/;

/** Decodes a hub's answer; throws TurnError for a refusal or anything malformed. */
export const parseTurnAnswer = (bytes: Uint8Array): TurnCredential => {
  if (bytes.length > MAX_TURN_ANSWER) throw new TurnError(`answer of ${bytes.length} bytes exceeds ${MAX_TURN_ANSWER}`);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new TurnError('answer is not JSON', { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TurnError('answer is not an object');
  const o = v as Record<string, unknown>;
  if (typeof o.error === 'string') throw new TurnError(`hub refused TURN credentials: ${o.error.slice(0, 64)}`);
  const { username, credential, ttl, urls } = o;
  if (typeof username !== 'string' || !/^\d{1,12}:[A-Za-z0-9]{1,128}$/.test(username)) throw new TurnError('answer.username malformed');
  if (typeof credential !== 'string' || !/^[A-Za-z0-9+/=]{1,256}$/.test(credential)) throw new TurnError('answer.credential malformed');
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 1 || ttl > 86_400) throw new TurnError('answer.ttl malformed');
  if (!Array.isArray(urls) || urls.length > 8 || !urls.every((u) => typeof u === 'string' && URL_RE.test(u))) throw new TurnError('answer.urls malformed');
  return { username, credential, ttl, urls: urls as string[] };
};

/** Asks a connected hub for TURN credentials bound to this node's peer id. */
export const fetchTurnCredentials = async (node: ParleyNode, hub: string, options: AbortOptions = {}): Promise<TurnCredential> => {
  const signal = options.signal ?? AbortSignal.timeout(10_000);
  const conn = node.libp2p.getConnections().find((c) => c.remotePeer.toString() === hub);
  if (conn === undefined) throw new TurnError(`not connected to hub ${hub}`);
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
        if (n > MAX_TURN_ANSWER) throw new TurnError(`answer exceeds ${MAX_TURN_ANSWER} bytes`);
        chunks.push(b);
      }
    })();
    await stream.close({ signal });
    await Promise.race([reading, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
  } catch (e) {
    stream.abort(e as Error);
    throw e instanceof TurnError ? e : new TurnError('no answer from the hub', { cause: e });
  }
  const all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return parseTurnAnswer(all);
};
