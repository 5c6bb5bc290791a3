/**
 * A real room for network benchmarks, deterministic from its label: an owner and `members - 1`
 * joined members, each with an account key and a certified device, one text channel, open policy.
 * Every process that calls `buildBenchRoom` with the same arguments gets the same room, so bench
 * processes can each replay it and verify each other's envelopes against it.
 */
import {
  type AuthorityEntry,
  certifyDevice,
  createEnvelope,
  createGenesis,
  deviceKeys,
  nextEntry,
  type RoomState,
  replayAuthority,
  type Signed,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';

const seed = (label: string): Uint8Array => nodeCrypto.sha256(new TextEncoder().encode(label));

export interface BenchMember {
  readonly account: { secret: Uint8Array; publicKey: Uint8Array };
  readonly device: ReturnType<typeof deviceKeys>;
}

export interface BenchRoom {
  readonly label: string;
  readonly state: RoomState;
  readonly entries: Signed<AuthorityEntry>[];
  readonly members: BenchMember[];
  readonly channel: Uint8Array;
  readonly epochKey: Uint8Array;
  readonly heads: Uint8Array[];
}

export const buildBenchRoom = (label: string, members: number): BenchRoom => {
  const people = Array.from({ length: members }, (_, i) => {
    const secret = seed(`${label}-account-${i}`);
    const account = { secret, publicKey: nodeCrypto.ed25519PublicKey(secret) };
    const device = deviceKeys(seed(`${label}-device-${i}`), seed(`${label}-box-${i}`), nodeCrypto);
    const cert = certifyDevice(account, device, 1_750_000_000_000, nodeCrypto);
    return { account, device, cert, author: { account: account.publicKey, signer: device.sign, cert } };
  });
  const owner = people[0] as (typeof people)[number];
  const entries = [createGenesis({ author: owner.author, name: label, nonce: new Uint8Array(16), time: 1 }, nodeCrypto)];
  let state = replayAuthority(entries, nodeCrypto);
  const add = (who: (typeof people)[number], action: Parameters<typeof nextEntry>[2]): void => {
    entries.push(nextEntry(state, who.author, action, entries.length + 1, nodeCrypto));
    state = replayAuthority(entries, nodeCrypto);
  };
  add(owner, { kind: 'set_policy', policy: { join: 'open', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] } });
  const channel = new Uint8Array(16).fill(9);
  add(owner, { kind: 'create_channel', channel, name: 'general', channelKind: 'text', topic: '' });
  for (const p of people.slice(1)) add(p, { kind: 'join', cert: p.cert.bytes });
  return {
    label,
    state,
    entries,
    members: people.map((p) => ({ account: p.account, device: p.device })),
    channel,
    epochKey: seed(`${label}-epoch-key`),
    heads: state.heads(),
  };
};

/** One real signed ENVELOPE frame by `member` with this seq and lamport (deterministic). */
export const benchEnvelope = (room: BenchRoom, member: number, seq: number, lamport: number, text: string): Uint8Array => {
  const who = room.members[member] as BenchMember;
  const nonce = seed(`${room.label}-nonce-${member}-${seq}`).subarray(0, 24);
  return createEnvelope(
    { account: who.account.publicKey, room: room.state.roomId, channel: room.channel, seq, lamport, heads: room.heads, epoch: 0, content: { text } },
    who.device.sign,
    room.epochKey,
    nonce,
    nodeCrypto,
  ).bytes;
};
