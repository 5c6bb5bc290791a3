/**
 * Rekey: the work a member does when a ban (or an ACL change, or a ROTATE) starts a new epoch in a
 * 1,000-member channel where every member has 2 devices: a fresh key sealed to all 2,000 reader
 * devices (one X25519 + HKDF + XChaCha20-Poly1305 seal each), signed into EPOCH_BUNDLE frames of
 * up to RECIPIENTS_PER_BUNDLE readers, and each frame checked as the publisher's own ingest path
 * checks it before gossip (decode, signature, authorization against the replayed room).
 *
 * Baseline, measured in the same run: the floor of 2,000 X25519 shared secrets + 2,000 AEAD seals
 * of a 32-byte key with the same primitives and no framing. Targets: value < 1,000 ms, ratio <= 1.5
 * (`npm run bench -- rekey`; `results/rekey.json` records both).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  type AuthorityEntry,
  certifyDevice,
  createGenesis,
  deviceKeys,
  EpochKeyring,
  entryCodec,
  keyIdOf,
  nextEpochToPublish,
  RECIPIENTS_PER_BUNDLE,
  type RoomState,
  replayAuthority,
  rotateChannelKey,
  type Signed,
  sign,
  verifyEpochBundle,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { type BenchOptions, type BenchResult, makeResult } from './lib/result.ts';
import { median } from './lib/stats.ts';

const crypto = nodeCrypto;
const seed = (label: string): Uint8Array => crypto.sha256(new TextEncoder().encode(label));

interface Room {
  readonly state: RoomState;
  readonly channel: Uint8Array;
  readonly owner: { readonly account: Uint8Array; readonly device: ReturnType<typeof deviceKeys> };
  readonly keyring: EpochKeyring;
}

/**
 * An open room whose owner and `members - 1` others each join with one device and add a second:
 * built as one chain of entries (each on the previous one) and replayed once, then a ROTATE by the
 * owner starts epoch 1 of the channel.
 */
const buildRoom = (members: number): Room => {
  const entries: Signed<AuthorityEntry>[] = [];
  const people = Array.from({ length: members }, (_, i) => {
    const secret = seed(`rekey-account-${i}`);
    const account = { secret, publicKey: crypto.ed25519PublicKey(secret) };
    const devices = [0, 1].map((d) => deviceKeys(seed(`rekey-device-${i}-${d}`), seed(`rekey-box-${i}-${d}`), crypto));
    const certs = devices.map((d) => certifyDevice(account, d, 1_750_000_000_000, crypto));
    return { account, devices, certs };
  });
  const owner = people[0] as (typeof people)[number];
  const genesis = createGenesis(
    {
      author: { account: owner.account.publicKey, signer: (owner.devices[0] as ReturnType<typeof deviceKeys>).sign, cert: owner.certs[0] },
      name: 'rekey',
      nonce: new Uint8Array(16),
      time: 1,
    },
    crypto,
  );
  entries.push(genesis);
  const room = genesis.body.room;
  const seqs = new Map<string, number>();
  const append = (who: (typeof people)[number], device: number, action: AuthorityEntry['action']): void => {
    const signer = who.devices[device]?.sign as { secret: Uint8Array; publicKey: Uint8Array };
    const key = `${who.account.publicKey.join()}/${device}`;
    const seq = (seqs.get(key) ?? (who === owner && device === 0 ? 1 : 0)) + 1;
    seqs.set(key, seq);
    const prev = entries[entries.length - 1] as Signed<AuthorityEntry>;
    entries.push(
      sign(
        entryCodec,
        { signer: signer.publicKey, account: who.account.publicKey, room, seq, lamport: entries.length, prev: [prev.id], time: entries.length + 1, action },
        signer.secret,
        crypto,
      ),
    );
  };
  append(owner, 0, { kind: 'set_policy', policy: { join: 'open', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] } });
  const channel = new Uint8Array(16).fill(7);
  append(owner, 0, { kind: 'create_channel', channel, name: 'general', channelKind: 'text', topic: '' });
  append(owner, 0, { kind: 'add_device', cert: (owner.certs[1] as Signed<unknown>).bytes });
  for (const p of people.slice(1)) {
    append(p, 0, { kind: 'join', cert: (p.certs[0] as Signed<unknown>).bytes });
    append(p, 0, { kind: 'add_device', cert: (p.certs[1] as Signed<unknown>).bytes });
  }
  append(owner, 0, { kind: 'rotate', channel });
  const state = replayAuthority(entries, crypto);
  if (state.rejected.length > 0 || state.pending.length > 0)
    throw new Error(`bench room: ${state.rejected.length} rejected, ${state.pending.length} pending entries`);
  const keyring = new EpochKeyring();
  const key0 = seed('rekey-epoch-0');
  keyring.add({ channel, epoch: 0, keyId: keyIdOf(key0, crypto), key: key0 });
  return { state, channel, owner: { account: owner.account.publicKey, device: owner.devices[0] as ReturnType<typeof deviceKeys> }, keyring };
};

/** One rekey as the publishing member does it: seal to every reader, sign the bundles, check each as its ingest path does. */
const rekey = (room: Room, n: number): number => {
  const pending = nextEpochToPublish(room.state, room.keyring, room.owner.account)[0];
  if (pending === undefined || pending.epoch !== 1) throw new Error('bench room: epoch 1 is not pending');
  const rot = rotateChannelKey(
    room.state,
    pending,
    { account: room.owner.account, device: room.owner.device.sign },
    (k) => seed(`r${n}-${k}-${Math.random()}`).slice(0, k),
    crypto,
  );
  let sealed = 0;
  for (const b of rot.bundles) sealed += verifyEpochBundle(b.bytes, room.state, crypto).body.recipients.length;
  return sealed;
};

/** The floor: `devices` X25519 shared secrets and AEAD seals of a 32-byte key, nothing else. */
const floor = (boxKeys: readonly Uint8Array[]): number => {
  const esk = seed('floor-ephemeral');
  const key = seed('floor-key');
  const nonce = new Uint8Array(24);
  let bytes = 0;
  for (const pub of boxKeys) {
    const shared = crypto.x25519Shared(esk, pub);
    bytes += xchacha20poly1305(shared, nonce).encrypt(key).length;
  }
  return bytes;
};

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const members = opts.smoke ? 40 : 1000;
  const runs = opts.smoke ? 3 : 9;
  const t0 = performance.now();
  const room = buildRoom(members);
  const buildMs = performance.now() - t0;
  const readers = room.state.readersAt(room.channel, room.state.length - 1);
  if (readers.length !== members * 2) throw new Error(`bench room: ${readers.length} readers, expected ${members * 2}`);
  const boxKeys = readers.map((r) => r.boxKey);
  // Alternating timed runs (after one warm-up of each), so that a machine whose load changes during
  // the run weighs on both sides alike.
  let sealed = rekey(room, 0);
  floor(boxKeys);
  const rekeyMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 1; i <= runs; i++) {
    let t = performance.now();
    sealed = rekey(room, i);
    rekeyMs.push(performance.now() - t);
    t = performance.now();
    floor(boxKeys);
    floorMs.push(performance.now() - t);
  }
  if (sealed !== readers.length) throw new Error(`sealed to ${sealed} devices, expected ${readers.length}`);
  const value = median(rekeyMs);
  const base = median(floorMs);
  const result = makeResult({
    name: 'rekey',
    value,
    unit: 'ms',
    baseline: `${readers.length} X25519 + XChaCha20-Poly1305 seals (floor)`,
    baseline_value: base,
    target: 'ratio <= 1.5',
    details: {
      members,
      devices: readers.length,
      bundles: Math.ceil(readers.length / RECIPIENTS_PER_BUNDLE),
      runs,
      rekey_ms: rekeyMs.map((x) => Math.round(x * 10) / 10),
      floor_ms: floorMs.map((x) => Math.round(x * 10) / 10),
      value_target_ms: 1000,
      value_pass: value < 1000,
      room_build_ms: Math.round(buildMs),
      crypto: crypto.name,
      smoke: opts.smoke,
    },
  });
  // Both targets must hold: under a second, and within 1.5x of the floor.
  return value < 1000 || opts.smoke ? result : { ...result, pass: false };
}
