/**
 * Direct-message fixture on the real authority room: alice (owner, with a second certified device),
 * bob and carol are members; dave is not. `dm()` makes a direct envelope with fresh or given
 * sessions, numbered per (device, inbox) like a client does. Deterministic: seeded randomness.
 */
import type { Signed } from '../src/codec/signed.ts';
import { createDirectEnvelope, type DirectTarget, inboxChannel } from '../src/direct/direct-envelope.ts';
import { initiateSession, type RatchetState } from '../src/direct/ratchet.ts';
import { certifyDevice } from '../src/identity/device-cert.ts';
import { type DeviceKeys, deviceKeys } from '../src/identity/keys.ts';
import type { Envelope } from '../src/message/envelope.ts';
import { crypto, seededRandom } from './helpers.ts';
import { type Member, member, T0, TestRoom } from './room-fixture.ts';

export interface Device {
  readonly name: string;
  readonly account: Uint8Array;
  readonly keys: DeviceKeys;
}

export const directCast = (seed: string) => {
  const rnd = seededRandom(`direct:${seed}`);
  const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(member) as [Member, Member, Member, Member];
  const room = new TestRoom(alice);
  room.join(bob);
  room.join(carol);
  const alice2Keys = deviceKeys(rnd(32), rnd(32), crypto);
  room.do(alice, { kind: 'add_device', cert: certifyDevice(alice.account, alice2Keys, T0, crypto, 'alice-2').bytes });
  const dev = (m: Member, keys: DeviceKeys = m.device, name = m.name): Device => ({ name, account: m.key, keys });
  const devices = { alice: dev(alice), alice2: dev(alice, alice2Keys, 'alice2'), bob: dev(bob), carol: dev(carol), dave: dev(dave) };
  const seqs = new Map<string, number>();
  let lamport = 0;

  /** A fresh session from `from` to `to` (what a sender does when it has none). */
  const start = (from: Device, to: Device): RatchetState =>
    initiateSession({ self: from.keys.sign.publicKey, box: from.keys.box, peer: to.keys.sign.publicKey, peerBox: to.keys.box.publicKey }, rnd, crypto);

  /** A direct envelope from `from` into the inbox of `inboxOf`, encrypted to `targets`. */
  const dm = (
    from: Device,
    inboxOf: Uint8Array,
    targets: readonly DirectTarget[],
    text: string,
    to: Uint8Array = inboxOf,
  ): { envelope: Signed<Envelope>; states: RatchetState[] } => {
    const k = `${from.name}/${inboxOf.join(',')}`;
    const seq = (seqs.get(k) ?? 0) + 1;
    seqs.set(k, seq);
    return createDirectEnvelope(
      { account: from.account, room: room.roomId, inboxOf, seq, lamport: ++lamport, heads: room.state.heads(), content: { text, to, sentAt: T0 + lamport } },
      targets,
      from.keys.sign,
      crypto,
    );
  };
  return { rnd, room, alice, bob, carol, dave, devices, start, dm, inbox: (a: Uint8Array) => inboxChannel(room.roomId, a, crypto) };
};
