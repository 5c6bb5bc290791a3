/**
 * Authoring entries: a client (or a test) builds the next entry from its current replayed state, so
 * it references the current heads, takes the next Lamport clock and the device's next sequence
 * number, and carries honest cut-offs for removals.
 */
import { toHex } from '../bytes.ts';
import { type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { UnknownReferenceError } from '../errors.ts';
import type { DeviceCert } from '../identity/device-cert.ts';
import type { KeyPair } from '../identity/keys.ts';
import { type AuthorityEntry, type CutoffRow, type EntryAction, entryCodec, sortCutoffs } from './entry.ts';
import { roomIdOf } from './room-id.ts';
import type { RoomState } from './room-state.ts';

/** Who signs: the account key itself, or a device key with its certificate. */
export interface Author {
  readonly account: Uint8Array;
  readonly signer: KeyPair;
  readonly cert?: Signed<DeviceCert> | undefined;
}

export interface CreateRoomInput {
  readonly author: Author;
  readonly name: string;
  /** 16 random bytes. */
  readonly nonce: Uint8Array;
  readonly time: number;
}

export const createGenesis = (input: CreateRoomInput, crypto: CryptoPort): Signed<AuthorityEntry> => {
  const { author, name, nonce, time } = input;
  const body: AuthorityEntry = {
    signer: author.signer.publicKey,
    account: author.account,
    room: roomIdOf(author.account, name, nonce, crypto),
    seq: 1,
    lamport: 0,
    prev: [],
    time,
    action: { kind: 'genesis', name, nonce, cert: author.cert?.bytes },
  };
  return sign(entryCodec, body, author.signer.secret, crypto);
};

/** Builds the next entry on top of `state`'s current heads. */
export const nextEntry = (state: RoomState, author: Author, action: EntryAction, time: number, crypto: CryptoPort): Signed<AuthorityEntry> => {
  const prev = state.heads();
  if (prev.length === 0) throw new UnknownReferenceError('entry.p', 'the room has no valid entries to build on');
  let lamport = 0;
  for (const p of prev) lamport = Math.max(lamport, state.lamportOf(p) ?? 0);
  const body: AuthorityEntry = {
    signer: author.signer.publicKey,
    account: author.account,
    room: state.roomId,
    seq: state.nextSeq(author.signer.publicKey),
    lamport: lamport + 1,
    prev,
    time,
    action,
  };
  return sign(entryCodec, body, author.signer.secret, crypto);
};

/**
 * Cut-off rows for removing `target`: for each of its devices (and its account key), the highest
 * authority-stream seq this state knows, plus the channel rows the caller knows from its message
 * store (`channelRows`, typically the have-vector of every channel). Rows with seq 0 are left out
 * (absent means 0).
 */
export const cutoffRows = (state: RoomState, target: Uint8Array, channelRows: readonly CutoffRow[] = []): CutoffRow[] => {
  const devices = [target, ...state.devicesOf(target).map((d) => d.device)];
  const mine = new Set(devices.map(toHex));
  const rows: CutoffRow[] = [];
  for (const d of devices) {
    const s = state.highestSeq(d);
    if (s > 0) rows.push({ device: d, stream: new Uint8Array(0), seq: s });
  }
  for (const r of channelRows) if (mine.has(toHex(r.device)) && r.seq > 0 && r.stream.length === 16) rows.push(r);
  return sortCutoffs(rows);
};
