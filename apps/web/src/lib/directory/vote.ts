/**
 * A directory vote (PROTOCOL 8.6): signed by the person's account key with proof of work at the
 * network's VOTE_DIFFICULTY (about 0.3 s median on one core), searched in slices that yield to the
 * page between them so the page stays responsive, then sent to the indexer (POST /v1/votes).
 */
import { accountKeyPair, type Identity } from '@parley/client';
import { createVote, fromHex, nobleCrypto, ProofOfWorkError, VOTE_DIFFICULTY, type VoteValue } from '@parley/protocol';

const SLICE = 16_384;

export const solveVote = async (identity: Identity, roomHex: string, value: VoteValue, now: number, signal?: AbortSignal): Promise<Uint8Array> => {
  // Votes are signed by the account key: a linked device (which holds no account secret) gets NoAccountKeyError.
  const secret = accountKeyPair(identity, 'vote in the directory').secret;
  const body = { voter: identity.account.publicKey, room: fromHex(roomHex), value, issuedAt: now };
  for (let start = 0; ; start += SLICE) {
    signal?.throwIfAborted();
    try {
      return createVote(body, secret, nobleCrypto, { difficulty: VOTE_DIFFICULTY, startNonce: start, maxIterations: SLICE }).bytes;
    } catch (e) {
      if (!(e instanceof ProofOfWorkError)) throw e;
    }
    await new Promise((r) => setTimeout(r, 0));
  }
};
