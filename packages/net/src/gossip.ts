/**
 * Room gossip over gossipsub: one authority topic per room, one topic per channel (topics.ts).
 * Every message is one signed frame; its gossipsub message id is SHA-256 of the frame, which is the
 * protocol's object id, so a frame that arrives twice (from two peers, or republished) is dropped as a
 * duplicate before validation. Messages are unsigned at the gossipsub layer (StrictNoSign): the frame
 * carries its own signature, and verifying a second one per message would only cost CPU.
 *
 * Each subscribed topic gets a validator that calls the injected `validate(topic, bytes)`. Its
 * verdict goes to gossipsub as is (but ERR_UNKNOWN_REFERENCE: Ignore): Reject lowers the sender's
 * score (P4), Ignore drops silently. Every reject is recorded in the PenaltyBox with its code.
 * An RPC above gossipsub's maxInboundDataLength never reaches a validator: gossipsub refuses it at
 * its length prefix and drops the peer's stream, and that is counted here as 'gossip-oversize'.
 */
import type { GossipSub, Message, TopicValidatorResult } from '@libp2p/gossipsub';
import { createTopicScoreParams, type PeerScoreParams, type TopicScoreParams } from '@libp2p/gossipsub/score';
import type { PeerId } from '@libp2p/interface';
import { type CryptoPort, isProtocolError, parseFrame } from '@parley/protocol';
import type { PenaltyBox } from './penalties.ts';
import { parseStatusTopic, parseTopic, parseTypingTopic } from './topics.ts';

const isParleyTopic = (t: string): boolean => parseTopic(t) !== undefined || parseTypingTopic(t) !== undefined || parseStatusTopic(t) !== undefined;

export type GossipVerdict = 'accept' | 'reject' | 'ignore';

/** A reject that says why: the protocol error code decides the penalty's weight (PenaltyPolicy). */
export interface GossipRejection {
  readonly verdict: 'reject';
  readonly code: string;
}

export type GossipOutcome = GossipVerdict | GossipRejection;

/**
 * Decides what happens to a message on a Parley topic. The client plugs in decode -> validate ->
 * authorize; it may run off the event loop (a worker), hence the promise. A thrown ProtocolError
 * counts as a reject with its code, anything else thrown as 'ignore'. A reject with code
 * ERR_UNKNOWN_REFERENCE goes to gossipsub as Ignore (honest peers relay objects whose references we
 * lack yet) and weighs 0.
 */
export type GossipValidator = (topic: string, bytes: Uint8Array, from: string) => GossipOutcome | Promise<GossipOutcome>;

/** Structural check only (a well-formed frame of a known type); the default until a client injects its own. */
export const frameShapeValidator: GossipValidator = (_topic, bytes) => {
  parseFrame(bytes);
  return 'accept';
};

export interface GossipMessage {
  readonly topic: string;
  readonly data: Uint8Array;
  /** Lowercase hex SHA-256 of `data`: the object id (the node sets gossipsub's msgIdToStrFn to hex). */
  readonly id: string;
  /** The peer that forwarded it to us (not necessarily its author). */
  readonly from: string;
}

/**
 * Score parameters of every Parley topic. Gossipsub scores only topics that have parameters, so
 * without these a Reject would cost the sender nothing. Only invalid deliveries (P4) count: room
 * topics are quiet, and the mesh-delivery penalties (P3, P3b) would punish peers for silence. With
 * the default thresholds one invalid message takes a peer to the gossip threshold (-10) and three
 * past the graylist threshold (-80); the count decays by a tenth per second.
 */
export const PARLEY_TOPIC_SCORE: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 100,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.9,
};

/** gossipsub msgIdFn: SHA-256 of the frame (the protocol object id). */
export const frameMessageId =
  (crypto: CryptoPort) =>
  (msg: Message): Uint8Array =>
    crypto.sha256(msg.data);

export class RoomGossip {
  private readonly pubsub: GossipSub;
  private readonly validate: GossipValidator;
  private readonly penalties: PenaltyBox;
  private readonly listeners = new Set<(m: GossipMessage) => void>();
  private readonly onMessage = (evt: CustomEvent<{ propagationSource: PeerId; msgId: string; msg: Message }>): void => {
    const { msg, msgId, propagationSource } = evt.detail;
    if (!isParleyTopic(msg.topic)) return;
    const m: GossipMessage = { topic: msg.topic, data: msg.data, id: msgId, from: propagationSource.toString() };
    for (const l of this.listeners) l(m);
  };

  constructor(pubsub: GossipSub, validate: GossipValidator, penalties: PenaltyBox) {
    this.pubsub = pubsub;
    this.validate = validate;
    this.penalties = penalties;
    this.countOversize();
  }

  /**
   * gossipsub keeps no count of an inbound RPC over maxInboundDataLength (it-length-prefixed throws
   * InvalidDataLengthError at the prefix, before buffering); it only forgets the peer's stream through
   * handlePeerReadStreamError, a method of the GossipSub class kept for spying on exactly this.
   */
  private countOversize(): void {
    const ps = this.pubsub as unknown as { handlePeerReadStreamError?: (err: unknown, peer: PeerId) => void };
    const original = ps.handlePeerReadStreamError;
    if (typeof original !== 'function') return;
    ps.handlePeerReadStreamError = (err, peer) => {
      if ((err as Error)?.name === 'InvalidDataLengthError') this.penalties.record(peer.toString(), 'gossip-oversize', (err as Error).message);
      original.call(this.pubsub, err, peer);
    };
  }

  start(): void {
    this.pubsub.addEventListener('gossipsub:message', this.onMessage);
  }

  stop(): void {
    this.pubsub.removeEventListener('gossipsub:message', this.onMessage);
    for (const t of this.pubsub.getTopics()) if (isParleyTopic(t)) this.leave(t);
  }

  private async verdict(topic: string, data: Uint8Array, from: string): Promise<GossipVerdict> {
    let v: GossipVerdict;
    let code: string | undefined;
    try {
      const out = await this.validate(topic, data, from);
      if (typeof out === 'string') v = out;
      else {
        v = 'reject';
        code = out.code;
      }
    } catch (e) {
      v = isProtocolError(e) ? 'reject' : 'ignore';
      if (isProtocolError(e)) code = e.code;
    }
    if (v !== 'reject') return v;
    this.penalties.record(from, 'gossip-reject', code === undefined ? topic : `${code} on ${topic}`, code);
    return code === 'ERR_UNKNOWN_REFERENCE' ? 'ignore' : 'reject';
  }

  /** Subscribes to a Parley topic (authorityTopic / channelTopic / typingTopic / statusTopic), validator first. */
  join(topic: string): void {
    if (!isParleyTopic(topic)) throw new RangeError(`not a Parley topic: ${topic}`);
    // Topic scoring lives on the GossipSub class (public `score.params`), not on its interface. The
    // entry stays after leave(): gossipsub reads it for as long as it keeps stats for the topic.
    const topics = (this.pubsub as unknown as { score?: { params?: PeerScoreParams } }).score?.params?.topics;
    if (topics !== undefined && topics[topic] === undefined) topics[topic] = createTopicScoreParams(PARLEY_TOPIC_SCORE);
    // gossipsub's TopicValidatorResult enum has exactly these string values.
    this.pubsub.topicValidators.set(topic, (peer, msg) => this.verdict(topic, msg.data, peer.toString()) as Promise<TopicValidatorResult>);
    this.pubsub.subscribe(topic);
  }

  leave(topic: string): void {
    this.pubsub.unsubscribe(topic);
    this.pubsub.topicValidators.delete(topic);
  }

  /** Peers we know are subscribed to `topic`. */
  peers(topic: string): string[] {
    return this.pubsub.getSubscribers(topic).map((p) => p.toString());
  }

  /**
   * Publishes one frame. Returns how many peers it was sent to (0 is not an error: the frame is the
   * caller's to keep and re-offer by sync). Publishing the same frame twice is not an error either.
   */
  async publish(topic: string, frame: Uint8Array): Promise<number> {
    if (!isParleyTopic(topic)) throw new RangeError(`not a Parley topic: ${topic}`);
    const r = await this.pubsub.publish(topic, frame);
    return r.recipients.length;
  }

  /** Calls `listener` for every accepted message on a joined Parley topic; returns the unsubscribe. */
  subscribe(listener: (m: GossipMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
