/**
 * The offering side of device linking (PROTOCOL 2.1): a device that holds the account key makes a
 * one-time code and serves `/parley/link/1.0.0` while the code is open. A hello whose MAC (and the
 * new device's signature) verify uses the code up; this device then certifies the new device's keys
 * (DEVICE_CERT), publishes ADD_DEVICE with that certificate in every open room of which the account
 * is a member, and answers with the certificate, the account's profile and the rooms (ids, names,
 * authority heads after the ADD_DEVICE) and its own addresses. Its key work then shares the rooms'
 * keys with the new device like with any new device.
 */
import { messageStream, type ParleyNode } from '@parley/net';
import {
  type CryptoPort,
  DecodeError,
  decodeLinkFrame,
  deviceCertCodec,
  type EntryAction,
  encodeLinkCode,
  encodeLinkFrame,
  equals,
  grantMac,
  helloTranscript,
  hmacSha256,
  LINK_LIMITS,
  LINK_PROTOCOL,
  type LinkFrame,
  type LinkHello,
  type LinkRoom,
  macEquals,
  offerId,
  type RandomSource,
  sign,
  toHex,
  validateMultiaddr,
} from '@parley/protocol';
import { accountKeyPair, type Identity } from '../identity.ts';
import type { RoomSession } from '../room-session.ts';
import { LinkError } from './link-error.ts';

export interface LinkedDevice {
  readonly device: Uint8Array;
  readonly label?: string | undefined;
  /** Rooms the new device was certified into (ADD_DEVICE published here). */
  readonly rooms: readonly Uint8Array[];
}

export interface LinkOffer {
  /** The one-time code: a URL whose fragment holds the secret. Show it only to the person. */
  readonly code: string;
  readonly expiresAt: number;
  /** Resolves once a device linked with the code; rejects with LinkError when it expires, is withdrawn or refused too many wrong hellos. */
  readonly linked: Promise<LinkedDevice>;
  /** Withdraws the code (the promise rejects with reason 'expired'). */
  cancel(): void;
}

export interface OfferOptions {
  /** How long the code stays valid (ms). Default 5 minutes, at most 15. */
  readonly ttlMs?: number;
}

export interface LinkOfferDeps {
  readonly node: ParleyNode;
  readonly identity: () => Identity;
  readonly crypto: CryptoPort;
  readonly random: RandomSource;
  readonly now: () => number;
  readonly origin: string;
  readonly sessions: () => Iterable<RoomSession>;
  readonly act: (room: Uint8Array, action: EntryAction) => Promise<Uint8Array>;
}

interface OpenOffer {
  readonly secret: Uint8Array;
  readonly expiresAt: number;
  state: 'open' | 'used' | 'closed';
  failures: number;
  readonly resolve: (d: LinkedDevice) => void;
  readonly reject: (e: LinkError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

type Stream = Parameters<typeof messageStream>[0];

const DEFAULT_TTL_MS = 5 * 60_000;
const STREAM_TIMEOUT_MS = 30_000;

export class LinkOffers {
  readonly #d: LinkOfferDeps;
  /** Offer id hex -> offer; closed and used ones stay (bounded) so a reused code hears why. */
  readonly #offers = new Map<string, OpenOffer>();
  #handling = false;

  constructor(d: LinkOfferDeps) {
    this.#d = d;
  }

  async offer(o: OfferOptions = {}): Promise<LinkOffer> {
    const d = this.#d;
    accountKeyPair(d.identity(), 'link a device');
    const ttl = Math.min(Math.max(o.ttlMs ?? DEFAULT_TTL_MS, 1), LINK_LIMITS.maxTtlMs);
    const secret = d.random(32);
    const expiresAt = d.now() + ttl;
    const addrs = dialableAddrs(d.node);
    await this.#handle();
    let resolve!: (v: LinkedDevice) => void;
    let reject!: (e: LinkError) => void;
    const linked = new Promise<LinkedDevice>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    linked.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
    const id = toHex(offerId(d.crypto, secret));
    const close = (why: string) => {
      const x = this.#offers.get(id);
      if (x === undefined || x.state !== 'open') return;
      x.state = 'closed';
      clearTimeout(x.timer);
      x.reject(new LinkError('expired', why));
    };
    const timer = setTimeout(() => close('the code expired before a device used it'), ttl);
    this.#offers.set(id, { secret, expiresAt, state: 'open', failures: 0, resolve, reject, timer });
    this.#prune();
    return {
      code: encodeLinkCode({ peer: d.node.peerId, secret, expiresAt, addrs }, d.origin),
      expiresAt,
      linked,
      cancel: () => close('the code was withdrawn'),
    };
  }

  /** Withdraws every open offer and stops serving the protocol. */
  async stop(): Promise<void> {
    for (const [, o] of this.#offers) {
      clearTimeout(o.timer);
      if (o.state === 'open') {
        o.state = 'closed';
        o.reject(new LinkError('expired', 'the client closed'));
      }
    }
    if (this.#handling) await this.#d.node.libp2p.unhandle(LINK_PROTOCOL).catch(() => undefined);
    this.#handling = false;
  }

  async #handle(): Promise<void> {
    if (this.#handling) return;
    this.#handling = true;
    await this.#d.node.libp2p.handle(LINK_PROTOCOL, (stream, conn) => this.#serve(stream, conn.remotePeer.toString()), {
      maxInboundStreams: 4,
      runOnLimitedConnection: true,
    });
  }

  #prune(): void {
    if (this.#offers.size <= 64) return;
    for (const [k, o] of this.#offers) if (o.state !== 'open' && this.#offers.size > 64) this.#offers.delete(k);
  }

  async #serve(stream: Stream, remote: string): Promise<void> {
    const ms = messageStream(stream, LINK_LIMITS.maxFrameBytes + 16);
    const signal = AbortSignal.timeout(STREAM_TIMEOUT_MS);
    try {
      const frame = await ms.read(LINK_LIMITS.maxFrameBytes, signal);
      const hello = decodeLinkFrame(frame);
      if (hello.kind !== 'hello') throw new DecodeError('link.k', 'expected a hello');
      const reply = await this.#answer(hello, frame, remote);
      await ms.write(encodeLinkFrame(reply), signal);
      await stream.close({ signal });
    } catch (e) {
      stream.abort(e as Error);
    }
  }

  async #answer(h: LinkHello, frame: Uint8Array, remote: string): Promise<LinkFrame> {
    const d = this.#d;
    const offer = this.#offers.get(toHex(h.offer));
    if (offer === undefined) return { kind: 'refused', reason: 'unknown' };
    if (offer.state === 'used') return { kind: 'refused', reason: 'used' };
    if (offer.state === 'closed') return { kind: 'refused', reason: 'expired' };
    if (d.now() > offer.expiresAt) {
      offer.state = 'closed';
      clearTimeout(offer.timer);
      offer.reject(new LinkError('expired', 'the code expired before a device used it'));
      return { kind: 'refused', reason: 'expired' };
    }
    const transcript = helloTranscript(h, remote, d.node.peerId);
    const macOk = macEquals(hmacSha256(d.crypto, offer.secret, transcript), h.mac);
    if (!macOk || !d.crypto.ed25519Verify(h.device, transcript, h.sig)) {
      offer.failures++;
      if (offer.failures >= LINK_LIMITS.maxFailures) {
        offer.state = 'closed';
        clearTimeout(offer.timer);
        offer.reject(new LinkError('wrong-secret', `${offer.failures} hellos with a wrong MAC or signature: the code was withdrawn`));
      }
      return { kind: 'refused', reason: 'wrong-secret' };
    }
    // Single use from here on, whatever happens next.
    offer.state = 'used';
    clearTimeout(offer.timer);
    try {
      const id = d.identity();
      const account = accountKeyPair(id, 'link a device');
      const cert = sign(
        deviceCertCodec,
        { account: account.publicKey, device: h.device, boxKey: h.boxKey, createdAt: d.now(), label: h.label },
        account.secret,
        d.crypto,
      );
      const rooms: LinkRoom[] = [];
      const certified: Uint8Array[] = [];
      for (const s of [...d.sessions()]) {
        if (!s.ready || !s.state.isMember(account.publicKey, s.state.length - 1)) continue;
        const known = s.state.deviceInfo(h.device);
        if (known !== undefined && (known.revoked || !equals(known.account, account.publicKey))) continue;
        if (known === undefined) {
          try {
            await d.act(s.id, { kind: 'add_device', cert: cert.bytes });
          } catch {
            continue; // the room refused it (e.g. left meanwhile): not listed
          }
        }
        certified.push(s.id);
        if (rooms.length < LINK_LIMITS.maxRooms) rooms.push({ id: s.id, name: roomName(s), heads: s.state.heads().slice(0, 16) });
      }
      const body = { cert: cert.bytes, offererCert: id.cert.bytes, profile: id.profile.bytes, addrs: dialableAddrs(d.node), rooms };
      offer.resolve({ device: h.device, label: h.label, rooms: certified });
      return { kind: 'grant', ...body, mac: grantMac(d.crypto, offer.secret, frame, body) };
    } catch (e) {
      offer.reject(new LinkError('failed', (e as Error).message, { cause: e }));
      return { kind: 'refused', reason: 'failed' };
    }
  }
}

const roomName = (s: RoomSession): string | undefined => {
  const a = s.state.entries[0]?.entry.body.action;
  return a?.kind === 'genesis' ? a.name : undefined;
};

/** This node's addresses that a link code or grant may carry (valid, public form), at most LINK_LIMITS.maxAddrs. */
const dialableAddrs = (node: ParleyNode): string[] => {
  const out: string[] = [];
  for (const a of node.multiaddrs()) {
    try {
      out.push(validateMultiaddr(a, 'addr'));
    } catch {
      // not one a peer could dial from elsewhere
    }
  }
  // Relayed addresses first (they reach a browser behind NAT through the hubs both use), WebRTC ones last.
  const rank = (a: string) => (a.includes('/webrtc') ? 2 : a.includes('/p2p-circuit') ? 0 : 1);
  out.sort((x, y) => rank(x) - rank(y));
  return [...new Set(out)].slice(0, LINK_LIMITS.maxAddrs);
};
