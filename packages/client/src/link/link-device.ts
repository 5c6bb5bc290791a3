/**
 * The new device's side of linking (PROTOCOL 2.1): parse the code, dial the offering device (its
 * addresses from the code, relayed through the hubs both use, else by peer id), send a hello with a
 * MAC under the code's secret and a signature by this device's key, and check the grant: its MAC,
 * a DEVICE_CERT for exactly this device's keys, the offering device's certificate for the same
 * account, and a profile signed for that account. This device's identity becomes the account's
 * (public key only); the caller then opens the granted rooms (`openRooms`).
 */
import { messageStream, type ParleyNode, TruncatedMessageError } from '@parley/net';
import {
  type CryptoPort,
  decodeLinkFrame,
  encodeInviteUrl,
  encodeLinkFrame,
  equals,
  grantMac,
  helloTranscript,
  hmacSha256,
  isProtocolError,
  LINK_LIMITS,
  LINK_PROTOCOL,
  type LinkCode,
  type LinkGrant,
  type LinkRoom,
  macEquals,
  offerId,
  openDeviceCert,
  openProfile,
  parseLinkCode,
} from '@parley/protocol';
import { type Identity, withProfile } from '../identity.ts';
import { LinkError } from './link-error.ts';

export interface LinkDeviceDeps {
  readonly node: ParleyNode;
  readonly identity: Identity;
  readonly crypto: CryptoPort;
  readonly now: () => number;
}

export interface LinkDeviceOptions {
  /** This device's label in its certificate (e.g. 'laptop'). */
  readonly label?: string;
  /** Dial and exchange time limit (ms). Default 30 s. */
  readonly timeoutMs?: number;
}

export interface Granted {
  readonly identity: Identity;
  readonly grant: LinkGrant;
}

/** Parses a code into LinkError('invalid-code') or LinkError('expired'). */
export const readLinkCode = (code: string, now: number): LinkCode => {
  let c: LinkCode;
  try {
    c = parseLinkCode(code);
  } catch (e) {
    throw new LinkError('invalid-code', isProtocolError(e) ? `${e.field}: ${e.message}` : String(e), { cause: e });
  }
  if (now > c.expiresAt) throw new LinkError('expired', `the code expired ${Math.round((now - c.expiresAt) / 1000)} s ago; make a new one on the other device`);
  return c;
};

/** How long one address may take to dial before the next is tried (a WebRTC dial can hang until its own timeout). */
const DIAL_EACH_MS = 10_000;

const connect = async (node: ParleyNode, c: LinkCode, signal: AbortSignal) => {
  const open = () => node.libp2p.getConnections().find((x) => x.remotePeer.toString() === c.peer && x.status === 'open');
  // Relayed and direct addresses before WebRTC ones: a relayed connection answers at once (as in join).
  const ordered = [...c.addrs.filter((a) => !a.includes('/webrtc')), ...c.addrs.filter((a) => a.includes('/webrtc'))];
  const each = () => AbortSignal.any([signal, AbortSignal.timeout(DIAL_EACH_MS)]);
  for (const a of ordered) {
    if (open() !== undefined || signal.aborted) break;
    await node.dial(a.includes('/p2p/') ? a : `${a}/p2p/${c.peer}`, { signal: each() }).catch(() => undefined);
  }
  if (open() === undefined && !signal.aborted) await node.dial(c.peer, { signal: each() }).catch(() => undefined);
  const conn = open();
  if (conn === undefined) throw new LinkError('unreachable', `could not reach the offering device ${c.peer}; keep it open and online, then try again`);
  return conn;
};

export const requestLink = async (d: LinkDeviceDeps, code: string, o: LinkDeviceOptions = {}): Promise<Granted> => {
  const c = readLinkCode(code, d.now());
  const signal = AbortSignal.timeout(o.timeoutMs ?? 30_000);
  const conn = await connect(d.node, c, signal);
  const dev = d.identity.device;
  const base = { offer: offerId(d.crypto, c.secret), device: dev.sign.publicKey, boxKey: dev.box.publicKey, label: o.label };
  const transcript = helloTranscript(base, d.node.peerId, c.peer);
  const hello = encodeLinkFrame({
    kind: 'hello',
    ...base,
    sig: d.crypto.ed25519Sign(dev.sign.secret, transcript),
    mac: hmacSha256(d.crypto, c.secret, transcript),
  });
  let reply: ReturnType<typeof decodeLinkFrame>;
  try {
    const stream = await conn.newStream(LINK_PROTOCOL, { signal, runOnLimitedConnection: true });
    const ms = messageStream(stream, LINK_LIMITS.maxFrameBytes + 16);
    await ms.write(hello, signal);
    reply = decodeLinkFrame(await ms.read(LINK_LIMITS.maxFrameBytes, signal));
    await stream.close({ signal }).catch(() => undefined);
  } catch (e) {
    // The stream ending before a whole answer came is the connection's fault (a relay's limit, a
    // closed tab), not an answer that failed to verify.
    if (e instanceof TruncatedMessageError)
      throw new LinkError('unreachable', 'the connection to the offering device ended before its answer arrived', { cause: e });
    if (isProtocolError(e)) throw new LinkError('bad-grant', `${e.field}: ${e.message}`, { cause: e });
    throw new LinkError('unreachable', `the offering device did not answer: ${(e as Error).message}`, { cause: e });
  }
  if (reply.kind === 'refused') throw new LinkError(reply.reason, refusalText[reply.reason]);
  if (reply.kind !== 'grant') throw new LinkError('bad-grant', 'expected a grant');
  return { identity: checkGrant(d, c, hello, reply), grant: reply };
};

const refusalText = {
  unknown: 'the offering device has no such code (it may have restarted)',
  expired: 'the code expired or was withdrawn; make a new one',
  used: 'the code was already used: a code links one device',
  'wrong-secret': 'the code does not match the offer (mistyped or altered)',
  failed: 'the offering device could not certify this device',
} as const;

const checkGrant = (d: LinkDeviceDeps, c: LinkCode, hello: Uint8Array, g: LinkGrant): Identity => {
  const { mac, ...body } = g;
  if (!macEquals(grantMac(d.crypto, c.secret, hello, body), mac)) throw new LinkError('bad-grant', 'the grant MAC does not verify');
  try {
    const cert = openDeviceCert(g.cert, d.crypto);
    const dev = d.identity.device;
    if (!equals(cert.body.device, dev.sign.publicKey) || !equals(cert.body.boxKey, dev.box.publicKey))
      throw new LinkError('bad-grant', 'the certificate is for other device keys');
    const offerer = openDeviceCert(g.offererCert, d.crypto);
    if (!equals(offerer.body.account, cert.body.account)) throw new LinkError('bad-grant', "the offering device's certificate is for another account");
    const certOf = (k: Uint8Array) => (equals(k, offerer.body.device) ? offerer.body : equals(k, cert.body.device) ? cert.body : undefined);
    const profile = openProfile(g.profile, d.crypto, certOf);
    if (!equals(profile.body.account, cert.body.account)) throw new LinkError('bad-grant', 'the profile is for another account');
    // Signed again by this device, so that the stored identity carries a profile its own certificate vouches for.
    const linked: Identity = { account: { publicKey: cert.body.account }, device: dev, cert, profile };
    return withProfile(linked, { displayName: profile.body.displayName, color: profile.body.color }, d.now(), d.crypto);
  } catch (e) {
    if (e instanceof LinkError) throw e;
    throw new LinkError('bad-grant', isProtocolError(e) ? `${e.field}: ${e.message}` : String(e), { cause: e });
  }
};

/** Invite URLs (no token: the account is a member already) that open the granted rooms through the usual join path. */
export const grantedRoomUrls = (g: LinkGrant, origin: string): string[] =>
  g.rooms.map((r) => encodeInviteUrl({ room: r.id, addrs: [...g.addrs], name: r.name, heads: r.heads.length > 0 ? [...r.heads] : undefined }, origin));

export interface LinkResult {
  /** This device's identity now: the account's public key, its own certificate and the account's profile. Store it. */
  readonly identity: Identity;
  /** Rooms opened here, with the name the offering device knew (the log synced; keys arrive from the account's other devices). */
  readonly rooms: readonly { readonly id: Uint8Array; readonly name?: string | undefined }[];
  /** Granted rooms that could not be opened now, with why (open them later from an invite). */
  readonly failed: readonly { readonly room: Uint8Array; readonly error: Error }[];
}

/** Opens each granted room through `join` (the log from the offering device or the room's peers; no JOIN is authored: the account is a member). */
export const openGrantedRooms = async (g: Granted, origin: string, join: (url: string) => Promise<{ room: Uint8Array }>): Promise<LinkResult> => {
  const rooms: { id: Uint8Array; name?: string | undefined }[] = [];
  const failed: { room: Uint8Array; error: Error }[] = [];
  const urls = grantedRoomUrls(g.grant, origin);
  for (const [i, url] of urls.entries()) {
    const granted = g.grant.rooms[i] as LinkRoom;
    const room = granted.id;
    try {
      rooms.push({ id: (await join(url)).room, name: granted.name });
    } catch (e) {
      failed.push({ room, error: e as Error });
    }
  }
  return { identity: g.identity, rooms, failed };
};
