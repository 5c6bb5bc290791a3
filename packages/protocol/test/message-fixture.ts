/**
 * Message-layer test fixture on top of the real authority room (room-fixture.ts): a room with an
 * owner, members, a channel with its epoch-0 key bundle, and a `send()` that numbers envelopes per
 * (device, channel) the way a client does. Deterministic: nonces and keys come from seeded streams.
 */
import { toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import type { RandomSource } from '../src/crypto/port.ts';
import { certifyDevice } from '../src/identity/device-cert.ts';
import { deviceKeys } from '../src/identity/keys.ts';
import { createEpochBundle, type EpochBundle } from '../src/keys/epoch-bundle.ts';
import type { Content, EnvelopeOp } from '../src/message/content.ts';
import { createEnvelope, type Envelope } from '../src/message/envelope.ts';
import { crypto, seededRandom } from './helpers.ts';
import { type Member, member, T0, TestRoom } from './room-fixture.ts';

export interface SendOptions {
  readonly op?: EnvelopeOp;
  readonly target?: Uint8Array;
  /** Defaults: the room's current heads, the channel's epoch there, the key of that epoch. */
  readonly heads?: readonly Uint8Array[];
  readonly epoch?: number;
  readonly key?: Uint8Array;
  readonly seq?: number;
  readonly lamport?: number;
  /** Account to claim (defaults to the sender's own account). */
  readonly account?: Uint8Array;
}

export class MessageRoom {
  readonly room: TestRoom;
  readonly channel: Uint8Array;
  readonly rnd: RandomSource;
  /** Epoch keys of `channel` by epoch. */
  readonly keys: Uint8Array[] = [];
  readonly bundles: Signed<EpochBundle>[] = [];
  readonly #seqs = new Map<string, number>();
  #lamport = 0;

  constructor(owner: Member, members: readonly Member[], seed = 'message-room') {
    this.rnd = seededRandom(seed);
    this.room = new TestRoom(owner);
    for (const m of members) this.room.join(m);
    this.channel = this.room.channel('general');
    this.publishEpoch(owner, 0);
  }

  get state() {
    return this.room.state;
  }

  /** Seals a fresh key for `epoch` to the readers at its trigger, as `by`. */
  publishEpoch(by: Member, epoch: number, key: Uint8Array = this.rnd(32)): Signed<EpochBundle> {
    const trig = this.state.epochTrigger(this.channel, epoch);
    if (trig === undefined) throw new Error(`no epoch ${epoch}`);
    const esk = this.rnd(32);
    const b = createEpochBundle(
      {
        account: by.key,
        room: this.room.roomId,
        channel: this.channel,
        epoch,
        trigger: trig.entryId,
        epochKey: key,
        recipients: this.state.readersAt(this.channel, trig.position),
      },
      by.device.sign,
      { secret: esk, publicKey: crypto.x25519PublicKey(esk) },
      crypto,
    );
    if (this.keys[epoch] === undefined) this.keys[epoch] = key;
    this.bundles.push(b);
    return b;
  }

  currentEpoch(): number {
    return this.state.epochAt(this.channel, this.state.length - 1);
  }

  send(by: Member, content: Content, o: SendOptions = {}): Signed<Envelope> {
    const heads = o.heads ?? this.state.heads();
    let p = -1;
    for (const h of heads) p = Math.max(p, this.state.positionOf(h) ?? -1);
    const epoch = o.epoch ?? this.state.epochAt(this.channel, p);
    const key = o.key ?? this.keys[epoch];
    if (key === undefined) throw new Error(`no key for epoch ${epoch}`);
    const slot = toHex(by.device.sign.publicKey);
    const seq = o.seq ?? (this.#seqs.get(slot) ?? 0) + 1;
    this.#seqs.set(slot, Math.max(seq, this.#seqs.get(slot) ?? 0));
    const lamport = o.lamport ?? ++this.#lamport;
    this.#lamport = Math.max(this.#lamport, lamport);
    return createEnvelope(
      { account: o.account ?? by.key, room: this.room.roomId, channel: this.channel, seq, lamport, heads, epoch, op: o.op, target: o.target, content },
      by.device.sign,
      key,
      this.rnd(24),
      crypto,
    );
  }
}

/** Certifies and adds a second device for `m` (ADD_DEVICE), returning it as a Member that signs with it. */
export const addDevice = (room: MessageRoom, m: Member, label: string): Member => {
  const rnd = seededRandom(`${m.name}-${label}`);
  const keys = deviceKeys(rnd(32), rnd(32), crypto);
  const cert = certifyDevice(m.account, keys, T0, crypto, label);
  room.room.do(m, { kind: 'add_device', cert: cert.bytes });
  return { ...m, name: `${m.name}-${label}`, device: keys, cert, author: { account: m.key, signer: keys.sign, cert } };
};

/** Owner alice, members bob and carol, one channel: the usual cast. */
export const cast = (seed?: string) => {
  const alice = member('alice');
  const bob = member('bob');
  const carol = member('carol');
  return { alice, bob, carol, room: new MessageRoom(alice, [bob, carol], seed) };
};
