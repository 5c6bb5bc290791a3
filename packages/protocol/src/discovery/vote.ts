/**
 * VOTE: an account's up- or down-vote on a listed room, with its own (lower) proof of work.
 *
 * Payload: { a: voter account key (signer), r: room id, v: 1 = up (+1) or 0 = down (-1), t: issued ms,
 * w: work nonce (8 bytes) }. Votes do not expire; a later vote by the same account on the same room
 * replaces the earlier one (latest `t` wins, then the lower id), so a voter can change their mind.
 * The proof of work makes each (key, vote) cost CPU time; keys themselves are free, so tallies are a
 * ranking signal for the indexer, never an authority.
 */
import { compare, toHex } from '../bytes.ts';
import type { CborMap } from '../codec/cbor.ts';
import { onlyKeys, reqBytes, reqUint } from '../codec/fields.ts';
import type { BodyCodec, Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { checkRecordClock } from './presence.ts';
import { openWithWork, POW_NONCE_BYTES, type SolveOptions, signWithWork } from './proof-of-work.ts';

export type VoteValue = 1 | -1;

export interface Vote {
  /** `a`: the voter's account key. */
  readonly voter: Uint8Array;
  /** `r` */
  readonly room: Uint8Array;
  /** `v`: encoded 1 for +1, 0 for -1. */
  readonly value: VoteValue;
  /** `t` */
  readonly issuedAt: number;
  /** `w` */
  readonly nonce: Uint8Array;
}

export const voteCodec: BodyCodec<Vote> = {
  type: 'VOTE',
  maxPayload: 160,
  write: (v) => ({ a: v.voter, r: v.room, v: v.value === 1 ? 1 : 0, t: v.issuedAt, w: v.nonce }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'r', 'v', 't', 'w'], f);
    return {
      voter: reqBytes(m, 'a', f, 32),
      room: reqBytes(m, 'r', f, 32),
      value: reqUint(m, 'v', f, 1) === 1 ? 1 : -1,
      issuedAt: reqUint(m, 't', f),
      nonce: reqBytes(m, 'w', f, POW_NONCE_BYTES),
    };
  },
  signer: (v) => v.voter,
};

/** Solves the work (at `o.difficulty`) and signs with the account secret. `body.nonce` is ignored. */
export const createVote = (body: Omit<Vote, 'nonce'>, secret: Uint8Array, crypto: CryptoPort, o: SolveOptions): Signed<Vote> =>
  signWithWork(voteCodec, { ...body, nonce: new Uint8Array(POW_NONCE_BYTES) }, secret, crypto, o);

/** Opens a vote: decode, fields, clock (ExpiredError when t > now + 5 min), work at `difficulty` or more, signature. */
export const openVote = (bytes: Uint8Array, crypto: CryptoPort, now: number, difficulty: number): Signed<Vote> =>
  openWithWork(voteCodec, bytes, crypto, difficulty, (v) => checkRecordClock(v.issuedAt, undefined, now, 'VOTE'));

/** The vote that stands between two by the same voter on the same room: latest `t`, then lowest id. */
export const latestVote = (a: Signed<Vote>, b: Signed<Vote>): Signed<Vote> => {
  if (a.body.issuedAt !== b.body.issuedAt) return a.body.issuedAt > b.body.issuedAt ? a : b;
  return compare(a.id, b.id) <= 0 ? a : b;
};

export interface VoteTally {
  readonly room: Uint8Array;
  readonly up: number;
  readonly down: number;
  /** up - down */
  readonly score: number;
}

/**
 * Tallies verified votes per room (keyed by hex room id), counting one vote per (voter, room): the
 * latest. Order-independent.
 */
export const tallyVotes = (votes: readonly Signed<Vote>[]): Map<string, VoteTally> => {
  const standing = new Map<string, Signed<Vote>>();
  for (const v of votes) {
    const k = `${toHex(v.body.room)}:${toHex(v.body.voter)}`;
    const cur = standing.get(k);
    standing.set(k, cur === undefined ? v : latestVote(cur, v));
  }
  const tallies = new Map<string, { room: Uint8Array; up: number; down: number; score: number }>();
  for (const v of standing.values()) {
    const k = toHex(v.body.room);
    let t = tallies.get(k);
    if (t === undefined) tallies.set(k, (t = { room: v.body.room, up: 0, down: 0, score: 0 }));
    if (v.body.value === 1) t.up++;
    else t.down++;
    t.score = t.up - t.down;
  }
  return tallies;
};
