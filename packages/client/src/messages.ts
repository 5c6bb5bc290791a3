/**
 * Authoring an envelope: current authority heads, the channel's epoch there and the canonical key of
 * that epoch, this device's next seq in the channel, the next Lamport clock. Counters are reserved
 * before anything awaits, so concurrent sends never share a seq.
 */
import { type Content, type CryptoPort, createEnvelope, type Envelope, type EnvelopeOp, type RandomSource, type Signed, toHex } from '@parley/protocol';
import { ClientError } from './errors.ts';
import type { Identity } from './identity.ts';
import type { RoomSession } from './room-session.ts';

export interface EnvelopeRequest {
  readonly channel: Uint8Array;
  readonly content: Content;
  readonly op?: EnvelopeOp | undefined;
  readonly target?: Uint8Array | undefined;
}

export const draftEnvelope = (s: RoomSession, r: EnvelopeRequest, identity: Identity, random: RandomSource, crypto: CryptoPort): Signed<Envelope> => {
  const state = s.state;
  if (state.channelAt(r.channel, state.length - 1) === undefined) throw new ClientError('unknown-channel', `no channel ${toHex(r.channel)}`);
  const heads = state.heads();
  let pos = -1;
  for (const h of heads) pos = Math.max(pos, state.positionOf(h) ?? -1);
  const epoch = state.epochAt(r.channel, pos);
  const key = s.keyring.sendingKey(r.channel, epoch);
  if (key === undefined) throw new ClientError('no-key', `no key yet for epoch ${epoch} of channel ${toHex(r.channel)}`);
  const ch = toHex(r.channel);
  const seq = (s.mySeq.get(ch) ?? 0) + 1;
  s.mySeq.set(ch, seq);
  const lamport = (s.lamport.get(ch) ?? 0) + 1;
  s.lamport.set(ch, lamport);
  return createEnvelope(
    { account: identity.account.publicKey, room: s.id, channel: r.channel, seq, lamport, heads, epoch, op: r.op, target: r.target, content: r.content },
    identity.device.sign,
    key.key,
    random(24),
    crypto,
  );
};
